// What your cron runs to keep the vector store in step with Managed Sync:
//
//   */10 * * * *  npx tsx examples/cron-ingest.ts          incremental: what changed since the saved cursor
//   30 3 * * *    npx tsx examples/cron-ingest.ts --full   nightly: re-pull everything, drop what is gone
//
// Settings come from the environment (CLEARANCE_TENANT, PARAGON_PROJECT_ID, PARAGON_SIGNING_KEY_FILE…,
// see paragon.md). With no Paragon credentials set it runs offline instead: it starts the emulator,
// points the same environment at it, and shows an incremental run, a change, and a full run.
//
//   npx tsx examples/cron-ingest.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../src/emulator/index.js";
import {
  clientFromConfig,
  embeddingsFromConfig,
  type IngestMode,
  type IngestReport,
  ingest,
  loadConfig,
  openChunkStore,
} from "../src/index.js";

// ─── The part you keep ──────────────────────────────────────────────────────────────────────────

/** One cron tick. Safe to overlap and to kill: a lease per sync, and the cursor is saved per durable page. */
async function runIngest(mode: IngestMode): Promise<IngestReport> {
  const config = loadConfig(); // env (and $CLEARANCE_CONFIG); a missing setting names its variable
  const embeddings = embeddingsFromConfig(config); // no OPENAI_API_KEY: the offline embedder
  const store = await openChunkStore(config.store, await embeddings.dimensions());
  // A signing key mints a fresh user token for the tenant (sub) whenever the old one nears expiry.
  const client = clientFromConfig(config);
  try {
    return await ingest({ client, store, embeddings, tenant: config.tenant, ...config.ingest, mode });
  } finally {
    await store.close();
  }
}

/** One line per run for the cron log; the failures, if any, with their reasons. */
function summary(report: IngestReport): string {
  const c = report.counts;
  const lines = [
    `${report.mode} ${report.ok ? "ok" : "FAILED"}: ${c.seen} records seen, ${c.new} new, ${c.changed} changed, ` +
      `${c.unchanged} unchanged, ${c.deleted} deleted, ${c.skipped} skipped, ${c.failed} failed, ` +
      `${c.chunksWritten} chunks written (${report.durationMs} ms)`,
  ];
  if (report.error) lines.push(`  run stopped: ${report.error.message} [${report.error.code}]`);
  for (const f of report.failures) lines.push(`  failed ${f.name ?? f.recordId}: ${f.reason} [${f.code}]`);
  return lines.join("\n");
}

async function cron(mode: IngestMode): Promise<void> {
  const report = await runIngest(mode);
  console.log(summary(report));
  // Non-zero when a record failed or a sync aborted, so the scheduler alerts; the next run retries.
  process.exitCode = report.ok ? 0 : 1;
}

// ─── Offline stand-in: the emulator plays Paragon ───────────────────────────────────────────────

async function offline(): Promise<void> {
  const emulator = await startEmulator({
    corpusDir: fileURLToPath(new URL("./corpus/", import.meta.url)),
    port: 0,
  });
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
