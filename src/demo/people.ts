import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { CorpusError, manifestCompanies, parseManifest } from "../emulator/index.js";

/** Someone the demo page lets you act as. */
export interface Person {
  email: string;
  /** The Connected User (company) the person belongs to. */
  tenant?: string;
  name?: string;
  title?: string;
}

/** A company of the corpus: a Connected User (tenant) and its display name. */
export interface Company {
  tenant: string;
  name?: string;
}

/** The corpus's companies, their people (featured first) and its demo questions, for the page's pickers. */
export interface DemoDirectory {
  companies: Company[];
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
  const manifestFile = join(corpusDir, "manifest.yaml");
  if (!existsSync(manifestFile)) {
    // serve --people and the demo commands name this folder: say which, not ENOENT.
    throw new CorpusError(
      `${corpusDir} has no manifest.yaml: point --people (or --corpus) at a corpus folder (see docs/corpus-manifest.md)`,
    );
  }
  const manifest = parseManifest(parseYaml(readFileSync(manifestFile, "utf8")), manifestFile);
  const companies = manifestCompanies(manifest).filter((c) => tenant === undefined || c.tenant === tenant);
  const listed: Company[] = companies.map((c) => ({ tenant: c.tenant, ...(c.name ? { name: c.name } : {}) }));
  const people: Person[] = companies.flatMap((c) =>
    c.people.map((p) => ({
      email: p.email,
      tenant: c.tenant,
      ...(p.name ? { name: p.name } : {}),
      ...(p.title ? { title: p.title } : {}),
    })),
  );
  const questionsFile = join(corpusDir, "questions.yaml");
  if (!existsSync(questionsFile)) return { companies: listed, people, questions: [] };
  // questions.yaml is a nicety for the page: a broken one costs the suggestions, not the demo.
  const parsed = questionsFileSchema.safeParse(parseYaml(readFileSync(questionsFile, "utf8")));
  if (!parsed.success) return { companies: listed, people, questions: [] };
  const { data } = parsed;
  // Featured people first within each company (the top-level demoPeople are the first company's).
  const featuredOf = (t: string | undefined) =>
    (
      data.tenants?.find((c) => c.id === t)?.demoPeople ??
      (t === companies[0]?.tenant ? data.demoPeople : []) ??
      []
    ).map((e) => e.toLowerCase());
  const rank = (p: Person) => {
    const featured = featuredOf(p.tenant);
    const i = featured.indexOf(p.email.toLowerCase());
    return i === -1 ? featured.length : i;
  };
  const order = (p: Person) => listed.findIndex((c) => c.tenant === p.tenant);
  return {
    companies: listed,
    people: [...people].sort((a, b) => order(a) - order(b) || rank(a) - rank(b)),
    questions: parsed.data.questions
      .filter((q) => tenant === undefined || q.tenant === undefined || q.tenant === tenant)
      .map((q) => q.question),
  };
}

/**
 * The company to answer in when the command line names a person but no `--tenant`: the first
 * company whose people list them, else `fallback` (the corpus's first). Without it, Kestrel's
 * diego@kestrel.test was answered in Northwind: "nothing you may read answers this".
 */
export function tenantOfPerson(
  people: readonly Person[],
  user: string | undefined,
  fallback: string,
): string {
  const email = user?.toLowerCase();
  return people.find((p) => p.tenant && p.email.toLowerCase() === email)?.tenant ?? fallback;
}
