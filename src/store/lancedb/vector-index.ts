import { Index, type Table } from "@lancedb/lancedb";

/**
 * Below this many chunks every search is an exact (flat) scan; from it on, `optimize()` builds an
 * IVF_HNSW_SQ index. PLACEHOLDER until bench/store.ts numbers are in.
 */
export const DEFAULT_VECTOR_INDEX_MIN_ROWS = 50_000;

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
