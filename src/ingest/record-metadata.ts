import type { FileRecord, SyncedRecord } from "../managed-sync/index.js";
import type { ChunkMetadata } from "../store/index.js";
import { recordTitle } from "./text/index.js";

/** The sync a record came from, as ingest needs it. */
export interface SyncInfo {
  id: string;
  integration: string;
  pipeline: string;
}

/** Chunk metadata of a file record (everything but the page, which varies per chunk). */
export function fileMetadata(record: FileRecord, sync: SyncInfo): Omit<ChunkMetadata, "page"> {
  return withOptionalUrl({
    integration: sync.integration,
    externalId: record.externalId ?? record.id,
    name: record.name ?? record.id,
    url: record.url ?? undefined,
    mimeType: record.mimeType ?? "application/octet-stream",
    updatedAt: record.updatedAt ?? "",
  });
}

/**
 * Chunk metadata of a CRM or ticket record; its "MIME type" names the pipeline
 * (`application/vnd.paragon.contacts+json`) so citations can tell a contact from a file.
 */
export function recordMetadata(record: SyncedRecord, sync: SyncInfo): Omit<ChunkMetadata, "page"> {
  const fields = record as Record<string, unknown>;
  return withOptionalUrl({
    integration: sync.integration,
    externalId: record.externalId ?? record.id,
    name: recordTitle(fields) || `${sync.pipeline} ${record.id}`,
    // Tickets link to their source as `externalUrl` (Paragon's Ticket schema).
    url: [fields.url, fields.externalUrl].find((u): u is string => typeof u === "string"),
    mimeType: `application/vnd.paragon.${sync.pipeline}+json`,
    updatedAt: record.updatedAt ?? "",
  });
}

// Keeps `url` absent rather than `undefined`, so the metadata digests the same before and after a round trip.
function withOptionalUrl(metadata: Omit<ChunkMetadata, "page">): Omit<ChunkMetadata, "page"> {
  if (metadata.url === undefined) delete metadata.url;
  return metadata;
}
