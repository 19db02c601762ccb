import { v5 as uuidv5 } from "uuid";

// Fixed namespace so the same chunk gets the same id on every machine and in every backend.
const CHUNK_NAMESPACE = "6f2c8a34-5b1e-5d7a-9c3e-2a41b8f0d917";

/**
 * The deterministic id of a chunk: a UUID (v5) of tenant, sync id, record id, chunk index and
 * content hash. Record ids are unique only within a sync, so the sync is part of the id. Metadata
 * is left out on purpose, so a rename or a sharing change never mints new ids.
 *
 * @example chunkId({ tenant: "acme", syncId: "sync_1", recordId: "rec_1", chunkIndex: 0, contentHash: "9f2c…" })
 */
export function chunkId(parts: {
  tenant: string;
  syncId: string;
  recordId: string;
  chunkIndex: number;
  contentHash: string;
}): string {
  // JSON names every part unambiguously and escapes lone surrogates (`"\ud800"`), so any id the
  // source sends hashes; uuid's own UTF-8 encoding throws on them.
  const name = JSON.stringify([
    parts.tenant,
    parts.syncId,
    parts.recordId,
    parts.chunkIndex,
    parts.contentHash,
  ]);
  return uuidv5(name, CHUNK_NAMESPACE);
}
