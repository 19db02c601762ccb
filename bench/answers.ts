/**
 * Answer quality of the offline answerer on the example corpus, with default settings (the chat's
 * k, the extractive answerer, the offline embedder), every company of the corpus.
 *
 * Each question of `questions.yaml` is asked by its `askedBy` person, as the chat endpoint asks
 * (a verified member of the question's company). Where that person is in `cannotSee` (they cannot
 * read the only file that answers), the answer must abstain (`answered: false`); where they are in
 * `canSee`, it must state the expected fact (any of `facts`, case and spacing ignored) and cite
 * the answering file. A second pass asks every person each question lists (`canSee` and
 * `cannotSee`), for the same rates over many more askers. Prints a row per question, the totals,
 * then every miss of the first pass.
 *
 *   npx tsx bench/answers.ts                    # examples/corpus
 *   npx tsx bench/answers.ts path/to/corpus     # another corpus folder with a questions.yaml
 *   npx tsx bench/answers.ts --k 6              # chunks per question other than the chat's default
 *   npx tsx bench/answers.ts --quiet            # no list of misses
 *   npx tsx bench/answers.ts --sweep-misses     # also list the second pass's misses, by question
 *
 * Run it under the machine-wide lock: flock /work/coord/heavy.lock npx tsx bench/answers.ts
 */
import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { answerQuestion, type ChatResponseBody, DEFAULT_CHAT_K } from "../src/chat/index.js";
import { startDemo } from "../src/demo/index.js";

const args = process.argv.slice(2);
const QUIET = args.includes("--quiet");
const SWEEP_MISSES = args.includes("--sweep-misses");
const kAt = args.indexOf("--k");
const K = kAt === -1 ? DEFAULT_CHAT_K : Number(args[kAt + 1]);
const CORPUS = resolve(
  args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--k") ??
    join(import.meta.dirname, "../examples/corpus"),
);

const questionsSchema = z.object({
  questions: z.array(
    z.object({
      id: z.string(),
      tenant: z.string().optional(),
      question: z.string(),
      file: z.string(),
      /** The name a citation of the answer shows (a file's name, a CRM/ticket record's title). */
      source: z.string().optional(),
      facts: z.array(z.string().min(1)).optional(),
      askedBy: z.string().optional(),
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
function statesFact(answer: string, facts: readonly string[] | undefined): boolean {
  const flat = (s: string) => s.toLowerCase().replace(/\s+/g, " ");
  return (facts ?? []).some((fact) => flat(answer).includes(flat(fact)));
}

/** Whether a `[n]` in the answer cites a chunk of the answering file (or CRM/ticket record). */
function citesFile(body: ChatResponseBody, question: Question): boolean {
  const cited = new Set([...body.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  const name = question.source ?? basename(question.file);
  return body.citations.some((c) => cited.has(c.n) && c.name === name);
}

const pct = (n: number, of: number) => (of === 0 ? "  n/a" : `${((100 * n) / of).toFixed(0).padStart(4)}%`);
const ratio = (n: number, of: number) => `${pct(n, of)}  (${n}/${of})`;

/** The four rates over a set of cases. */
function rates(cases: readonly Case[]) {
  const answerable = cases.filter((c) => c.answerable);
  const withFacts = answerable.filter((c) => c.question.facts);
  const unanswerable = cases.filter((c) => !c.answerable);
  return {
    abstained: ratio(unanswerable.filter((c) => !c.body.answered).length, unanswerable.length),
    fact: ratio(
      withFacts.filter((c) => statesFact(c.body.answer, c.question.facts)).length,
      withFacts.length,
    ),
    cites: ratio(answerable.filter((c) => citesFile(c.body, c.question)).length, answerable.length),
    answered: ratio(answerable.filter((c) => c.body.answered).length, answerable.length),
    leaked: unanswerable.filter((c) => statesFact(c.body.answer, c.question.facts)).length,
    unscored: answerable.length - withFacts.length,
  };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

async function main(): Promise<void> {
  const { questions } = questionsSchema.parse(
    parseYaml(await readFile(join(CORPUS, "questions.yaml"), "utf8")),
  );
  const started = performance.now();
  const demo = await startDemo({ corpusDir: CORPUS });
  const ingestSeconds = (performance.now() - started) / 1000;
  const ask = async (question: Question, user: string, answerable: boolean): Promise<Case> => {
    const retriever = demo.retrievers.forTenant(question.tenant ?? demo.tenant);
    const body = await answerQuestion({ retriever, question: question.question, user, member: true, k: K });
    return { question, user, answerable, body };
  };
  const asked: Case[] = [];
  const sweep: Case[] = [];
  const askStarted = performance.now();
  try {
    for (const question of questions) {
      if (question.askedBy) {
        asked.push(await ask(question, question.askedBy, !question.cannotSee.includes(question.askedBy)));
      }
      for (const user of question.canSee) sweep.push(await ask(question, user, true));
      for (const user of question.cannotSee) sweep.push(await ask(question, user, false));
    }
  } finally {
    await demo.close();
  }
  const askSeconds = (performance.now() - askStarted) / 1000;

  console.log(`Answers on ${CORPUS}: offline embedder, extractive answerer, k ${K}, every company`);
  console.log(
    `${questions.length} questions; ${asked.length + sweep.length} answers; ingest ${ingestSeconds.toFixed(1)} s, asking ${askSeconds.toFixed(1)} s (${((1000 * askSeconds) / (asked.length + sweep.length)).toFixed(0)} ms per answer)\n`,
  );
  const rows = asked.map((c) => {
    const verdict = c.answerable
      ? [
          c.body.answered ? "yes" : "ABSTAINED",
          c.question.facts ? (statesFact(c.body.answer, c.question.facts) ? "yes" : "no") : "-",
          citesFile(c.body, c.question) ? "yes" : "no",
          "",
        ]
      : ["", "", "", c.body.answered ? "NO" : "yes"];
    return [
      c.question.id,
      c.question.tenant ?? "",
      c.user.split("@")[0]!,
      c.answerable ? "can" : "cannot",
      ...verdict,
    ];
  });
  console.log(
    table(
      ["question", "tenant", "asked by", "reads it", "answered", "fact", "cites file", "abstained"],
      rows,
    ),
  );

  const summary = (label: string, cases: readonly Case[]) => {
    const r = rates(cases);
    const questionsCount = new Set(cases.filter((c) => !c.answerable).map((c) => c.question.id)).size;
    console.log(`\n${label}`);
    console.log(
      `  abstained where the asker cannot read the answer  ${r.abstained}, ${questionsCount} questions`,
    );
    console.log(
      `  fact in the answer where the asker can read it    ${r.fact}${r.unscored ? `, ${r.unscored} without facts` : ""}`,
    );
    console.log(`  cites the answering file                          ${r.cites}`);
    console.log(`  answered (did not abstain) where the asker can    ${r.answered}`);
    console.log(`  states the fact although the asker cannot read it ${r.leaked} (must be 0)`);
  };
  summary("Each question asked by its askedBy:", asked);
  summary("Each question asked by everyone it lists (canSee and cannotSee):", sweep);

  if (QUIET) return;
  const misses = asked.filter(isMiss);
  if (misses.length > 0) console.log(`\nMisses of the first pass (${misses.length}):`);
  for (const c of misses) printMiss(c);
  if (!SWEEP_MISSES) return;
  const sweepMisses = sweep.filter(isMiss);
  console.log(`\nMisses of the second pass (${sweepMisses.length}), by question:`);
  const byQuestion = new Map<string, Case[]>();
  for (const c of sweepMisses) byQuestion.set(c.question.id, [...(byQuestion.get(c.question.id) ?? []), c]);
  for (const [id, cases] of byQuestion) {
    console.log(`${id}: ${cases.length}`);
    for (const c of cases) printMiss(c);
  }
}

function isMiss(c: Case): boolean {
  return c.answerable
    ? !c.body.answered || !statesFact(c.body.answer, c.question.facts) || !citesFile(c.body, c.question)
    : c.body.answered;
}

function printMiss(c: Case): void {
  const kind = c.answerable ? "should answer" : "should abstain";
  console.log(`- ${c.question.id} as ${c.user} (${kind}), searched "${c.body.report.query}":`);
  console.log(`    ${c.body.answer.replace(/\s+/g, " ").slice(0, 300)}`);
}

await main();
