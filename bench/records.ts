/**
 * What record policies cost at query time, over the emulator on loopback HTTP: a drive of files
 * shared domain-wide (checked with the Permissions API) beside a Salesforce deals sync whose owners
 * are spread over 20 people, in one embedded LanceDB store (synthetic clustered vectors). For the
 * same person and queries it runs: deals denied (the default: only file checks), `tenant` (a
 * verified member: decided without any call), `owner` post-filtered (one GET record per deal
 * candidate) and `owner` pre-filtered (the owner's deals listed by pulling the sync). It prints
 * the first query of a fresh retriever (cold) and the steady state (after warm-up) separately:
 * p50/p95 latency, permission calls per query, deals returned, and p50 as a ratio to the
 * files-only row in the same run.
 *
 *   npx tsx bench/records.ts             # 5,000 files + 5,000 deals, 30 queries per row
 *   npx tsx bench/records.ts 1000 20     # smaller: records of each kind, queries per row
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { crmUserIdFor, recordIdFor, seededRandom, startEmulator } from "../src/emulator/index.js";
import { ManagedSyncClient } from "../src/managed-sync/index.js";
import { createManagedSyncRetriever, type RecordPolicies } from "../src/retrieval/index.js";
import { type ChunkInput, chunkId, LanceChunkStore } from "../src/store/index.js";
import { markdownTable } from "./markdown-table.js";

const RECORDS = Number(process.argv[2] ?? 5_000);
const QUERIES = Number(process.argv[3] ?? 30);
const WARMUP = 3;
const DIMS = 128;
const K = 10;
const TENANT = "bench";
const OWNERS = Array.from({ length: 20 }, (_, i) => `p${i}@bench.test`);
const ASKER = OWNERS[3]!;

const random = seededRandom(11);
const unit = (v: Float32Array) => {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / n);
};
const centers = Array.from({ length: 200 }, () =>
  unit(Float32Array.from({ length: DIMS }, () => random() * 2 - 1)),
);
const clustered = () =>
  unit(centers[Math.floor(random() * centers.length)]!.map((x) => x + (random() * 2 - 1) * 0.08));

const deals = Array.from({ length: RECORDS }, (_, i) => ({
  externalId: `006Bench${String(i).padStart(7, "0")}AAA`,
  name: `Deal ${i}`,
  amount: 1000 + i,
  statusType: "open",
  status: "Prospecting",
  accountId: "001Bench0000000AAA",
  ownerId: OWNERS[i % OWNERS.length]!,
  closeDate: "2026-06-30",
}));
const files: Record<string, string> = {};
for (let i = 0; i < RECORDS; i++)
  files[`drive/f${String(Math.floor(i / 100)).padStart(3, "0")}/doc-${i}.txt`] = `doc ${i}`;

const emu = await startEmulator({
  corpus: {
    manifest: {
      domain: "bench.test",
      people: OWNERS.map((email) => ({ email })),
      connectedUsers: [
        {
          id: TENANT,
          syncs: [
            { integration: "googledrive", root: "drive", owner: OWNERS[0]! },
            { integration: "salesforce", pipeline: "deals", records: "crm/deals.json", owner: OWNERS[0]! },
          ],
        },
      ],
      sharing: { "drive/": { grants: [{ domain: "bench.test", role: "reader" }] } },
    },
    files: { ...files, "crm/deals.json": JSON.stringify(deals) },
  },
});
const dir = await mkdtemp(join(tmpdir(), "clearance-bench-records-"));
const store = await LanceChunkStore.open({ dir, dimensions: DIMS });
try {
  const syncs = emu.state.syncsOf(TENANT);
  const drive = syncs.find((s) => s.pipeline === "files")!;
  const dealSync = syncs.find((s) => s.pipeline === "deals")!;
  const chunk = (syncId: string, recordId: string, name: string): ChunkInput => ({
    id: chunkId({ tenant: TENANT, syncId, recordId, chunkIndex: 0, contentHash: "h" }),
    tenant: TENANT,
    syncId,
    recordId,
    chunkIndex: 0,
    contentHash: "h",
    text: name,
    metadata: { integration: "bench", externalId: recordId, name, mimeType: "text/plain", updatedAt: "" },
    vector: clustered(),
  });
  const rows: ChunkInput[] = [];
  for (const node of drive.tree.nodes())
    if (node.type === "file") rows.push(chunk(drive.id, node.id, node.name));
  for (const deal of deals)
    rows.push(chunk(dealSync.id, recordIdFor("salesforce", deal.externalId), deal.name));
  for (let i = 0; i < rows.length; i += 2_000) await store.upsert(rows.slice(i, i + 2_000));
  await store.optimize();

  const client = new ManagedSyncClient({ baseUrl: emu.url, auth: { token: await emu.tokenFor(TENANT) } });
  const owners = Object.fromEntries(OWNERS.map((email) => [crmUserIdFor("salesforce", email), email]));
  const queries = Array.from({ length: QUERIES + WARMUP }, () => Array.from(clustered()));
  const embeddings = {
    queryIndex: 0,
    async embedQuery() {
      return queries[this.queryIndex++ % queries.length]!;
    },
    async embedDocuments(texts: string[]) {
      return texts.map(() => Array.from(clustered()));
    },
  };

  const configs: { label: string; records?: RecordPolicies; member?: boolean; strategy?: "post" | "pre" }[] =
    [
      { label: "files only (deals denied)" },
      {
        label: "tenant (verified member)",
        records: { policies: [{ pipeline: "deals", policy: "tenant" }] },
        member: true,
      },
      {
        label: "owner, post-filter",
        records: { policies: [{ pipeline: "deals", policy: "owner" }], owners },
        strategy: "post",
      },
      {
        label: "owner, pre-filter",
        records: { policies: [{ pipeline: "deals", policy: "owner" }], owners },
        strategy: "pre",
      },
    ];
  const table: string[][] = [
    ["policy on deals", "cold ms", "p50 ms", "p95 ms", "calls/query", "deals/query", "p50 ÷ files"],
  ];
  // One query first so the store's own first-read cost does not land on the first row's cold number.
  await createManagedSyncRetriever({ client, store, embeddings, tenant: TENANT, k: K }).retrieveWithReport(
    "q",
    {
      user: ASKER,
    },
  );
  let baseline = 0;
  for (const config of configs) {
    embeddings.queryIndex = 0;
    const retriever = createManagedSyncRetriever({
      client,
      store,
      embeddings,
      tenant: TENANT,
      k: K,
      strategy: config.strategy ?? "post",
      budget: { maxPermissionCalls: 1_000, maxCandidates: 20_000 },
      ...(config.records ? { records: config.records } : {}),
    });
    const times: number[] = [];
    let calls = 0;
    let dealHits = 0;
    let cold = 0;
    for (let q = 0; q < queries.length; q++) {
      const start = performance.now();
      const { report, documents } = await retriever.retrieveWithReport("q", {
        user: ASKER,
        ...(config.member ? { member: true } : {}),
      });
      const ms = performance.now() - start;
      if (q === 0) cold = ms;
      if (q < WARMUP) continue;
      times.push(ms);
      calls += report.permissionCalls;
      dealHits += documents.filter((d) => d.metadata.syncId === dealSync.id).length;
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length * 0.5)]!;
    const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!;
    if (!baseline) baseline = p50;
    table.push([
      config.label,
      cold.toFixed(1),
      p50.toFixed(1),
      p95.toFixed(1),
      (calls / QUERIES).toFixed(1),
      (dealHits / QUERIES).toFixed(1),
      `${(p50 / baseline).toFixed(2)}×`,
    ]);
  }
  console.log(
    `${RECORDS} files + ${RECORDS} deals (owners spread over ${OWNERS.length} people), k=${K}, ${QUERIES} queries per row after ${WARMUP} warm-up`,
  );
  console.log(markdownTable(table[0]!, table.slice(1)));
} finally {
  await store.close();
  await emu.close();
  await rm(dir, { recursive: true, force: true });
}
