/**
 * What a large "sifted" page costs in the embedded store, piece by piece: 100k chunks (25k records
 * × 4, 384 dims, the clustered vectors of bench/retrieval.ts) with the IVF_HNSW_SQ index. A sifted
 * page is 150 candidates of which a person who sees 10 % keeps ~15; only the k kept need their
 * text and metadata. Each variant runs on every query in turn (interleaved, so load drift moves
 * all alike); recall@10 is of the page sifted through a random 10 % of the records, against the
 * exact filtered top 10. The last rows are the store's record memory: the readers' lists held,
 * then searched by an exact scan in memory (`LanceChunkStore.search` with their record ids).
 *
 *   flock /work/coord/heavy.lock npx tsx bench/sifted-page.ts [queries] [store folder to build or reuse] [text chars]
 *
 * Chunk texts are as short as bench/retrieval.ts's (~20 characters) unless `text chars` says how
 * long to make them (a real chunk is 1–2k).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { connect, type Table, type VectorQuery } from "@lancedb/lancedb";
import { seededRandom } from "../src/emulator/index.js";
import { type ChunkInput, chunkId, LanceChunkStore } from "../src/store/index.js";
import { CHUNK_COLUMNS } from "../src/store/lancedb/columns.js";
import { sqlIn } from "../src/store/lancedb/sql.js";

const QUERIES = Number(process.argv[2] ?? 60);
const REUSE = process.argv[3];
const TEXT_CHARS = Number(process.argv[4] ?? 0);
const CHUNKS = 100_000;
const PER_RECORD = 4;
const DIMS = 384;
const K = 10;
const PAGE = 150;

const random = seededRandom(11);
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
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

async function build(dir: string): Promise<void> {
  const store = await LanceChunkStore.open({ dir, dimensions: DIMS });
  if ((await store.count({ tenant: "bench" })) === CHUNKS) return store.close();
  let batch: ChunkInput[] = [];
  for (let i = 0; i < CHUNKS; i++) {
    const recordId = `rec-${Math.floor(i / PER_RECORD)}`;
    const chunkIndex = i % PER_RECORD;
    batch.push({
      id: chunkId({ tenant: "bench", syncId: "s", recordId, chunkIndex, contentHash: "h" }),
      tenant: "bench",
      syncId: "s",
      recordId,
      chunkIndex,
      contentHash: "h",
      text: `file ${Math.floor(i / PER_RECORD)} chunk ${chunkIndex} `.padEnd(
        TEXT_CHARS,
        " lorem ipsum dolor",
      ),
      vector: clustered(),
      metadata: {
        integration: "googledrive",
        externalId: `ext-${i}`,
        name: `folder/file-${i}.txt`,
        mimeType: "text/plain",
        updatedAt: "2026-01-01T00:00:00.000Z",
      },
    });
    if (batch.length === 5_000) {
      await store.upsert(batch);
      batch = [];
    }
  }
  if (batch.length) await store.upsert(batch);
  await store.optimize();
  await store.close();
}

type Ref = { id: string; record_id: string; _rowid?: bigint; _distance: number };

async function main() {
  const before = load();
  const dir = REUSE ?? (await mkdtemp(join(tmpdir(), "clearance-sifted-")));
  const t0 = performance.now();
  await build(dir);
  const buildS = (performance.now() - t0) / 1000;
  const db = await connect(dir, { readConsistencyInterval: 0 });
  const table: Table = await db.openTable("chunks");
  const records = CHUNKS / PER_RECORD;
  const reader = new Set<string>();
  while (reader.size < records / 10) reader.add(`rec-${Math.floor(random() * records)}`);
  const onePercent = [...reader].slice(0, 250);
  const queries = Array.from({ length: QUERIES }, () => clustered());

  const search = (q: Float32Array, limit: number) =>
    table.vectorSearch(q).distanceType("cosine").where("tenant = 'bench'").limit(limit);
  const ann = (query: VectorQuery, ef: number, refine: boolean) => {
    const tuned = query.ef(ef);
    return refine ? tuned.refineFactor(1) : tuned;
  };
  const full = [...CHUNK_COLUMNS, "_distance"];
  const lean = ["id", "record_id", "sync_id", "_distance"];
  const sift = (rows: Ref[]) => rows.filter((r) => reader.has(r.record_id)).slice(0, K);

  // The exact filtered truth: the reader's best 10 by a flat scan.
  const truth: Set<string>[] = [];
  for (const q of queries) {
    const rows = (await table
      .vectorSearch(q)
      .distanceType("cosine")
      .where(`tenant = 'bench' AND ${sqlIn("record_id", [...reader])}`)
      .bypassVectorIndex()
      .select(["id"])
      .limit(K)
      .toArray()) as { id: string }[];
    truth.push(new Set(rows.map((r) => r.id)));
  }

  const truthTop: Set<string>[] = [];
  for (const q of queries) {
    const rows = (await table
      .vectorSearch(q)
      .distanceType("cosine")
      .where("tenant = 'bench'")
      .bypassVectorIndex()
      .select(["id"])
      .limit(K)
      .toArray()) as { id: string }[];
    truthTop.push(new Set(rows.map((r) => r.id)));
  }

  /** `answer`: the rows are the reader's top 10 already (recall@10 against the exact truth). */
  type Variant = { label: string; answer?: true; run: (q: Float32Array) => Promise<Ref[] | undefined> };
  /** A 150-candidate page: every column or only what the sift needs, then (lean) the kept hydrated by row id. */
  const page = (columns: "all" | "lean", ef: number, refine: boolean, hydrate = false): Variant => ({
    label: `limit 150 ${refine ? "exact (refine 1)" : "approximate"}, ${columns === "all" ? "all columns" : "id, record_id, sync_id"}, ef ${ef}${hydrate ? ", then take the kept 10 by row id" : ""}${columns === "all" && ef === 600 ? " (today)" : ""}`,
    run: async (q) => {
      let query = ann(search(q, PAGE).select(columns === "all" ? full : lean), ef, refine);
      if (hydrate) query = query.withRowId();
      const rows = (await query.toArray()) as Ref[];
      if (hydrate) {
        await table
          .takeRowIds(sift(rows).map((r) => r._rowid!))
          .select(CHUNK_COLUMNS)
          .toArray();
      }
      return rows;
    },
  });
  // The store's record memory (record-memory.ts): the readers' lists held, then searched exactly.
  const store = await LanceChunkStore.open({ dir, dimensions: DIMS });
  const tenth = [...reader];
  for (const list of [tenth, onePercent]) {
    store.loadRecords("bench", list);
    while (!(await store.holdsRecords("bench", list))) await new Promise((r) => setTimeout(r, 20));
  }
  // Recall only for the 10 % reader's list, whose exact top 10 is `truth`.
  const held = (list: string[], label: string): Variant => ({
    label,
    ...(list === tenth ? { answer: true as const } : {}),
    run: async (q) => {
      const hits = await store.search(q, { tenant: "bench", recordIds: list, limit: K });
      if (list !== tenth) return undefined;
      return hits.map((hit) => ({
        id: hit.chunk.id,
        record_id: hit.chunk.recordId,
        _distance: 1 - hit.score,
      }));
    },
  });
  const variants: Variant[] = [
    {
      label: "unfiltered limit 10: all columns, ef 40, refine 2 (store.search today: the baseline)",
      run: async (q) => {
        await search(q, K).select(full).ef(40).refineFactor(2).toArray();
        return undefined;
      },
    },
    ...[600, 450, 375, 300, 225].map((ef) => page("all", ef, true)),
    page("lean", 600, true),
    ...[600, 450, 375, 300, 225, 150].map((ef) => page("all", ef, false)),
    page("lean", 600, false),
    page("lean", 300, false),
    page("lean", 600, false, true),
    page("lean", 300, false, true),
    {
      label: "1 % prefilter (250 record ids) limit 10: all columns, ef 40, refine 2 (the table)",
      run: async (q) => {
        await table
          .vectorSearch(q)
          .distanceType("cosine")
          .where(`tenant = 'bench' AND ${sqlIn("record_id", onePercent)}`)
          .select(full)
          .ef(40)
          .refineFactor(2)
          .limit(K)
          .toArray();
        return undefined;
      },
    },
    held(tenth, "the 10 % reader's 2,500 records held in the store's memory, limit 10 (exact scan)"),
    held(onePercent, "the 1 % reader's 250 records held in the store's memory, limit 10 (exact scan)"),
  ];

  for (const q of queries.slice(0, 5)) for (const v of variants) await v.run(q); // warm
  const times = variants.map(() => [] as number[]);
  const recall = variants.map(() => 0);
  const recallTop = variants.map(() => 0);
  for (const [n, q] of queries.entries()) {
    for (const [i, v] of variants.entries()) {
      const start = performance.now();
      const rows = await v.run(q);
      times[i]!.push(performance.now() - start);
      if (rows && v.answer) {
        recall[i]! += rows.filter((r) => truth[n]!.has(r.id)).length / K;
      } else if (rows) {
        recall[i]! += sift(rows).filter((r) => truth[n]!.has(r.id)).length / K;
        recallTop[i]! += rows.slice(0, K).filter((r) => truthTop[n]!.has(r.id)).length / K;
      }
    }
  }
  console.log(
    `\n${CHUNKS} chunks × ${DIMS} dims, IVF_HNSW_SQ; ${QUERIES} queries, variants interleaved; texts ${TEXT_CHARS || "~20"} characters; build ${buildS.toFixed(0)} s${REUSE ? " (or reused)" : ""}; load ${before} before, ${load()} after\n`,
  );
  console.log(
    "| variant | p50 ms | p95 ms | ×unfiltered | recall@10 of the page sifted to a 10 % reader | recall@10 of the page's first 10 (100 % reader) |",
  );
  console.log("|---|---|---|---|---|---|");
  const base = percentile(times[0]!, 50);
  for (const [i, v] of variants.entries()) {
    const p50 = percentile(times[i]!, 50);
    const paged = v.label.startsWith("limit 150");
    const r = paged || v.answer ? (recall[i]! / QUERIES).toFixed(3) : "";
    const top = paged ? (recallTop[i]! / QUERIES).toFixed(3) : "";
    console.log(
      `| ${v.label} | ${p50.toFixed(1)} | ${percentile(times[i]!, 95).toFixed(1)} | ${(p50 / base).toFixed(2)} | ${r} | ${top} |`,
    );
  }
  await store.close();
  table.close();
  db.close();
  if (!REUSE) await rm(dir, { recursive: true, force: true });
}

await main();
