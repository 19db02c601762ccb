import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ClearanceError } from "../errors.js";

const questionSchema = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  /** `<sync root>/<path>` of the one file that answers it, or `<records path>#<externalId>` of a record. */
  file: z.string().min(1),
  /** The name a citation of the answer shows (the file's name, or the CRM/ticket record's title). */
  source: z.string().min(1).optional(),
  canSee: z.array(z.string()).default([]),
  cannotSee: z.array(z.string()).default([]),
  /** The Connected User (company) whose drive holds the answer; absent in one-company corpora. */
  tenant: z.string().min(1).optional(),
});

const questionsFileSchema = z.object({
  /** The first company's featured people. */
  demoPeople: z.array(z.string().min(1)).min(1),
  /** Per company: its name and featured people. */
  tenants: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().optional(),
        demoPeople: z.array(z.string()).default([]),
      }),
    )
    .optional(),
  questions: z.array(questionSchema).min(1),
});

export type DemoQuestion = z.infer<typeof questionSchema>;
export type DemoQuestions = z.infer<typeof questionsFileSchema>;

/** Reads `questions.yaml` beside a corpus's manifest: the demo's people and questions with their answers. */
export async function loadDemoQuestions(corpusDir: string): Promise<DemoQuestions> {
  const file = join(corpusDir, "questions.yaml");
  if (!existsSync(corpusDir)) {
    throw new ClearanceError(
      "CORPUS_INVALID",
      `${corpusDir} does not exist: point --corpus at a corpus folder (manifest.yaml and questions.yaml; see docs/corpus-manifest.md)`,
    );
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new ClearanceError(
      "DEMO_QUESTIONS_MISSING",
      `${file} is missing: the demo needs the corpus's questions (run npx tsx scripts/make-corpus.ts)`,
      { cause },
    );
  }
  const parsed = questionsFileSchema.safeParse(parseYaml(text));
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ClearanceError("DEMO_QUESTIONS_INVALID", `${file} is not a valid questions file: ${where}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** The name a citation of a question's answer shows: its `source`, or the answering file's name. */
export function answerName(question: DemoQuestion): string {
  return question.source ?? question.file.split("/").pop()!;
}
