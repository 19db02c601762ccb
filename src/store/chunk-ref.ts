import type { ChunkRef } from "./types.js";

/**
 * Whether `chunk` is exactly the chunk `ref` names: same id, tenant, sync and record. A read must
 * return only that chunk, never another one at the same id (rewritten for another record or
 * tenant): its record was the one checked.
 *
 * @example isChunkOf(read.get(ref.id), ref) // false for another tenant's chunk with the same id
 */
export function isChunkOf(chunk: ChunkRef, ref: ChunkRef): boolean {
  return (
    chunk.id === ref.id &&
    chunk.tenant === ref.tenant &&
    chunk.syncId === ref.syncId &&
    chunk.recordId === ref.recordId
  );
}
