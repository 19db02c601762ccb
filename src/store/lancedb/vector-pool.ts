// The vectors of the records one load brought into memory, side by side in one block of the
// record memory's arena (vector-arena.ts), and the cosine scan over them. One block per load, not
// one per record: a run of records' vectors is scored by one call of the arena's scan.
import type { Chunk } from "../types.js";
import type { ArenaBlock, VectorArena } from "./vector-arena.js";

// What a held chunk costs beyond its vector and strings: the objects and the map entries.
const CHUNK_OVERHEAD_BYTES = 400;

/** One load's records: evicted together, as their vectors share one array. */
export interface VectorPool {
  readonly tenant: string;
  /** Its vectors in the arena, one chunk's after another's in record order. */
  readonly block: ArenaBlock;
  /** The records still held from it (one loaded again later moves to that load's pool). */
  readonly recordIds: Set<string>;
  /** Estimated: vectors, strings and a fixed overhead per chunk and record. */
  bytes: number;
  /** When a search last read one of its records (a tick of the memory), for evicting the least recently used. */
  used: number;
}

/** One record's chunks (of every sync that has a record of that id), their vectors rows of its pool. */
export interface HeldRecord {
  chunks: Chunk[];
  pool: VectorPool;
  /** The pool row of its first chunk's vector; the others follow. */
  start: number;
  norms: Float32Array;
}

/**
 * The records of one load (a record without chunks is held as such), and the pool of their vectors,
 * written to a block of `arena` (the caller frees it when it drops the pool).
 */
export function pooled(
  arena: VectorArena,
  tenant: string,
  dimensions: number,
  recordIds: readonly string[],
  rows: ReadonlyMap<string, { chunk: Chunk; vector: Float32Array }[]>,
): { pool: VectorPool; records: Map<string, HeldRecord> } {
  let count = 0;
  for (const chunks of rows.values()) count += chunks.length;
  const block = arena.alloc(count * dimensions);
  const vectors = arena.floats;
  let bytes = recordIds.length * CHUNK_OVERHEAD_BYTES;
  const pool: VectorPool = { tenant, block, recordIds: new Set(recordIds), bytes: 0, used: 0 };
  const records = new Map<string, HeldRecord>();
  let row = 0;
  for (const recordId of recordIds) {
    const chunks = rows.get(recordId) ?? [];
    const norms = new Float32Array(chunks.length);
    records.set(recordId, { chunks: chunks.map(({ chunk }) => chunk), pool, start: row, norms });
    chunks.forEach(({ chunk, vector }, i) => {
      const own = vector.subarray(0, dimensions);
      vectors.set(own, block.start + (row + i) * dimensions);
      let squares = 0;
      for (let d = 0; d < own.length; d++) squares += own[d]! * own[d]!;
      norms[i] = Math.sqrt(squares);
      bytes += dimensions * 4 + CHUNK_OVERHEAD_BYTES + 2 * stringLength(chunk);
    });
    row += chunks.length;
  }
  pool.bytes = bytes;
  return { pool, records };
}

/**
 * The cosine similarity to the query of every chunk of the records, record by record: the runs of
 * records whose vectors follow each other in the arena are scored by one call of its scan each.
 */
export function cosines(
  arena: VectorArena,
  query: ArrayLike<number>,
  queryNorm: number,
  records: readonly HeldRecord[],
): Float64Array {
  let count = 0;
  for (const record of records) count += record.norms.length;
  const scores = new Float64Array(count);
  const dims = query.length;
  arena.setQuery(query);
  // The run being gathered: from float `runStart`, `runCount` vectors, scored into `runAt`.
  let runStart = 0;
  let runCount = 0;
  let runAt = 0;
  let at = 0;
  for (const record of records) {
    const start = record.pool.block.start + record.start * dims;
    const chunks = record.norms.length;
    if (runCount > 0 && start !== runStart + runCount * dims) {
      arena.dots(runStart, runCount, scores, runAt);
      runCount = 0;
    }
    if (runCount === 0) {
      runStart = start;
      runAt = at;
    }
    runCount += chunks;
    at += chunks;
  }
  arena.dots(runStart, runCount, scores, runAt);
  at = 0;
  for (const record of records) {
    for (const norm of record.norms) {
      scores[at] = (scores[at] as number) / (queryNorm * (norm || 1));
      at++;
    }
  }
  return scores;
}

function stringLength(chunk: Chunk): number {
  const m = chunk.metadata;
  return (
    chunk.text.length +
    chunk.id.length +
    chunk.recordId.length +
    chunk.syncId.length +
    m.name.length +
    (m.url?.length ?? 0) +
    m.externalId.length
  );
}
