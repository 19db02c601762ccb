import { chunkText } from "./chunk-text.js";
import { contentHash } from "./content-hash.js";
import type { ChunkOptions, ExtractedText } from "./types.js";

/** Where a record's chunks come from: copied onto every chunk's metadata. */
export interface ChunkSource {
  tenant: string;
  syncId: string;
  integration: string;
  recordId: string;
  externalId?: string;
  name?: string;
  url?: string;
  mimeType?: string;
  updatedAt?: string;
}

/** What the store keeps next to each chunk; `contentHash` is the hash of the record's whole text. */
export interface RecordChunkMetadata extends ChunkSource {
  chunkIndex: number;
  contentHash: string;
  page?: number;
}

/** A chunk ready to embed and upsert. */
export interface RecordChunk {
  text: string;
  metadata: RecordChunkMetadata;
}

/**
 * Chunks a record's text and tags every chunk with the record's metadata, its index and page,
 * and the record's content hash (the same on all chunks: what ingest compares to skip re-embedding).
 */
export async function chunkRecord(
  extracted: ExtractedText,
  source: ChunkSource,
  options: ChunkOptions,
): Promise<RecordChunk[]> {
  const hash = contentHash(extracted.text);
  const chunks = await chunkText(extracted, options);
  return chunks.map(({ text, chunkIndex, page }) => ({
    text,
    metadata: { ...source, chunkIndex, contentHash: hash, ...(page === undefined ? {} : { page }) },
  }));
}
