import type { Table } from "@lancedb/lancedb";
import type { Chunk } from "../types.js";
import { chunkRowsOf, vectorsOf } from "./arrow-rows.js";
import { CHUNK_COLUMNS } from "./columns.js";
import { type ChunkRow, fromChunkRow } from "./rows.js";
import { sqlAnd, sqlEquals, sqlIn } from "./sql.js";

// Record ids per read; bounds one IN list.
const IDS_PER_READ = 5_000;

/** One held chunk and its vector, as the record memory pools them (vector-pool.ts). */
export interface ChunkWithVector {
  chunk: Chunk;
  vector: Float32Array;
}

/**
 * The chunks of one tenant's `recordIds`, with their vectors, by record, read from the chunks
 * table; `overflow` when they number more than `maxChunks` (then the read stops there: a few records
 * of long documents can hold far more, and such a list is never held).
 *
 * @example const { byRecord, overflow } = await readRecordChunks(table, "northwind", ["rec-1"], 40_000);
 */
export async function readRecordChunks(
  table: Table,
  tenant: string,
  recordIds: readonly string[],
  maxChunks: number,
): Promise<{ byRecord: Map<string, ChunkWithVector[]>; overflow: boolean }> {
  const rows: ChunkRow[] = [];
  const vectors: Float32Array[] = [];
  for (let i = 0; i < recordIds.length && rows.length <= maxChunks; i += IDS_PER_READ) {
    const where = sqlAnd(
      sqlEquals("tenant", tenant),
      sqlIn("record_id", recordIds.slice(i, i + IDS_PER_READ)),
    );
    const read = await table
      .query()
      .where(where)
      .select([...CHUNK_COLUMNS, "vector"])
      .limit(Math.max(1, maxChunks + 1 - rows.length))
      .toArrow();
    // Not push(...): a read may hold more rows than a call takes arguments.
    for (const row of chunkRowsOf(read)) rows.push(row);
    for (const vector of vectorsOf(read)) vectors.push(vector);
  }
  const byRecord = new Map<string, ChunkWithVector[]>();
  if (rows.length > maxChunks) return { byRecord, overflow: true };
  for (const [at, row] of rows.entries()) {
    const chunks = byRecord.get(row.record_id) ?? [];
    chunks.push({ chunk: fromChunkRow(row), vector: vectors[at]! });
    byRecord.set(row.record_id, chunks);
  }
  return { byRecord, overflow: false };
}
