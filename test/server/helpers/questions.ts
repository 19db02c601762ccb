import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { CORPUS_DIR } from "./demo-server.js";

const questionsSchema = z.object({
  questions: z.array(
    z.object({
      tenant: z.string(),
      question: z.string(),
      file: z.string(),
      source: z.string().optional(),
      canSee: z.array(z.string()),
      cannotSee: z.array(z.string()),
    }),
  ),
});

/**
 * examples/corpus/questions.yaml: each question of a tenant (the demo serves northwind), the file answering it
 * (its base name), who may see it.
 */
export function demoQuestions(tenant = "northwind"): {
  question: string;
  fileName: string;
  canSee: string[];
  cannotSee: string[];
}[] {
  const parsed = questionsSchema.parse(parse(readFileSync(join(CORPUS_DIR, "questions.yaml"), "utf8")));
  return parsed.questions
    .filter((q) => q.tenant === tenant)
    .map((q) => ({
      question: q.question,
      // A record's answer is cited by its title (questions.yaml `source`), a file's by its name.
      fileName: q.source ?? q.file.split("/").pop()!,
      canSee: q.canSee,
      cannotSee: q.cannotSee,
    }));
}
