/**
 * ANN query tuning for the embedded store: 100k chunks (384 dims, the clustered vectors of
 * bench/retrieval.ts) with the IVF_HNSW_SQ index, searched with different `annQuery` settings.
 * Recall@10 is against the exact search, for the 10 results a query asks for and for the first 10
 * of the 30 candidates a post-filter round fetches; latency is p50/p95 of the tenant-filtered search.
 *
 *   flock /work/coord/heavy.lock npx tsx bench/ann-recall.ts [chunks] [queries]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { seededRandom } from "../src/emulator/index.js";
import { type AnnQuery, type ChunkInput, chunkId, LanceChunkStore } from "../src/store/index.js";

const CHUNKS = Number(process.argv[2] ?? 100_000);
const QUERIES = Number(process.argv[3] ?? 100);
const DIMS = 384;
const K = 10;

const random = seededRandom(7);
const unit = (v: Float32Array) => {
  let n = 0;
  for (const x of v) n += x * x;
  return v.map((x) => x / (Math.sqrt(n) || 1));
};
const centers = Array.from({ length: 1000 }, () =>
  unit(Float32Array.from({ length: DIMS }, () => random() * 2 - 1)),
);
const clustered = () => {
  const c = centers[Math.floor(random() * centers.length)]!;
  return unit(c.map((x) => x + (random() * 2 - 1) * 0.06));
};

const SETTINGS: { label: string; ann: AnnQuery }[] = [
  { label: "LanceDB defaults (ef 1.5×)", ann: {} },
  { label: "ef 4×", ann: { efPerResult: 4 } },
  { label: "ef 8×", ann: { efPerResult: 8 } },
  { label: "ef 16×", ann: { efPerResult: 16 } },
  { label: "refine 2", ann: { refineFactor: 2 } },
  { label: "ef 4×, refine 2", ann: { efPerResult: 4, refineFactor: 2 } },
  { label: "ef 8×, refine 2", ann: { efPerResult: 8, refineFactor: 2 } },
  { label: "ef 8×, refine 4", ann: { efPerResult: 8, refineFactor: 4 } },
  { label: "ef 16×, refine 4", ann: { efPerResult: 16, refineFactor: 4 } },
];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

async function main() {
  const before = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  const dir = await mkdtemp(join(tmpdir(), "clearance-ann-"));
  try {
    const writer = await LanceChunkStore.open({ dir, dimensions: DIMS });
    const vectors: { id: string; vector: Float32Array }[] = [];
    let batch: ChunkInput[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      const recordId = `rec-${Math.floor(i / 4)}`;
      const id = chunkId({ tenant: "bench", syncId: "s", recordId, chunkIndex: i % 4, contentHash: "h" });
      const vector = clustered();
      vectors.push({ id, vector });
      batch.push({
        id,
        tenant: "bench",
        syncId: "s",
        recordId,
        chunkIndex: i % 4,
        contentHash: "h",
        text: `chunk ${i}`,
        vector,
        metadata: {
          integration: "googledrive",
          externalId: `e${i}`,
          name: `f${i}`,
          mimeType: "text/plain",
          updatedAt: "2026-01-01T00:00:00Z",
        },
      });
      if (batch.length === 5_000) {
        await writer.upsert(batch);
        batch = [];
      }
    }
    if (batch.length) await writer.upsert(batch);
    const built = performance.now();
    await writer.optimize();
    const buildS = (performance.now() - built) / 1000;
    await writer.close();

    const queries = Array.from({ length: QUERIES }, () => clustered());
    const exactStore = await LanceChunkStore.open({
      dir,
      dimensions: DIMS,
      vectorIndexMinRows: Number.MAX_SAFE_INTEGER,
      exactFilterMaxRecordIds: Number.MAX_SAFE_INTEGER,
    });
    // Exact truth: a record filter of every record forces the flat scan.
    const all = Array.from({ length: CHUNKS / 4 }, (_, r) => `rec-${r}`);
    const truth: string[][] = [];
    for (const q of queries)
      truth.push(
        (await exactStore.search(q, { tenant: "bench", limit: K, recordIds: all })).map((h) => h.chunk.id),
      );
    await exactStore.close();

    console.log(
      `\n${CHUNKS} chunks, ${DIMS} dims, IVF_HNSW_SQ built in ${buildS.toFixed(0)} s; ${QUERIES} queries; load average ${before}\n`,
    );
    console.log(
      "| ANN query | recall@10 (limit 10) | recall@10 (top 10 of 30) | p50 ms (limit 10) | p95 ms | p50 ms (limit 30) |",
    );
    console.log("|---|---|---|---|---|---|");
    for (const { label, ann } of SETTINGS) {
      const store = await LanceChunkStore.open({ dir, dimensions: DIMS, annQuery: ann });
      for (const q of queries.slice(0, 5)) await store.search(q, { tenant: "bench", limit: K }); // warm
      const ms10: number[] = [];
      const ms30: number[] = [];
      let r10 = 0;
      let r30 = 0;
      for (const [n, q] of queries.entries()) {
        const want = new Set(truth[n]);
        let t = performance.now();
        const ten = await store.search(q, { tenant: "bench", limit: K });
        ms10.push(performance.now() - t);
        t = performance.now();
        const thirty = await store.search(q, { tenant: "bench", limit: 3 * K });
        ms30.push(performance.now() - t);
        r10 += ten.filter((h) => want.has(h.chunk.id)).length / K;
        r30 += thirty.slice(0, K).filter((h) => want.has(h.chunk.id)).length / K;
      }
      await store.close();
      console.log(
        `| ${label} | ${(r10 / QUERIES).toFixed(3)} | ${(r30 / QUERIES).toFixed(3)} | ${percentile(ms10, 50).toFixed(1)} | ${percentile(ms10, 95).toFixed(1)} | ${percentile(ms30, 50).toFixed(1)} |`,
      );
    }
    console.log(
      `\nload average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
