/**
 * LanceDB store benchmark: upsert throughput and search latency at 20k and 100k chunks × 384 dims
 * (synthetic clustered vectors), unfiltered and record-id-prefiltered at 10% / 1% / 0.1%, with no
 * index, with scalar indexes only, and with the IVF_HNSW_SQ vector index. Prints a table.
 *
 *   npx tsx bench/store.ts            # 20k and 100k
 *   npx tsx bench/store.ts 20000      # one size
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seededRandom } from "../src/emulator/index.js";
import { type ChunkInput, chunkId, LanceChunkStore } from "../src/store/index.js";

const DIMS = 384;
const CHUNKS_PER_RECORD = 5;
const QUERIES = 30;
const K = 10;

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const random = seededRandom(42);
const centers = Array.from({ length: 1000 }, () =>
  unit(Array.from({ length: DIMS }, () => random() * 2 - 1)),
);
function clustered(): number[] {
  const c = centers[Math.floor(random() * centers.length)]!;
  return unit(c.map((x) => x + (random() * 2 - 1) * 0.06));
}

function chunkAt(i: number): ChunkInput {
  const recordId = `rec-${Math.floor(i / CHUNKS_PER_RECORD)}`;
  const chunkIndex = i % CHUNKS_PER_RECORD;
  return {
    id: chunkId({ tenant: "bench", syncId: "sync-1", recordId, chunkIndex, contentHash: "h" }),
    tenant: "bench",
    syncId: "sync-1",
    recordId,
    chunkIndex,
    contentHash: "h",
    text: `chunk ${i} `.repeat(40),
    vector: clustered(),
    metadata: {
      integration: "googledrive",
      externalId: `ext-${recordId}`,
      name: `${recordId}.pdf`,
      mimeType: "application/pdf",
      updatedAt: "2024-05-01T00:00:00.000Z",
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

interface Row {
  chunks: number;
  index: string;
  filter: string;
  p50: number;
  p95: number;
  minN: number;
  recall: string;
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const n of sizes.length ? sizes : [20_000, 100_000]) {
    const dir = await mkdtemp(join(tmpdir(), "clearance-bench-store-"));
    const store = await LanceChunkStore.open({
      dir,
      dimensions: DIMS,
      vectorIndexMinRows: Number.POSITIVE_INFINITY,
    });
    let t0 = performance.now();
    for (let i = 0; i < n; i += 2_000) {
      await store.upsert(Array.from({ length: Math.min(2_000, n - i) }, (_, j) => chunkAt(i + j)));
    }
    const upsertS = (performance.now() - t0) / 1000;
    notes.push(
      `${n} chunks: upsert ${upsertS.toFixed(1)} s (${Math.round(n / upsertS)} chunks/s, batches of 2,000)`,
    );

    // Re-upserting a batch that is already there (idempotent path of an interrupted run).
    t0 = performance.now();
    await store.upsert(Array.from({ length: 2_000 }, (_, j) => chunkAt(j)));
    notes.push(`${n} chunks: re-upsert of 2,000 existing ${(performance.now() - t0).toFixed(0)} ms`);

    const records = n / CHUNKS_PER_RECORD;
    const pick = (fraction: number) => {
      const ids = new Set<string>();
      const want = Math.max(1, Math.round(records * fraction));
      while (ids.size < want) ids.add(`rec-${Math.floor(random() * records)}`);
      return [...ids];
    };
    const filters: [string, string[] | undefined][] = [
      ["none", undefined],
      ["10%", pick(0.1)],
      ["1%", pick(0.01)],
      ["0.1%", pick(0.001)],
      // A 10,000-id IN list (the size a large allow set reaches), 1% of records real, rest absent.
      [
        "10k ids",
        [
          ...pick(0.01),
          ...Array.from({ length: 10_000 - Math.round(records * 0.01) }, (_, i) => `absent-${i}`),
        ],
      ],
    ];
    const queries = Array.from({ length: QUERIES }, () => clustered());
    const exact = new Map<string, string[][]>();

    const measure = async (store: LanceChunkStore, index: string) => {
      for (const [label, recordIds] of filters) {
        const times: number[] = [];
        let minN = Number.POSITIVE_INFINITY;
        let recallSum = 0;
        const results: string[][] = [];
        for (const q of queries) {
          const start = performance.now();
          const hits = await store.search(q, {
            tenant: "bench",
            limit: K,
            ...(recordIds ? { recordIds } : {}),
          });
          times.push(performance.now() - start);
          minN = Math.min(minN, hits.length);
          results.push(hits.map((h) => h.chunk.id));
        }
        const truth = exact.get(label);
        if (!truth) exact.set(label, results);
        else
          results.forEach((ids, qi) => {
            const want = new Set(truth[qi]);
            recallSum += ids.filter((id) => want.has(id)).length / Math.max(1, want.size);
          });
        times.sort((a, b) => a - b);
        rows.push({
          chunks: n,
          index,
          filter: label,
          p50: percentile(times, 50),
          p95: percentile(times, 95),
          minN,
          recall: truth ? (recallSum / queries.length).toFixed(3) : "1 (exact)",
        });
      }
    };

    await measure(store, "none (flat)");
    t0 = performance.now();
    await store.optimize();
    notes.push(`${n} chunks: scalar indexes + compaction ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await measure(store, "btree (flat)");
    await store.close();

    const indexed = await LanceChunkStore.open({ dir, dimensions: DIMS, vectorIndexMinRows: 0 });
    t0 = performance.now();
    await indexed.optimize();
    notes.push(`${n} chunks: IVF_HNSW_SQ build ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await measure(indexed, "btree + HNSW_SQ (default: exact when ≤1k record ids)");
    await indexed.close();
    const annOnly = await LanceChunkStore.open({
      dir,
      dimensions: DIMS,
      vectorIndexMinRows: 0,
      exactFilterMaxRecordIds: 0,
    });
    await measure(annOnly, "btree + HNSW_SQ (ANN always)");
    await annOnly.close();
    await rm(dir, { recursive: true, force: true });
  }

  console.log("\n| chunks | index | record-id filter | p50 ms | p95 ms | min results (k=10) | recall@10 |");
  console.log("|---:|---|---|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.chunks} | ${r.index} | ${r.filter} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.minN} | ${r.recall} |`,
    );
  }
  console.log("");
  for (const note of notes) console.log(`- ${note}`);
}

await main();
