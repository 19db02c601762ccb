import { Index, type Table, type VectorQuery } from "@lancedb/lancedb";
import type { AnnQuery } from "./index-settings.js";

// Scalar indexes turn the tenant / record-id prefilter and the merge on `id` into index lookups.
const SCALAR_COLUMNS = ["id", "tenant", "record_id"] as const;

/** Creates missing indexes, then compacts and folds new rows into the existing indexes. */
export async function maintainIndexes(table: Table, vectorIndexMinRows: number): Promise<void> {
  const rows = await table.countRows();
  if (rows === 0) return;
  const indexed = new Set((await table.listIndices()).flatMap((index) => index.columns));
  for (const column of SCALAR_COLUMNS) {
    if (!indexed.has(column)) await table.createIndex(column, { config: Index.btree() });
  }
  if (!indexed.has("vector") && rows >= vectorIndexMinRows) {
    await table.createIndex("vector", { config: Index.hnswSq({ distanceType: "cosine" }) });
  }
  await table.optimize();
}

/** Past this many HNSW candidates, more cost more than they add: large pages already over-fetch. */
const MAX_TUNED_EF = 1_000;

/**
 * From this many results on, a page is re-ranked once (refine factor 1): it is already several
 * times the k a caller wants, so its top is re-ranked either way, and fetching twice its size in
 * full vectors was a third of the cost of a 150-result page (30.6 → 21.9 ms p50 at 100k chunks).
 */
const REFINE_ONCE_FROM = 50;

/**
 * Applies the ANN query settings to a vector search that will go through the index. `rerank:
 * false` (a page the caller sifts, `SearchOptions.approximate`) skips the re-rank with the full
 * vectors: it changes the order within the page, not which candidates it holds, and reading 150
 * full vectors was a fifth of a 150-result search (10.0 → 8.3 ms p50 at 100k chunks; a 10 % reader's
 * best 10 in the page, recall@10 0.987 either way).
 */
export function tuneAnnQuery(
  query: VectorQuery,
  ann: AnnQuery,
  results: number,
  options: { rerank?: boolean } = {},
): VectorQuery {
  let tuned = query;
  const refineFactor = options.rerank === false ? undefined : refineFactorFor(ann, results);
  if (ann.efPerResult !== undefined) {
    const lancedbDefault = Math.ceil(1.5 * results);
    // Re-ranking asks the index for results × refineFactor candidates, and LanceDB refuses an ef
    // below that ("ef must be greater than or equal to k"): large pages would fail, not just slow down.
    const fetched = results * (refineFactor ?? 1);
    tuned = tuned.ef(
      Math.max(lancedbDefault, fetched, Math.min(Math.ceil(ann.efPerResult * results), MAX_TUNED_EF)),
    );
  }
  if (refineFactor !== undefined) tuned = tuned.refineFactor(refineFactor);
  if (ann.nprobes !== undefined) tuned = tuned.nprobes(ann.nprobes);
  return tuned;
}

/** How many times the page is fetched in full vectors to re-rank it: once for pages past {@link REFINE_ONCE_FROM}. */
function refineFactorFor(ann: AnnQuery, results: number): number | undefined {
  if (ann.refineFactor === undefined || results < REFINE_ONCE_FROM) return ann.refineFactor;
  return Math.min(ann.refineFactor, 1);
}
