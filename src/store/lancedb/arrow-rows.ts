// Rows of a LanceDB result read column by column from its Arrow table. `toArray()` makes a row
// proxy per result and resolves every field through it: for a search page that was the largest
// cost on the query's main thread after the search itself (see chunkRowsOf).
import type { Table as ArrowTable } from "apache-arrow";
import { StoreError } from "../errors.js";
import { CHUNK_COLUMNS } from "./columns.js";
import type { ChunkRow } from "./rows.js";

/**
 * One column of a result as an array-like. `nullable` columns are read value by value, as a typed
 * array (Int32…) has no room for null: its nulls would read as 0.
 */
export function columnOf<T>(table: ArrowTable, name: string, nullable = false): ArrayLike<T | null> {
  const vector = table.getChild(name);
  if (!vector) {
    throw new StoreError(
      "STORE_READ_FAILED",
      `LanceDB returned no ${name} column: check the @lancedb/lancedb version (package.json pins it)`,
    );
  }
  if (!nullable) return vector.toArray() as ArrayLike<T>;
  return Array.from({ length: vector.length }, (_, i) => (vector.get(i) ?? null) as T | null);
}

const NULLABLE_CHUNK_COLUMNS = new Set(["url", "page"]);

/**
 * The chunk rows of a result selecting `CHUNK_COLUMNS` (and `_distance` for a search). A page of
 * 150 took 13.6 ms p50 as `toArray()` rows and 11.4 ms read this way; 30: 7.2 → 6.4 ms
 * (scratch micro on the bench/sifted-page.ts store, 100k chunks).
 */
export function chunkRowsOf(table: ArrowTable): (ChunkRow & { _distance?: number })[] {
  const count = table.numRows;
  if (count === 0) return [];
  const columns = CHUNK_COLUMNS.map((name) =>
    columnOf<unknown>(table, name, NULLABLE_CHUNK_COLUMNS.has(name)),
  );
  const distance = table.getChild("_distance") ? columnOf<number>(table, "_distance") : undefined;
  const rows: (ChunkRow & { _distance?: number })[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) row[CHUNK_COLUMNS[c]!] = columns[c]![i];
    if (distance) row._distance = distance[i];
    rows[i] = row as unknown as ChunkRow & { _distance?: number };
  }
  return rows;
}

/**
 * The `vector` column of a result as one Float32Array per row (views, not copies): read through
 * the column rather than a row proxy per row, as a record load reads thousands of rows.
 */
export function vectorsOf(table: ArrowTable): Float32Array[] {
  const column = table.getChild("vector");
  if (!column) {
    throw new StoreError(
      "STORE_READ_FAILED",
      "LanceDB returned no vector column: check the @lancedb/lancedb version (package.json pins it)",
    );
  }
  return Array.from({ length: column.length }, (_, i) => column.get(i).toArray() as Float32Array);
}
