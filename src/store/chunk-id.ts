import { v5 as uuidv5 } from "uuid";

// Fixed namespace so the same chunk gets the same id on every machine and in every backend.
const CHUNK_NAMESPACE = "6f2c8a34-5b1e-5d7a-9c3e-2a41b8f0d917";

/**
 * The deterministic id of a chunk: a UUID (v5) of tenant, record id, chunk index and content hash.
 * Metadata is left out on purpose, so a rename or a sharing change never mints new ids.
 *
 * @example chunkId({ tenant: "acme", recordId: "rec_1", chunkIndex: 0, contentHash: "9f2c…" })
 */
export function chunkId(parts: {
  tenant: string;
  recordId: string;
  chunkIndex: number;
  contentHash: string;
}): string {
  // NUL cannot occur in validated ids, so the joined name is unambiguous.
  return uuidv5(
    `${parts.tenant}\u0000${parts.recordId}\u0000${parts.chunkIndex}\u0000${parts.contentHash}`,
    CHUNK_NAMESPACE,
  );
}
