import { Command, Option } from "commander";
import { configuredTenants, embeddingsFromConfig, tenantClientsFromConfig } from "../../compose/index.js";
import {
  type ClearanceConfig,
  loadConfig,
  ownersForTenant,
  sharedOwnersWarning,
  unservedTenantsWarning,
} from "../../config/index.js";
import { ClearanceError } from "../../errors.js";
import type { IngestReport } from "../../ingest/index.js";
import { openChunkStore } from "../../store/index.js";
import { ingestTenants, TenantRegistry, type TenantsIngestReport } from "../../tenants/index.js";
import { onlyTenantOverride, positiveInt } from "../args.js";
import { EXIT, exitCodeFor } from "../exit-codes.js";
import { TenantsProgress } from "../tenants-progress.js";

interface IngestFlags {
  config?: string;
  tenant?: string;
  sync?: string[];
  full?: boolean;
  json?: boolean;
  progress: boolean;
  concurrency?: number;
  recordConcurrency?: number;
  pageSize?: number;
  holder?: string;
}

/**
 * `clearance ingest`: ingests every known tenant (configured, and discovered from webhooks), or
 * only `--tenant`, `--concurrency` tenants at once. Exit code 0 when every tenant's run was ok
 * (every record ingested, skipped or recorded as unindexable; a sync another run holds counts as
 * fine); 1 when any tenant failed (a record failed transiently and is retried next run, a sync's
 * pull aborted, credentials rejected…), the report naming which; 2 when nothing could run because a
 * flag, setting or store is wrong (the message names it), or no tenant has a single sync (a
 * mistyped tenant id; a tenant without syncs among others is a warning). See `../exit-codes.ts`.
 */
export function ingestCommand(): Command {
  return new Command("ingest")
    .description("Pull synced records, embed their text, and upsert the chunks into the store")
    .option("-c, --config <file>", "config file (YAML or JSON); default $CLEARANCE_CONFIG")
    .option("--tenant <id>", "only this Connected User (default: every known tenant)")
    .option("--sync <syncId...>", "with --tenant: only these syncs (default: all of the tenant's syncs)")
    .option("--full", "re-pull every record, then delete what the syncs no longer have")
    .option("--json", "print the report (a section per tenant) as JSON on stdout")
    .option("--no-progress", "no progress display (it is shown only on a terminal anyway)")
    .addOption(
      new Option(
        "--concurrency <n>",
        "tenants ingested at once (default: tenancy.ingestConcurrency, 2)",
      ).argParser(positiveInt),
    )
    .addOption(
      new Option(
        "--record-concurrency <n>",
        "downloads and extractions at once per tenant (default: ingest.concurrency, 4)",
      ).argParser(positiveInt),
    )
    .addOption(new Option("--page-size <n>", "records per page pulled").argParser(positiveInt))
    .option("--holder <name>", "lease holder name; a restarted worker with the same name resumes at once")
    .action(async (flags: IngestFlags) => {
      const config = loadConfig({
        ...(flags.config ? { file: flags.config } : {}),
        overrides: overridesOf(flags),
      });
      const report = await runIngest(config, flags);
      const warnings = noSyncWarnings(report);
      // Not one sync anywhere: almost always a mistyped tenant id, so it must not look like success.
      const nothing =
        report.ok && report.tenants.length > 0 && warnings.length === report.tenants.length
          ? new ClearanceError(
              "INGEST_NO_SYNCS",
              `nothing to ingest: ${report.tenants.map((t) => t.tenant).join(", ")} ${report.tenants.length === 1 ? "has" : "have"} no syncs in Managed Sync`,
            )
          : undefined;
      if (flags.json) {
        const failure = nothing ? { ok: false, error: { code: nothing.code, message: nothing.message } } : {};
        process.stdout.write(`${JSON.stringify({ ...report, ...failure, warnings }, null, 2)}\n`);
      } else {
        process.stdout.write(summary(report));
        for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      }
      if (nothing) process.exitCode = exitCodeFor(nothing.code);
      else if (!report.ok) process.exitCode = exitCodeOf(report);
    });
}

async function runIngest(config: ClearanceConfig, flags: IngestFlags): Promise<TenantsIngestReport> {
  // Credentials first: a token for another tenant is refused before the store is touched.
  const clients = tenantClientsFromConfig(config);
  const embeddings = embeddingsFromConfig(config);
  const store = await openChunkStore(config.store, await embeddings.dimensions());
  const progress =
    flags.progress && !flags.json && process.stderr.isTTY ? new TenantsProgress(process.stderr) : undefined;
  const abort = new AbortController();
  // Ctrl-C stops between records; the cursor stays at the last durable page, so a rerun resumes there.
  const onSignal = () => abort.abort(new ClearanceError("ABORTED", "interrupted: rerun to resume"));
  process.once("SIGINT", onSignal);
  try {
    const registry = await TenantRegistry.open({
      tenants: configuredTenants(config, clients),
      // Without --tenant, tenants discovered from webhooks are ingested too.
      ...(flags.tenant ? {} : { state: store }),
    });
    const tenants = registry.list();
    if (flags.sync && tenants.length > 1) {
      throw new ClearanceError(
        "INGEST_SYNC_NEEDS_TENANT",
        `--sync names syncs of one tenant, but ${tenants.length} tenants are known: add --tenant <id>`,
      );
    }
    const ownersWarning = sharedOwnersWarning(config.records, {
      tenants,
      single: tenants.length <= 1 && !config.tenancy.discover,
    });
    if (ownersWarning) process.stderr.write(`warning: ${ownersWarning}\n`);
    const unserved = unservedTenantsWarning(config.records, { tenants, discover: config.tenancy.discover });
    if (unserved) process.stderr.write(`warning: ${unserved}\n`);
    const { concurrency: recordConcurrency, ...ingestSettings } = config.ingest;
    return await ingestTenants({
      tenants,
      clientFor: (tenant) => clients.forTenant(tenant),
      store,
      embeddings,
      ...ingestSettings,
      // Each tenant's own owner ids: HubSpot/Zendesk ids repeat across customers' accounts.
      ownersFor: (tenant) => ownersForTenant(config.records, tenant),
      concurrency: recordConcurrency,
      tenantConcurrency: flags.concurrency ?? config.tenancy.ingestConcurrency,
      mode: flags.full ? "full" : "incremental",
      ...(flags.holder ? { holder: flags.holder } : {}),
      signal: abort.signal,
      ...(progress ? { onProgress: (event) => progress.on(event) } : {}),
    });
  } finally {
    process.off("SIGINT", onSignal);
    progress?.stop();
    await store.close();
  }
}

function overridesOf(flags: IngestFlags): Record<string, unknown> {
  const ingestOverrides: Record<string, unknown> = {};
  if (flags.recordConcurrency !== undefined) ingestOverrides.concurrency = flags.recordConcurrency;
  if (flags.pageSize !== undefined) ingestOverrides.pageSize = flags.pageSize;
  if (flags.sync) ingestOverrides.syncs = flags.sync;
  return {
    ...onlyTenantOverride(flags.tenant),
    ...(Object.keys(ingestOverrides).length > 0 ? { ingest: ingestOverrides } : {}),
  };
}

const COLUMNS = [
  "seen",
  "new",
  "changed",
  "metadataOnly",
  "unchanged",
  "deleted",
  "skipped",
  "unindexable",
  "failed",
  "chunksWritten",
  "embeddingCalls",
] as const;

/**
 * The report as a person reads it at a glance: with one tenant a row per sync, with several a row
 * per tenant; then each failed tenant's reasons and failed records.
 */
export function summary(report: TenantsIngestReport): string {
  const single = report.tenants.length === 1 ? report.tenants[0] : undefined;
  const rows = single
    ? [
        ["sync", "status", ...COLUMNS],
        ...single.syncs.map((s) => [
          `${s.integration ?? ""} ${s.syncId}`.trim(),
          s.status,
          ...COLUMNS.map((c) => String(s.counts[c])),
        ]),
      ]
    : [
        ["tenant", "status", ...COLUMNS],
        ...report.tenants.map((t) => [
          t.tenant,
          t.ok ? "ok" : "FAILED",
          ...COLUMNS.map((c) => String(t.counts[c])),
        ]),
      ];
  rows.push(["total", report.ok ? "ok" : "FAILED", ...COLUMNS.map((c) => String(report.counts[c]))]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "),
  );
  const tenants = single
    ? `tenant ${single.tenant}`
    : `${report.tenants.length} tenants, ${report.tenantConcurrency} at once`;
  lines.push(`${report.mode} run, ${tenants}, ${(report.durationMs / 1000).toFixed(1)} s`);
  if (report.failedTenants.length > 0 && !single)
    lines.push(`failed tenants: ${report.failedTenants.join(", ")}`);
  for (const tenant of report.tenants) lines.push(...problemsOf(tenant, single ? "" : `${tenant.tenant}: `));
  return `${lines.join("\n")}\n`;
}

function problemsOf(report: IngestReport, prefix: string): string[] {
  const lines: string[] = [];
  for (const s of report.syncs)
    if (s.error) lines.push(`${prefix}sync ${s.syncId} ${s.status}: ${s.error.message} [${s.error.code}]`);
  if (report.error) lines.push(`${prefix}run stopped: ${report.error.message} [${report.error.code}]`);
  const listed = [
    ["unindexable", report.unindexable, report.counts.unindexable],
    ["content unread", report.contentUnread, report.counts.contentUnread],
    ["failed", report.failures, report.counts.failed],
  ] as const;
  for (const [label, issues, total] of listed) {
    for (const f of issues) {
      // A malformed record without an id is named by where it was on its page.
      const which = f.recordId
        ? `${f.name ?? f.recordId} (${f.recordId})`
        : (f.name ?? "a record without an id");
      lines.push(`${prefix}${label} ${which}: ${f.reason} [${f.code}]`);
    }
    if (total > issues.length)
      lines.push(`${prefix}… and ${total - issues.length} more ${label} (use --json)`);
  }
  return lines;
}

/** One line per tenant that has no sync at all: a typo in its id looks exactly like this. */
function noSyncWarnings(report: TenantsIngestReport): string[] {
  return report.tenants
    .filter((t) => t.ok && t.syncs.length === 0)
    .map(
      (t) =>
        `tenant ${t.tenant} has no syncs in Managed Sync, so nothing was ingested for it: check that ${t.tenant} is the Connected User id (a user token's sub; CLEARANCE_TENANT, CLEARANCE_TENANTS or --tenant) and that its syncs are enabled`,
    );
}

/** 2 when every failed tenant stopped on its setup (e.g. a sync it does not have), else 1. */
function exitCodeOf(report: TenantsIngestReport): number {
  const failed = report.tenants.filter((t) => !t.ok);
  const usage = failed.length > 0 && failed.every((t) => exitCodeFor(t.error?.code) === EXIT.usage);
  return usage ? EXIT.usage : EXIT.failed;
}
