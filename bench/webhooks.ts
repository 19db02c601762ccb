/**
 * Webhook fairness benchmark: one tenant floods the project's single webhook URL with 10,000
 * record events (a bulk import), and another tenant's single event arrives once the backlog is at
 * its peak. Everything is real: the emulator serves both Connected Users, events go through the
 * receiver (secret check, fsynced spool), the processor and the ingest worker (re-fetch, offline
 * hashing embedder, LanceDB in a temp folder). Prints how many flood batches started between the
 * single event's 202 and its own batch, and how long it took to become searchable, against the same
 * event on an idle queue (baseline, same run).
 *
 *   flock /work/coord/heavy.lock npx tsx bench/webhooks.ts               # 10,000 events
 *   flock /work/coord/heavy.lock npx tsx bench/webhooks.ts --events 2000
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { BatchedEmbeddings, HashingEmbeddings } from "../src/embeddings/index.js";
import { type CorpusSpec, type Emulator, startEmulator } from "../src/emulator/index.js";
import { ManagedSyncClient } from "../src/managed-sync/index.js";
import { LanceChunkStore } from "../src/store/index.js";
import { startWebhookIngest, type WebhookIngest } from "../src/webhooks/index.js";

const FLOOD = "floodco";
const QUIET = "quietco";
const DIMENSIONS = 64;
const SECRET = "bench-secret";

const argEvents = process.argv.indexOf("--events");
const EVENTS = argEvents > 0 ? Number(process.argv[argEvents + 1]) : 10_000;

function corpus(): CorpusSpec {
  const files: Record<string, string> = { "quiet/Welcome.md": "Quiet company welcome.\n" };
  for (let i = 0; i < EVENTS; i++) files[`flood/Import/File ${i}.md`] = `Imported file ${i}: line of text.\n`;
  return {
    manifest: {
      domain: "bench.test",
      people: [{ email: "owner@bench.test" }],
      connectedUsers: [
        { id: FLOOD, syncs: [{ integration: "googledrive", root: "flood", owner: "owner@bench.test" }] },
        { id: QUIET, syncs: [{ integration: "googledrive", root: "quiet", owner: "owner@bench.test" }] },
      ],
    },
    files,
  };
}

function recordEvent(tenant: string, syncId: string, recordId: string): Request {
  return new Request(`http://bench.local/webhooks/managed-sync?secret=${SECRET}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      event: "record_updated",
      sync: "googledrive",
      syncInstanceId: syncId,
      user: { id: tenant },
      data: { recordId, model: "files" },
    }),
  });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

async function main(): Promise<void> {
  const emulator: Emulator = await startEmulator({ corpus: corpus(), port: 0 });
  const dir = await mkdtemp(join(tmpdir(), "clearance-bench-webhooks-"));
  const store = await LanceChunkStore.open({ dir: join(dir, "store"), dimensions: DIMENSIONS });
  const clients = new Map<string, ManagedSyncClient>();
  for (const tenant of [FLOOD, QUIET]) {
    clients.set(
      tenant,
      new ManagedSyncClient({ baseUrl: emulator.url, auth: { token: await emulator.tokenFor(tenant) } }),
    );
  }
  // One clientFor call per batch: the order of calls is the order batches started, by tenant.
  const batches: string[] = [];
  const webhooks: WebhookIngest = await startWebhookIngest({
    spoolDir: join(dir, "spool"),
    store,
    embeddings: new BatchedEmbeddings(new HashingEmbeddings({ dimensions: DIMENSIONS }), { batchSize: 64 }),
    tenants: { isKnown: (tenant) => clients.has(tenant) },
    clientFor: (tenant) => {
      batches.push(tenant);
      return clients.get(tenant)!;
    },
    secret: SECRET,
  });
  const syncOf = (tenant: string) => emulator.state.syncsOf(tenant)[0]!.id;
  const recordsOf = (tenant: string) =>
    [...emulator.state.requireSync(syncOf(tenant)).tree.nodes()]
      .filter((n) => n.type === "file")
      .map((n) => n.id);

  try {
    const floodSync = syncOf(FLOOD);
    const quietSync = syncOf(QUIET);
    const [quietRecord] = recordsOf(QUIET);
    const limit = pLimit(32);
    const floodStarted = performance.now();
    await Promise.all(
      recordsOf(FLOOD).map((id) => limit(() => webhooks.handler(recordEvent(FLOOD, floodSync, id)))),
    );
    const acceptMs = performance.now() - floodStarted;
    const backlog = webhooks.metrics().pending;

    // The other tenant's single event, with the flood's backlog at its peak.
    const before = batches.length;
    const sentAt = performance.now();
    await webhooks.handler(recordEvent(QUIET, quietSync, quietRecord!));
    await until(async () => (await store.count({ tenant: QUIET })) > 0);
    const underFloodMs = performance.now() - sentAt;
    const floodAhead = batches.slice(before).indexOf(QUIET);

    await webhooks.idle();
    const drainMs = performance.now() - floodStarted;
    const floodBatches = batches.filter((t) => t === FLOOD).length;

    // Baseline: the same kind of event on an idle queue.
    emulator.state.putFile(quietSync, "Welcome.md", new TextEncoder().encode("Quiet company, edited.\n"));
    const idleAt = performance.now();
    await webhooks.handler(recordEvent(QUIET, quietSync, quietRecord!));
    await webhooks.idle();
    const idleMs = performance.now() - idleAt;

    const m = webhooks.metrics();
    const rows: [string, string][] = [
      ["flood events (one tenant)", String(EVENTS)],
      [
        "accepted (fsynced) in",
        `${(acceptMs / 1000).toFixed(1)} s (${Math.round(EVENTS / (acceptMs / 1000))}/s)`,
      ],
      ["pending when the other event came", String(backlog)],
      ["flood batches in all", String(floodBatches)],
      ["flood batches started before it", String(floodAhead)],
      ["other tenant's event searchable after", `${underFloodMs.toFixed(0)} ms`],
      ["same event on an idle queue", `${idleMs.toFixed(0)} ms`],
      ["ratio (under flood / idle)", `${(underFloodMs / idleMs).toFixed(1)}×`],
      [
        "flood drained (accept + apply)",
        `${(drainMs / 1000).toFixed(1)} s (${Math.round(EVENTS / (drainMs / 1000))} records/s)`,
      ],
      ["dead-lettered", String(m.deadLettered)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`webhooks bench — node ${process.version}, concurrency 2, batch ≤ 100 records, window 256`);
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    await webhooks.close();
    await store.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
