/**
 * Retrieval selectivity sweep: 100k chunks (25k files × 4 chunks, 384-dim synthetic clustered
 * vectors) in the embedded LanceDB store, permissions served over loopback HTTP by the emulator.
 * For people who may read 100%, 10%, 1% and 0.1% of the files, it runs each strategy (post, pre,
 * auto) and a baseline that post-filters the top k without over-fetch (what Auth0's FGARetriever
 * does), and prints recall@k against exact filtered search, the fewer-than-k rate, permission
 * calls per query, p50/p95 latency and p50 as a ratio to unfiltered search in the same run.
 *
 *   npx tsx bench/retrieval.ts                 # 25k files (100k chunks), 30 queries per cell
 *   npx tsx bench/retrieval.ts 5000 20         # smaller: files, queries per cell
 *
 * Each cell uses a fresh retriever (cold caches); the first WARMUP queries of a cell are not
 * measured, so the table shows the steady state a long-running server sees.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ManagedSyncAccessControl, SyncCatalog } from "../src/access/index.js";
import { type CorpusSpec, seededRandom, startEmulator } from "../src/emulator/index.js";
import { ManagedSyncClient } from "../src/managed-sync/index.js";
import { PermissionAwareRetriever, vectorSource } from "../src/retrieval/index.js";
import { type ChunkInput, chunkId, LanceChunkStore } from "../src/store/index.js";

const FILES = Number(process.argv[2] ?? 25_000);
const QUERIES = Number(process.argv[3] ?? 30);
const WARMUP = 3;
const CHUNKS_PER_FILE = 4;
const FILES_PER_FOLDER = 25;
const DIMS = 384;
const K = 10;
const TENANT = "bench";

const random = seededRandom(7);
function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}
const centers = Array.from({ length: 1000 }, () =>
  unit(Float32Array.from({ length: DIMS }, () => random() * 2 - 1)),
);
function clustered(): Float32Array {
  const c = centers[Math.floor(random() * centers.length)]!;
  return unit(c.map((x) => x + (random() * 2 - 1) * 0.06));
}

const folders = Math.ceil(FILES / FILES_PER_FOLDER);
const pathOf = (i: number) =>
  `d${String(Math.floor(i / FILES_PER_FOLDER)).padStart(4, "0")}/f${String(i % FILES_PER_FOLDER).padStart(2, "0")}.txt`;

// Who may read what: shares of folders (inherited by their files), or single files for 0.1%.
const pick = (n: number, of: number) => {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(n, of)) chosen.add(Math.floor(random() * of));
  return [...chosen];
};
const PEOPLE = [
  { email: "all@bench.test", label: "100%", folders: [] as number[], files: [] as number[], owner: true },
  {
    email: "ten@bench.test",
    label: "10%",
    folders: pick(Math.round(folders / 10), folders),
    files: [],
    owner: false,
  },
  {
    email: "one@bench.test",
    label: "1%",
    folders: pick(Math.round(folders / 100), folders),
    files: [],
    owner: false,
  },
  {
    email: "tenth@bench.test",
    label: "0.1%",
    folders: [],
    files: pick(Math.round(FILES / 1000), FILES),
    owner: false,
  },
];

function corpus(): CorpusSpec {
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) files[`drive/${pathOf(i)}`] = `file ${i}`;
  const sharing: Record<string, { grants: { user: string; role: "reader" }[] }> = {};
  const share = (key: string, user: string) => {
    const entry = sharing[key] ?? { grants: [] };
    entry.grants.push({ user, role: "reader" });
    sharing[key] = entry;
  };
  for (const person of PEOPLE) {
    for (const f of person.folders) share(`drive/d${String(f).padStart(4, "0")}/`, person.email);
    for (const i of person.files) share(`drive/${pathOf(i)}`, person.email);
  }
  return {
    manifest: {
      domain: "bench.test",
      people: PEOPLE.map(({ email }) => ({ email })),
      connectedUsers: [
        { id: TENANT, syncs: [{ integration: "googledrive", root: "drive", owner: "all@bench.test" }] },
      ],
      sharing,
    },
    files,
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

async function main() {
  const t0 = performance.now();
  const emu = await startEmulator({ corpus: corpus(), port: 0 });
  const dir = await mkdtemp(join(tmpdir(), "clearance-bench-retrieval-"));
  const store = await LanceChunkStore.open({ dir, dimensions: DIMS });
  try {
    const adminGet = async (path: string) =>
      (
        await fetch(`${emu.url}/__admin${path}`, { headers: { authorization: `Bearer ${emu.adminToken}` } })
      ).json();
    const state = (await adminGet("/state")) as { syncs: { id: string }[] };
    const syncId = state.syncs[0]!.id;
    const nodes = (await adminGet(`/syncs/${syncId}/nodes`)) as {
      data: { id: string; path: string; type: string }[];
    };
    const idByPath = new Map(nodes.data.filter((n) => n.type === "file").map((n) => [n.path, n.id]));
    const recordOf = (i: number) => idByPath.get(pathOf(i))!;

    // Chunks: vectors kept in memory too, for the exact filtered search.
    const vectors = new Map<string, Float32Array>();
    const chunkRecord = new Map<string, string>();
    let batch: ChunkInput[] = [];
    for (let i = 0; i < FILES; i++) {
      const recordId = recordOf(i);
      for (let c = 0; c < CHUNKS_PER_FILE; c++) {
        const id = chunkId({ tenant: TENANT, syncId, recordId, chunkIndex: c, contentHash: "h" });
        const vector = clustered();
        vectors.set(id, vector);
        chunkRecord.set(id, recordId);
        batch.push({
          id,
          tenant: TENANT,
          syncId,
          recordId,
          chunkIndex: c,
          contentHash: "h",
          text: `file ${i} chunk ${c}`,
          vector,
          metadata: {
            integration: "googledrive",
            externalId: `ext-${i}`,
            name: pathOf(i),
            mimeType: "text/plain",
            updatedAt: "2026-01-01T00:00:00.000Z",
          },
        });
        if (batch.length === 5_000) {
          await store.upsert(batch);
          batch = [];
        }
      }
    }
    if (batch.length > 0) await store.upsert(batch);
    await store.optimize();
    const chunks = await store.count({ tenant: TENANT });
    const setupS = (performance.now() - t0) / 1000;

    const client = new ManagedSyncClient({ baseUrl: emu.url, auth: { token: await emu.tokenFor(TENANT) } });
    const catalog = new SyncCatalog(client.syncs);
    const access = new ManagedSyncAccessControl({
      permissions: client.permissions,
      syncKind: (id, signal) => catalog.kind(id, signal),
    });
    const queries = Array.from({ length: QUERIES + WARMUP }, () => clustered());

    const allowedRecords = (person: (typeof PEOPLE)[number]) => {
      if (person.owner) return new Set(idByPath.values());
      const set = new Set<string>();
      for (const f of person.folders)
        for (let j = 0; j < FILES_PER_FOLDER; j++) set.add(recordOf(f * FILES_PER_FOLDER + j));
      for (const i of person.files) set.add(recordOf(i));
      return set;
    };
    const exactTopK = (query: Float32Array, allowed: Set<string>) => {
      const scored: { id: string; score: number }[] = [];
      for (const [id, v] of vectors) {
        if (!allowed.has(chunkRecord.get(id)!)) continue;
        let dot = 0;
        for (let d = 0; d < DIMS; d++) dot += v[d]! * query[d]!;
        scored.push({ id, score: dot });
      }
      scored.sort((a, b) => b.score - a.score);
      return scored.slice(0, K).map((s) => s.id);
    };

    // Unfiltered search, same queries, same run.
    const unfiltered: number[] = [];
    for (const [n, q] of queries.entries()) {
      const start = performance.now();
      await store.search(q, { tenant: TENANT, limit: K });
      if (n >= WARMUP) unfiltered.push(performance.now() - start);
    }
    const unfilteredP50 = percentile(unfiltered, 50);

    const rows: string[][] = [];
    for (const person of PEOPLE) {
      const allowed = allowedRecords(person);
      const exact = queries.map((q) => exactTopK(q, allowed));
      for (const strategy of ["baseline", "post", "pre", "auto"] as const) {
        const retriever =
          strategy === "baseline"
            ? undefined
            : new PermissionAwareRetriever({
                store,
                embeddings: { embedQuery: async () => [], embedDocuments: async () => [] },
                access,
                tenant: TENANT,
                syncIds: (signal) => catalog.syncIds(signal),
                k: K,
                strategy,
              });
        const latencies: number[] = [];
        const recalls: number[] = [];
        const calls: number[] = [];
        let fewer = 0;
        const paths = new Map<string, number>();
        for (const [n, q] of queries.entries()) {
          const start = performance.now();
          let ids: string[];
          let permissionCalls: number;
          if (retriever) {
            const { documents, report } = await retriever.retrieveFromSource(vectorSource(store, TENANT, q), {
              user: person.email,
            });
            ids = documents.map((d) => d.id!);
            permissionCalls = report.permissionCalls;
            paths.set(report.strategy, (paths.get(report.strategy) ?? 0) + (n >= WARMUP ? 1 : 0));
          } else {
            // FGARetriever: the inner retriever's top k, batch-checked, the allowed kept. No over-fetch.
            const hits = await store.search(q, { tenant: TENANT, limit: K });
            const { decisions, calls: c } = await access.batchCheck(
              person.email,
              hits.map((h) => ({ syncId: h.chunk.syncId, recordId: h.chunk.recordId })),
              "can_read",
            );
            ids = hits.filter((_, j) => decisions[j]?.kind === "allow").map((h) => h.chunk.id);
            permissionCalls = c;
          }
          const elapsed = performance.now() - start;
          if (n < WARMUP) continue;
          const truth = exact[n]!;
          for (const id of ids)
            if (!allowed.has(chunkRecord.get(id)!)) throw new Error(`LEAK: ${id} for ${person.email}`);
          latencies.push(elapsed);
          calls.push(permissionCalls);
          recalls.push(truth.length === 0 ? 1 : ids.filter((id) => truth.includes(id)).length / truth.length);
          if (ids.length < Math.min(K, truth.length)) fewer += 1;
        }
        const p50 = percentile(latencies, 50);
        rows.push([
          person.label,
          strategy === "baseline" ? "baseline (no over-fetch)" : strategy,
          strategy === "baseline" ? "" : [...paths].map(([p, c]) => `${p}×${c}`).join(" "),
          mean(recalls).toFixed(3),
          `${((100 * fewer) / QUERIES).toFixed(0)}%`,
          mean(calls).toFixed(1),
          p50.toFixed(1),
          percentile(latencies, 95).toFixed(1),
          `${(p50 / unfilteredP50).toFixed(2)}×`,
        ]);
      }
    }

    const header = [
      "readable",
      "strategy",
      "path ran",
      `recall@${K}`,
      "fewer than k",
      "perm calls/q",
      "p50 ms",
      "p95 ms",
      "p50 / unfiltered",
    ];
    console.log(
      `\n${chunks} chunks (${FILES} files × ${CHUNKS_PER_FILE}), ${DIMS} dims, k=${K}, ${QUERIES} queries per cell after ${WARMUP} warm-up; ` +
        `unfiltered search p50 ${unfilteredP50.toFixed(1)} ms, p95 ${percentile(unfiltered, 95).toFixed(1)} ms; setup ${setupS.toFixed(0)} s\n`,
    );
    console.log(`| ${header.join(" | ")} |`);
    console.log(`|${header.map(() => "---").join("|")}|`);
    for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  } finally {
    await store.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
