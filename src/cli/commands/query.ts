import { resolve } from "node:path";
import { Command, Option } from "commander";
import { answerQuestion, type ChatResponseBody } from "../../chat/index.js";
import { loadConfig } from "../../config/index.js";
import { checkDemoPerson, checkDemoTenant, startDemo, tenantOfPerson } from "../../demo/index.js";
import { EXAMPLE_CORPUS_DIR } from "../../emulator/corpus/example-corpus.js";
import type { RetrievalReport } from "../../retrieval/index.js";
import { openConfiguredRetrieval } from "../../server/index.js";
import { answererOf } from "../answerer-of.js";
import { email, onlyTenantOverride, positiveInt } from "../args.js";
import { demoProgress } from "../demo-progress.js";

export interface QueryFlags {
  user: string;
  json?: boolean;
  k?: number;
  config?: string;
  tenant?: string;
  demo?: boolean;
  corpus: string;
  chatModel?: string;
  extractive?: boolean;
}

/**
 * `clearance query "…" --user <email>`: one permission-aware retrieval and its answer, as a table
 * (rank, file, score, excerpt) plus the report line, or as JSON. `--demo` runs it offline over the
 * example corpus (emulator + fresh ingest). Exit code 2 when a flag, setting or the store is wrong
 * (no store, nothing ingested for the tenant), 1 on other errors.
 */
export function queryCommand(): Command {
  return new Command("query")
    .description("Ask one question as a person: only chunks they may read, with the retrieval report")
    .argument("<question>", "the question")
    .addOption(
      new Option("-u, --user <email>", "who is asking (their permissions decide what is returned)")
        .argParser(email)
        .makeOptionMandatory(),
    )
    .option("--json", "print { answer, citations, report, answerer } as JSON")
    .addOption(
      new Option(
        "-k, --k <n>",
        "chunks to return (default: 10, as the chat endpoint; not retrieval.k)",
      ).argParser(positiveInt),
    )
    .option("-c, --config <file>", "config file (YAML or JSON); default $CLEARANCE_CONFIG")
    .option(
      "--tenant <id>",
      "Connected User whose chunks to search (default: the only one configured; with --demo, the company that lists --user)",
    )
    .option("--demo", "offline: start the emulator on --corpus and ingest it first (a few seconds)")
    .option("--corpus <dir>", "the demo corpus folder", EXAMPLE_CORPUS_DIR)
    .option("--chat-model <model>", "OpenAI chat model when OPENAI_API_KEY is set (default gpt-4o-mini)")
    .option("--extractive", "answer with the offline extractive answerer even when an OpenAI key is set")
    .action(async (question: string, flags: QueryFlags) => {
      if (flags.demo) {
        checkDemoTenant(resolve(flags.corpus), flags.tenant);
        checkDemoPerson(resolve(flags.corpus), flags.tenant, flags.user);
      }
      if (flags.demo && !flags.json)
        process.stderr.write("Starting the emulator and ingesting the demo corpus…\n");
      const result = await runQuery(question, flags);
      // `ok` as in every --json output; a failure prints { ok: false, error } (see main.ts).
      process.stdout.write(
        flags.json ? `${JSON.stringify({ ok: true, ...result }, null, 2)}\n` : formatQueryResult(result),
      );
    });
}

/** Runs one query as the flags say (exported for tests). */
export async function runQuery(question: string, flags: QueryFlags): Promise<ChatResponseBody> {
  if (flags.demo) {
    const progress = demoProgress(flags.json);
    const demo = await startDemo({
      corpusDir: resolve(flags.corpus),
      ...(flags.tenant ? { tenant: flags.tenant } : {}),
      ...progress.options,
    }).finally(() => progress.stop());
    try {
      const model = answererOf(flags, process.env.OPENAI_API_KEY || undefined);
      return await answerQuestion({
        retriever: demo.retrievers.forTenant(
          flags.tenant ?? tenantOfPerson(demo.people, flags.user, demo.tenant),
        ),
        question,
        user: flags.user,
        model,
        ...kOf(flags),
      });
    } finally {
      await demo.close();
    }
  }
  const config = loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    overrides: onlyTenantOverride(flags.tenant),
  });
  const { retriever, close } = await openConfiguredRetrieval(config);
  try {
    const model = answererOf(flags, config.embeddings.openaiApiKey, config.chat.model);
    return await answerQuestion({ retriever, question, user: flags.user, model, ...kOf(flags) });
  } finally {
    await close();
  }
}

/** The result as a person reads it: the sources table, the report line, then the answer. */
export function formatQueryResult(result: ChatResponseBody): string {
  const rows = [
    ["#", "file", "score", "excerpt"],
    ...result.citations.map((c) => [
      String(c.n),
      truncate(`${c.name}${c.page !== undefined ? ` p.${c.page}` : ""} #${c.chunkIndex}`, 40),
      c.score.toFixed(3),
      truncate(c.excerpt, 70),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
  if (result.citations.length === 0) lines.push("(no chunk this person may read matched)");
  lines.push("", reportLine(result.report));
  // A sync no records.policies rule names is denied silently otherwise: a misspelt rule would
  // read as "this person may read nothing".
  for (const sync of result.report.unnamedSyncs ?? []) lines.push(`warning: ${sync.message}`);
  lines.push("", `Answer (${result.answerer}):`, result.answer);
  return `${lines.join("\n")}\n`;
}

/**
 * One line saying what retrieval did, e.g. `as sam@… in northwind · strategy post · 6/6 returned · …
 * · 40 ms`. It names the tenant because with several configured the reader cannot otherwise tell
 * whose chunks answered.
 */
export function reportLine(report: RetrievalReport): string {
  const parts = [
    `as ${report.subject} in ${report.tenant}`,
    `strategy ${report.strategy}`,
    `${report.returned}/${report.k} returned`,
    `${report.candidatesScanned} candidates scanned`,
    `${report.permissionCalls} permission call${report.permissionCalls === 1 ? "" : "s"}`,
    `${report.cacheHits} cache hits`,
  ];
  if (report.returned < report.k) {
    parts.push(
      report.budgetHit
        ? `stopped: ${report.budgetHit} budget`
        : report.exhausted
          ? "store exhausted"
          : `more may exist${report.reverified?.failed ? ` (re-verifying cached evidence failed: ${report.reverified.failed})` : ""}`,
    );
  }
  if (report.itemErrors > 0) parts.push(`${report.itemErrors} undecided (denied)`);
  parts.push(`${report.elapsedMs} ms`);
  return parts.join(" · ");
}

function kOf(flags: QueryFlags): { k?: number } {
  return flags.k !== undefined ? { k: flags.k } : {};
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
