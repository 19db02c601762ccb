import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { manifestCompanies, parseManifest } from "../emulator/index.js";

/** Someone the demo page lets you act as. */
export interface Person {
  email: string;
  /** The Connected User (company) the person belongs to. */
  tenant?: string;
  name?: string;
  title?: string;
}

/** The corpus's people (featured first) and its demo questions, for the page's pickers. */
export interface DemoDirectory {
  people: Person[];
  questions: string[];
}

const questionsFileSchema = z.looseObject({
  demoPeople: z.array(z.string()).optional(),
  /** Per tenant: its featured people (the top-level `demoPeople` are the first tenant's). */
  tenants: z.array(z.looseObject({ id: z.string(), demoPeople: z.array(z.string()).optional() })).optional(),
  questions: z
    .array(z.looseObject({ question: z.string().min(1), tenant: z.string().optional() }))
    .default([]),
});

/**
 * Reads `manifest.yaml` (each company's people) and, when present, `questions.yaml` (demo questions and
 * featured people) of a corpus folder; with a tenant, only that Connected User's people and questions.
 *
 * @example const { people, questions } = loadDemoDirectory("examples/corpus", "northwind");
 */
export function loadDemoDirectory(corpusDir: string, tenant?: string): DemoDirectory {
  const manifest = parseManifest(
    parseYaml(readFileSync(join(corpusDir, "manifest.yaml"), "utf8")),
    join(corpusDir, "manifest.yaml"),
  );
  const companies = manifestCompanies(manifest).filter((c) => tenant === undefined || c.tenant === tenant);
  const people: Person[] = companies.flatMap((c) =>
    c.people.map((p) => ({
      email: p.email,
      tenant: c.tenant,
      ...(p.name ? { name: p.name } : {}),
      ...(p.title ? { title: p.title } : {}),
    })),
  );
  const questionsFile = join(corpusDir, "questions.yaml");
  if (!existsSync(questionsFile)) return { people, questions: [] };
  // questions.yaml is a nicety for the page: a broken one costs the suggestions, not the demo.
  const parsed = questionsFileSchema.safeParse(parseYaml(readFileSync(questionsFile, "utf8")));
  if (!parsed.success) return { people, questions: [] };
  const listed = parsed.data.tenants?.find((t) => t.id === tenant)?.demoPeople ?? parsed.data.demoPeople;
  const featured = (listed ?? []).map((e) => e.toLowerCase());
  const rank = (p: Person) => {
    const i = featured.indexOf(p.email.toLowerCase());
    return i === -1 ? featured.length : i;
  };
  return {
    people: [...people].sort((a, b) => rank(a) - rank(b)),
    questions: parsed.data.questions
      .filter((q) => tenant === undefined || q.tenant === undefined || q.tenant === tenant)
      .map((q) => q.question),
  };
}
