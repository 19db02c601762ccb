// What your cron runs to keep the vector store in step with Managed Sync:
//
//   */10 * * * *  npx tsx examples/cron-ingest.ts          incremental: what changed since the saved cursor
//   30 3 * * *    npx tsx examples/cron-ingest.ts --full   nightly: re-pull everything, drop what is gone
//
// Every tenant (CLEARANCE_TENANTS=a,b,c or CLEARANCE_TENANT) is ingested, two at once, each with its own
// client and leases; one tenant's failure is reported and never stops the others.
// Settings come from the environment (CLEARANCE_TENANTS, PARAGON_PROJECT_ID, PARAGON_SIGNING_KEY_FILE…,
// see docs/paragon.md). With no Paragon credentials set it runs offline instead: it starts the emulator,
// points the same environment at it, and shows an incremental run, a change, and a full run.
//
//   npx tsx examples/cron-ingest.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  configuredTenants,
  embeddingsFromConfig,
  type IngestMode,
  ingestTenants,
  loadConfig,
  openChunkStore,
  type TenantsIngestReport,
  tenantClientsFromConfig,
} from "clearance";
import { EXAMPLE_CORPUS_DIR, startEmulator } from "clearance/emulator";

// ─── The part you keep ──────────────────────────────────────────────────────────────────────────

/** One cron tick. Safe to overlap and to kill: a lease per sync, and the cursor is saved per durable page. */
async function runIngest(mode: IngestMode): Promise<TenantsIngestReport> {
  const config = loadConfig(); // env (and $CLEARANCE_CONFIG); a missing setting names its variable
  // A signing key mints a fresh user token per tenant (sub) whenever the old one nears expiry.
  const clients = tenantClientsFromConfig(config);
  const embeddings = embeddingsFromConfig(config); // no OPENAI_API_KEY: the offline embedder
  const store = await openChunkStore(config.store, await embeddings.dimensions());
  try {
    return await ingestTenants({
      tenants: configuredTenants(config, clients),
      clientFor: (tenant) => clients.forTenant(tenant),
      store,
      embeddings,
      ...config.ingest,
      tenantConcurrency: config.tenancy.ingestConcurrency,
      mode,
    });
  } finally {
    await store.close();
  }
}

/** One line per tenant for the cron log; the failures, if any, with their reasons. */
function summary(report: TenantsIngestReport): string {
  const lines: string[] = [];
  for (const tenant of report.tenants) {
    const c = tenant.counts;
    lines.push(
      `${tenant.tenant} ${tenant.mode} ${tenant.ok ? "ok" : "FAILED"}: ${c.seen} records seen, ${c.new} new, ` +
        `${c.changed} changed, ${c.unchanged} unchanged, ${c.deleted} deleted, ${c.skipped} skipped, ` +
        `${c.failed} failed, ${c.chunksWritten} chunks written (${tenant.durationMs} ms)`,
    );
    if (tenant.error) lines.push(`  run stopped: ${tenant.error.message} [${tenant.error.code}]`);
    for (const f of tenant.failures) lines.push(`  failed ${f.name ?? f.recordId}: ${f.reason} [${f.code}]`);
  }
  return lines.join("\n");
}

async function cron(mode: IngestMode): Promise<void> {
  const report = await runIngest(mode);
  console.log(summary(report));
  // Non-zero when any tenant had a failed record or an aborted sync, so the scheduler alerts; the next run retries.
  process.exitCode = report.ok ? 0 : 1;
}

// ─── Offline stand-in: the emulator plays Paragon ───────────────────────────────────────────────

async function offline(): Promise<void> {
  const emulator = await startEmulator({ corpusDir: EXAMPLE_CORPUS_DIR, port: 0 });
  const storeDir = await mkdtemp(join(tmpdir(), "clearance-cron-"));
  // What a deployment puts in its environment, pointed at the emulator.
  Object.assign(process.env, {
    PARAGON_SYNC_URL: emulator.url,
    PARAGON_PROJECT_ID: emulator.projectId,
    PARAGON_SIGNING_KEY: emulator.signingKeyPem,
    CLEARANCE_TENANT: "northwind",
    CLEARANCE_STORE: "lancedb",
    CLEARANCE_STORE_DIR: storeDir,
  });
  delete process.env.OPENAI_API_KEY; // offline: the hashing embedder, no network
  delete process.env.QDRANT_URL;

  // Changes the drive as someone at Northwind would, through the emulator's admin API.
  const drive = emulator.state.syncsOf("northwind").find((s) => s.integration === "googledrive");
  const edit = (method: string, path: string, body?: string) =>
    fetch(`${emulator.url}/__admin/syncs/${drive!.id}/files?path=${encodeURIComponent(path)}`, {
      method,
      headers: { authorization: `Bearer ${emulator.adminToken}` },
      ...(body ? { body } : {}),
    }).then((r) => {
      if (!r.ok) throw new Error(`admin ${method} ${path}: HTTP ${r.status}`);
    });

  try {
    console.log("1. first tick: everything is new");
    await cron("incremental");

    console.log("2. someone adds a policy and deletes the holiday calendar; the next tick:");
    await edit(
      "PUT",
      "HR/Policies/Sabbatical policy.md",
      "# Sabbatical\n\nAfter five years: four paid weeks.\n",
    );
    await edit("DELETE", "Company/Holiday calendar 2026.txt");
    await cron("incremental"); // sees the new file; cannot see the delete (no tombstones in pulls)

    console.log("3. the nightly full run removes what the sync no longer has:");
    await cron("full");
  } finally {
    await emulator.close();
    await rm(storeDir, { recursive: true, force: true });
  }
}

const hasCredentials = ["PARAGON_USER_TOKEN", "PARAGON_SIGNING_KEY", "PARAGON_SIGNING_KEY_FILE"].some(
  (name) => process.env[name],
);
if (hasCredentials) await cron(process.argv.includes("--full") ? "full" : "incremental");
else await offline();
