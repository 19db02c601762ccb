import { Command, Option } from "commander";
import { clientFromConfig, embeddingsFromConfig } from "../../compose/index.js";
import { type ClearanceConfig, loadConfig } from "../../config/index.js";
import { ClearanceError } from "../../errors.js";
import { type IngestEvent, type IngestReport, ingest } from "../../ingest/index.js";
import { openChunkStore } from "../../store/index.js";
import { positiveInt } from "../args.js";
import { IngestProgressBar } from "../ingest-progress.js";

interface IngestFlags {
  config?: string;
  tenant?: string;
  sync?: string[];
  full?: boolean;
  json?: boolean;
  progress: boolean;
  concurrency?: number;
  pageSize?: number;
  holder?: string;
}

/**
 * `clearance ingest`: runs one ingest over the tenant's syncs. Exit code 0 when every record was
 * ingested or skipped (a sync left alone because another run holds its lease counts as fine);
 * 1 when any record failed, a sync's pull aborted, or the run stopped (store, embedder or
 * credentials failing), and for invalid flags or config (the message names the setting).
 */
export function ingestCommand(): Command {
  return new Command("ingest")
    .description("Pull synced records, embed their text, and upsert the chunks into the store")
    .option("-c, --config <file>", "config file (YAML or JSON); default $CLEARANCE_CONFIG")
    .option("--tenant <id>", "Connected User whose syncs to ingest (overrides CLEARANCE_TENANT)")
    .option("--sync <syncId...>", "only these syncs (default: all of the tenant's syncs)")
    .option("--full", "re-pull every record, then delete what the syncs no longer have")
    .option("--json", "print the report as JSON on stdout")
    .option("--no-progress", "no progress bar (it is shown only on a terminal anyway)")
    .addOption(new Option("--concurrency <n>", "downloads and extractions at once").argParser(positiveInt))
    .addOption(new Option("--page-size <n>", "records per page pulled").argParser(positiveInt))
    .option("--holder <name>", "lease holder name; a restarted worker with the same name resumes at once")
    .action(async (flags: IngestFlags) => {
      const config = loadConfig({
        ...(flags.config ? { file: flags.config } : {}),
        overrides: overridesOf(flags),
      });
      const report = await runIngest(config, flags);
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(summary(report));
      if (!report.ok) process.exitCode = 1;
    });
}

async function runIngest(config: ClearanceConfig, flags: IngestFlags): Promise<IngestReport> {
  const embeddings = embeddingsFromConfig(config);
  const store = await openChunkStore(config.store, await embeddings.dimensions());
  const client = clientFromConfig(config);
  const progress =
    flags.progress && !flags.json && process.stderr.isTTY ? new IngestProgressBar() : undefined;
  const abort = new AbortController();
  // Ctrl-C stops between records; the cursor stays at the last durable page, so a rerun resumes there.
  const onSignal = () => abort.abort(new ClearanceError("ABORTED", "interrupted: rerun to resume"));
  process.once("SIGINT", onSignal);
  try {
    return await ingest({
      client,
      store,
      embeddings,
      tenant: config.tenant,
      ...config.ingest,
      ...(flags.sync ? { syncs: flags.sync } : {}),
      mode: flags.full ? "full" : "incremental",
      ...(flags.holder ? { holder: flags.holder } : {}),
      signal: abort.signal,
      ...(progress ? { onProgress: (event: IngestEvent) => progress.on(event) } : {}),
    });
  } finally {
    process.off("SIGINT", onSignal);
    progress?.stop();
    await store.close();
  }
}

function overridesOf(flags: IngestFlags): Record<string, unknown> {
  const ingestOverrides: Record<string, unknown> = {};
  if (flags.concurrency !== undefined) ingestOverrides.concurrency = flags.concurrency;
  if (flags.pageSize !== undefined) ingestOverrides.pageSize = flags.pageSize;
  if (flags.sync) ingestOverrides.syncs = flags.sync;
  return {
    ...(flags.tenant ? { tenant: flags.tenant } : {}),
    ...(Object.keys(ingestOverrides).length > 0 ? { ingest: ingestOverrides } : {}),
  };
}

/** The report as a table a person reads at a glance, then the failures with their reasons. */
export function summary(report: IngestReport): string {
  const columns = [
    "seen",
    "new",
    "changed",
    "metadataOnly",
    "unchanged",
    "deleted",
    "skipped",
    "failed",
    "chunksWritten",
    "embeddingCalls",
  ] as const;
  const rows = [
    ["sync", "status", ...columns],
    ...report.syncs.map((s) => [
      `${s.integration ?? ""} ${s.syncId}`.trim(),
      s.status,
      ...columns.map((c) => String(s.counts[c])),
    ]),
    ["total", report.ok ? "ok" : "FAILED", ...columns.map((c) => String(report.counts[c]))],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "),
  );
  lines.push(`${report.mode} run, ${(report.durationMs / 1000).toFixed(1)} s`);
  for (const s of report.syncs)
    if (s.error) lines.push(`sync ${s.syncId} ${s.status}: ${s.error.message} [${s.error.code}]`);
  if (report.error) lines.push(`run stopped: ${report.error.message} [${report.error.code}]`);
  for (const f of report.failures)
    lines.push(`failed ${f.name ?? f.recordId} (${f.recordId}): ${f.reason} [${f.code}]`);
  if (report.counts.failed > report.failures.length) {
    lines.push(`… and ${report.counts.failed - report.failures.length} more failures (use --json)`);
  }
  return `${lines.join("\n")}\n`;
}
