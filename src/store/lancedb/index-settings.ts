// The embedded store's index settings, apart from vector-index.ts so that reading them does not
// load LanceDB (it is loaded at the store's first open).

/**
 * Below this many chunks every search is an exact (flat) scan; from it on, `optimize()` builds an
 * IVF_HNSW_SQ index. Measured with bench/store.ts (384 dims, clustered vectors, 2 shared cores):
 * an exact unfiltered search takes 43–83 ms p50 at 20k chunks, 110–280 ms at 50k and 219 ms at
 * 100k; with the index it takes 4–9 ms, but recall@10 drops to 0.89–0.98 and the build costs
 * 6–40 s at 20k, 130–260 s at 50k–100k. Up to 50k chunks the exact scan is fast enough for
 * interactive use and perfectly accurate, so the index is not worth its build time and lost recall.
 */
export const DEFAULT_VECTOR_INDEX_MIN_ROWS = 50_000;

/**
 * Searches filtered to at most this many record ids stay exact even when the ANN index exists.
 * Measured at 100k chunks (384 dims, 4 chunks a record, 2 shared cores, limit 10): the exact scan
 * costs 8 ms for 25 records, 19 ms for 100, 18–19 ms for 250 and 42–47 ms for 1,000, while the
 * index with the record-id prefilter costs 9, 15, 12–14 and 15–16 ms with recall@10 1.000 against
 * the exact scan at each size. Only the smallest sets stay exact (LanceDB's HNSW with a very
 * selective prefilter once showed a slow tail: p95 174 ms at 50k/0.1%).
 */
export const DEFAULT_EXACT_FILTER_MAX_RECORD_IDS = 50;

/**
 * How a search through the ANN index trades recall for time (ignored by exact searches):
 * `efPerResult` × (limit + offset) HNSW candidates are explored, up to 1,000 (LanceDB's default is
 * 1.5 ×), `refineFactor` × limit of them are re-ranked with the full vectors (the index keeps
 * quantized ones; a page of 50 or more results is re-ranked once), and `nprobes` IVF partitions
 * are searched.
 */
export interface AnnQuery {
  efPerResult?: number;
  refineFactor?: number;
  nprobes?: number;
}

/**
 * Measured with bench/ann-recall.ts at 100k chunks × 384 dims (IVF_HNSW_SQ, 2 shared cores):
 * LanceDB's defaults give recall@10 0.890 at 7.0 ms p50; more HNSW candidates alone stop at 0.984
 * (the quantized vectors misorder near neighbours); re-ranking 2× with the full vectors on 4× the
 * candidates gives 0.994 (1.000 for the first 10 of 30) at 7.8 ms, +0.8 ms (+11 %) per search.
 */
export const DEFAULT_ANN_QUERY: AnnQuery = { efPerResult: 4, refineFactor: 2 };

/**
 * LanceDB's file and manifest metadata cache per store: 64 MB. Bounded because it grows with every
 * committed version (2,000 state writes: RSS +140 MB with LanceDB's 1 GB default, flat with 16 MB).
 */
export const DEFAULT_METADATA_CACHE_MB = 64;

/**
 * Chunks `readChunks` keeps in memory by default: with 1–2k-character texts, a few MB. A warm
 * reader's 10 kept chunks per query: the last ~100 queries' answers.
 */
export const DEFAULT_CHUNK_CACHE_ENTRIES = 1_000;

/**
 * Megabytes of records' chunks the store holds in memory by default for searches filtered to an
 * allow list (record-memory.ts). At 384 dims a chunk with a 1–2k-character text takes ~5 KB: 256
 * MB hold ~50k chunks, the lists of many people who each see a few thousand records.
 */
export const DEFAULT_RECORD_CACHE_MB = 256;

/**
 * The most vector values (chunks × dimensions) one search scans in the record memory by default:
 * 16M, ~2.3 ms in the arena's SIMD scan on this project's 2-core test machine (vector-arena.ts),
 * less than the index path costs such a list (a 150-candidate page sifted by it, then the kept
 * chunks read). A larger list goes to the index, however much is held: 41k chunks at 384 dims,
 * 10k at 1,536. At 1,536 dims the index finds fewer of a list's true neighbours: a 10 % reader of
 * 100k chunks (10k chunks) had recall@10 0.960 with the former bound of 8M, which sent their list
 * to the index, and 1.000 with 16M, at p50 15.7 → 8.1 ms with freshnessMs 0 and 13.6 → 4.6 ms with
 * the follower (bench/retrieval.ts at CLEARANCE_BENCH_DIMS=1536; with the JavaScript scan the
 * arena replaced, 16M cost 20.4 and 17.9 ms).
 */
export const DEFAULT_RECORD_SCAN_MAX_VALUES = 16_000_000;
