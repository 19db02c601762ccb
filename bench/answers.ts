/**
 * Answer quality of the offline answerer on the example corpus, with default settings: every
 * question of `questions.yaml` asked by every person it names, in the question's tenant. Where the
 * person cannot read the
 * only file that answers it, the answer must abstain (`answered: false`); where they can, the
 * answer must state the expected fact (`facts`, any of them, case-insensitive) and cite the
 * answering file. Prints one row per question, then the totals, then every miss.
 *
 *   npx tsx bench/answers.ts                    # examples/corpus
 *   npx tsx bench/answers.ts path/to/corpus     # another corpus folder with a questions.yaml
 *   npx tsx bench/answers.ts --quiet            # totals only, no list of misses
 *   npx tsx bench/answers.ts --k 10             # chunks per question other than the default
 *
 * Run it under the machine-wide lock: flock /work/coord/heavy.lock npx tsx bench/answers.ts
 */
import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { answerQuestion, type ChatResponseBody } from "../src/chat/index.js";
import { startDemo } from "../src/demo/index.js";

const args = process.argv.slice(2);
const QUIET = args.includes("--quiet");
const kAt = args.indexOf("--k");
const K = kAt === -1 ? undefined : Number(args[kAt + 1]);
const CORPUS = resolve(
  args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--k") ??
    join(import.meta.dirname, "../examples/corpus"),
);

const questionsSchema = z.object({
  questions: z.array(
    z.object({
      id: z.string(),
      /** The Connected User the question is asked in (default: the corpus's first). */
      tenant: z.string().optional(),
      question: z.string(),
      file: z.string(),
      /** the name a citation of the answer shows (a file's name, a CRM/ticket record's title) */
      source: z.string().optional(),
      facts: z.array(z.string().min(1)).optional(),
      canSee: z.array(z.string()).default([]),
      cannotSee: z.array(z.string()).default([]),
    }),
  ),
});
type Question = z.infer<typeof questionsSchema>["questions"][number];

interface Case {
  question: Question;
  user: string;
  answerable: boolean;
  body: ChatResponseBody;
}

/** Whether the answer states one of the question's facts (spaces and case ignored). */
function statesFact(answer: string, facts: readonly string[]): boolean {
  const flat = (s: string) => s.toLowerCase().replace(/\s+/g, " ");
  return facts.some((fact) => flat(answer).includes(flat(fact)));
}

/** Whether a `[n]` in the answer cites a chunk of the answering file (or CRM/ticket record). */
function citesFile(body: ChatResponseBody, question: Question): boolean {
  const cited = new Set([...body.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  const name = question.source ?? basename(question.file);
  return body.citations.some((c) => cited.has(c.n) && c.name === name);
}

const pct = (n: number, of: number) => (of === 0 ? "  n/a" : `${((100 * n) / of).toFixed(0).padStart(4)}%`);

async function main(): Promise<void> {
  const { questions } = questionsSchema.parse(
    parseYaml(await readFile(join(CORPUS, "questions.yaml"), "utf8")),
  );
  const started = performance.now();
  const demo = await startDemo({ corpusDir: CORPUS });
  const ingestSeconds = (performance.now() - started) / 1000;
  const cases: Case[] = [];
  const askStarted = performance.now();
  try {
    for (const question of questions) {
      for (const [users, answerable] of [
        [question.canSee, true],
        [question.cannotSee, false],
      ] as const) {
        for (const user of users) {
          const body = await answerQuestion({
            retriever: demo.retrievers.forTenant(question.tenant ?? demo.tenant),
            question: question.question,
            user,
            ...(K ? { k: K } : {}),
          });
          cases.push({ question, user, answerable, body });
        }
      }
    }
  } finally {
    await demo.close();
  }
  const askSeconds = (performance.now() - askStarted) / 1000;

  console.log(`Answers on ${CORPUS} (offline embedder, extractive answerer, k ${K ?? "default"})`);
  console.log(
    `${questions.length} questions, ${cases.length} (question, person) cases; ingest ${ingestSeconds.toFixed(1)} s, asking ${askSeconds.toFixed(1)} s\n`,
  );
  const header = ["question", "readers", "answered", "fact", "cites file", "non-readers", "abstained"];
  const rows = questions.map((q) => {
    const mine = cases.filter((c) => c.question === q);
    const yes = mine.filter((c) => c.answerable);
    const no = mine.filter((c) => !c.answerable);
    return [
      q.id,
      String(yes.length),
      `${yes.filter((c) => c.body.answered).length}/${yes.length}`,
      q.facts ? `${yes.filter((c) => statesFact(c.body.answer, q.facts!)).length}/${yes.length}` : "no facts",
      `${yes.filter((c) => citesFile(c.body, q)).length}/${yes.length}`,
      String(no.length),
      `${no.filter((c) => !c.body.answered).length}/${no.length}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));

  const answerable = cases.filter((c) => c.answerable);
  const withFacts = answerable.filter((c) => c.question.facts);
  const unanswerable = cases.filter((c) => !c.answerable);
  const unanswerableQuestions = new Set(unanswerable.map((c) => c.question.id)).size;
  const leaked = unanswerable.filter((c) => c.question.facts && statesFact(c.body.answer, c.question.facts));
  console.log("");
  console.log(
    `Abstained where the asker cannot read the answer   ${pct(unanswerable.filter((c) => !c.body.answered).length, unanswerable.length)}  (${unanswerable.filter((c) => !c.body.answered).length}/${unanswerable.length} cases, ${unanswerableQuestions} questions)`,
  );
  console.log(
    `Fact in the answer where the asker can read it     ${pct(withFacts.filter((c) => statesFact(c.body.answer, c.question.facts!)).length, withFacts.length)}  (${withFacts.filter((c) => statesFact(c.body.answer, c.question.facts!)).length}/${withFacts.length} cases${withFacts.length < answerable.length ? `; ${answerable.length - withFacts.length} without facts not scored` : ""})`,
  );
  console.log(
    `Cites the answering file where the asker can read  ${pct(answerable.filter((c) => citesFile(c.body, c.question)).length, answerable.length)}  (${answerable.filter((c) => citesFile(c.body, c.question)).length}/${answerable.length})`,
  );
  console.log(
    `Answered (did not abstain) where the asker can     ${pct(answerable.filter((c) => c.body.answered).length, answerable.length)}  (${answerable.filter((c) => c.body.answered).length}/${answerable.length})`,
  );
  console.log(`States the fact although the asker cannot read it  ${leaked.length} (must be 0)`);

  if (QUIET) return;
  const misses = cases.filter((c) =>
    c.answerable
      ? !c.body.answered ||
        (c.question.facts && !statesFact(c.body.answer, c.question.facts)) ||
        !citesFile(c.body, c.question)
      : c.body.answered,
  );
  if (misses.length === 0) return;
  console.log(`\nMisses (${misses.length}):`);
  for (const c of misses) {
    const kind = c.answerable ? "should answer" : "should abstain";
    console.log(
      `- ${c.question.id} as ${c.user} (${kind}), searched "${c.body.report.query ?? c.question.question}":`,
    );
    console.log(`    ${c.body.answer.replace(/\s+/g, " ").slice(0, 300)}`);
  }
}

await main();
