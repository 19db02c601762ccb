// Rows of a LanceDB result read column by column from its Arrow table. `toArray()` makes a row
// proxy per result and resolves every field through it: for a search page that was the largest
// cost on the query's main thread after the search itself (see chunkRowsOf).
import type { Table as ArrowTable } from "apache-arrow";
import { StoreError } from "../errors.js";
import { CHUNK_COLUMNS } from "./columns.js";
import type { ChunkRow } from "./rows.js";

/**
 * One column of a result as an array-like. A column holding nulls is read value by value: a typed
 * array (Int32…) has no room for null, its nulls would read as 0. Asked of the result itself, not
 * of the schema, so a nullable column added later cannot be missed; `nullCount` is cached.
 */
export function columnOf<T>(table: ArrowTable, name: string): ArrayLike<T | null> {
  const vector = table.getChild(name);
  if (!vector) {
    throw new StoreError(
      "STORE_READ_FAILED",
      `LanceDB returned no ${name} column: check the @lancedb/lancedb version (package.json pins it)`,
    );
  }
  if (vector.nullCount === 0) return vector.toArray() as ArrayLike<T>;
  return Array.from({ length: vector.length }, (_, i) => (vector.get(i) ?? null) as T | null);
}

/**
 * The chunk rows of a result selecting `CHUNK_COLUMNS`. Store searches (limit 10 / 30 / 150, 100k
 * chunks) took 6.7 / 8.7 / 16.1 ms p50 as `toArray()` rows and 6.4 / 7.9 / 13.5 ms read this way
 * (scratch micro on the bench/sifted-page.ts store, old and new alternated twice).
 */
export function chunkRowsOf(table: ArrowTable): ChunkRow[] {
  const count = table.numRows;
  if (count === 0) return [];
  const columns = CHUNK_COLUMNS.map((name) => columnOf<unknown>(table, name));
  const rows: ChunkRow[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) row[CHUNK_COLUMNS[c]!] = columns[c]![i];
    rows[i] = row as unknown as ChunkRow;
  }
  return rows;
}

/**
 * A search result's cosine distances, by row: a result with rows but without them fails, as it
 * cannot be ranked (an empty one may come without the column).
 */
export function distancesOf(table: ArrowTable): ArrayLike<number> {
  if (table.numRows === 0) return [];
  return columnOf<number>(table, "_distance") as ArrayLike<number>;
}

/**
 * The `vector` column of a result as one Float32Array per row (views, not copies): read through
 * the column rather than a row proxy per row, as a record load reads thousands of rows. A result
 * without rows has none: LanceDB returns a read matching nothing as a table of no columns at all.
 */
export function vectorsOf(table: ArrowTable): Float32Array[] {
  if (table.numRows === 0) return [];
  const column = table.getChild("vector");
  if (!column) {
    throw new StoreError(
      "STORE_READ_FAILED",
      "LanceDB returned no vector column: check the @lancedb/lancedb version (package.json pins it)",
    );
  }
  return Array.from({ length: column.length }, (_, i) => column.get(i).toArray() as Float32Array);
}
