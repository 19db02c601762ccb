import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { manifestPeople, parseManifest } from "../emulator/index.js";

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
  questions: z.array(z.looseObject({ question: z.string().min(1) })).default([]),
});

/**
 * Reads `manifest.yaml` (people) and, when present, `questions.yaml` (demo questions and featured
 * people) of a corpus folder.
 *
 * @example const { people, questions } = loadDemoDirectory("examples/corpus");
 */
export function loadDemoDirectory(corpusDir: string): DemoDirectory {
  const manifest = parseManifest(
    parseYaml(readFileSync(join(corpusDir, "manifest.yaml"), "utf8")),
    join(corpusDir, "manifest.yaml"),
  );
  const people: Person[] = manifestPeople(manifest).map((p) => ({
    email: p.email,
    ...(p.name ? { name: p.name } : {}),
    ...(p.title ? { title: p.title } : {}),
  }));
  const questionsFile = join(corpusDir, "questions.yaml");
  if (!existsSync(questionsFile)) return { people, questions: [] };
  // questions.yaml is a nicety for the page: a broken one costs the suggestions, not the demo.
  const parsed = questionsFileSchema.safeParse(parseYaml(readFileSync(questionsFile, "utf8")));
  if (!parsed.success) return { people, questions: [] };
  const featured = (parsed.data.demoPeople ?? []).map((e) => e.toLowerCase());
  const rank = (p: Person) => {
    const i = featured.indexOf(p.email.toLowerCase());
    return i === -1 ? featured.length : i;
  };
  return {
    people: [...people].sort((a, b) => rank(a) - rank(b)),
    questions: parsed.data.questions.map((q) => q.question),
  };
}
