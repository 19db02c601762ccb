import type { FileRecord, SyncedRecord } from "../managed-sync/index.js";
import type { ChunkMetadata } from "../store/index.js";

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

// Titles in the order CRM and ticketing schemas name their records.
const TITLE_FIELDS = ["fullName", "name", "dealName", "title", "subject", "summary", "displayName"];

/**
 * Chunk metadata of a CRM or ticket record; its "MIME type" names the pipeline
 * (`application/vnd.paragon.contacts+json`) so citations can tell a contact from a file.
 */
export function recordMetadata(record: SyncedRecord, sync: SyncInfo): Omit<ChunkMetadata, "page"> {
  const fields = record as Record<string, unknown>;
  const title = TITLE_FIELDS.map((f) => fields[f]).find(
    (v): v is string => typeof v === "string" && v.trim() !== "",
  );
  const person = [fields.firstName, fields.lastName]
    .filter((v) => typeof v === "string" && v.trim())
    .join(" ");
  return withOptionalUrl({
    integration: sync.integration,
    externalId: record.externalId ?? record.id,
    name: title?.trim() || person || `${sync.pipeline} ${record.id}`,
    url: typeof fields.url === "string" ? fields.url : undefined,
    mimeType: `application/vnd.paragon.${sync.pipeline}+json`,
    updatedAt: record.updatedAt ?? "",
  });
}

// Keeps `url` absent rather than `undefined`, so the metadata digests the same before and after a round trip.
function withOptionalUrl(metadata: Omit<ChunkMetadata, "page">): Omit<ChunkMetadata, "page"> {
  if (metadata.url === undefined) delete metadata.url;
  return metadata;
}
