import type { Chunk, ChunkInput, ChunkMetadata, RecordVersion, Unindexable } from "../types.js";
import { rowKey } from "./columns.js";

/** A chunks-table row as LanceDB reads and writes it. */
export interface ChunkRow {
  id: string;
  tenant: string;
  sync_id: string;
  record_id: string;
  chunk_index: number;
  content_hash: string;
  text: string;
  integration: string;
  external_id: string;
  name: string;
  url: string | null;
  mime_type: string;
  updated_at: string;
  page: number | null;
  vector?: number[];
}

/** The row for a chunk. */
export function toChunkRow(chunk: ChunkInput): ChunkRow & { vector: number[] } {
  const m = chunk.metadata;
  return {
    id: chunk.id,
    tenant: chunk.tenant,
    sync_id: chunk.syncId,
    record_id: chunk.recordId,
    chunk_index: chunk.chunkIndex,
    content_hash: chunk.contentHash,
    text: chunk.text,
    ...metadataColumns(m),
    vector: Array.from(chunk.vector),
  };
}

/** A copy of a chunk a cache keeps or serves: its caller may edit it. */
export function copyChunk(chunk: Chunk): Chunk {
  return { ...chunk, metadata: { ...chunk.metadata } };
}

/** The chunk a row holds. */
export function fromChunkRow(row: ChunkRow): Chunk {
  const metadata: ChunkMetadata = {
    integration: row.integration,
    externalId: row.external_id,
    name: row.name,
    mimeType: row.mime_type,
    updatedAt: row.updated_at,
  };
  if (row.url != null) metadata.url = row.url;
  if (row.page != null) metadata.page = row.page;
  return {
    id: row.id,
    tenant: row.tenant,
    syncId: row.sync_id,
    recordId: row.record_id,
    chunkIndex: row.chunk_index,
    contentHash: row.content_hash,
    text: row.text,
    metadata,
  };
}

function metadataColumns(m: ChunkMetadata) {
  return {
    integration: m.integration,
    external_id: m.externalId,
    name: m.name,
    url: m.url ?? null,
    mime_type: m.mimeType,
    updated_at: m.updatedAt,
    page: m.page ?? null,
  };
}

/** The column values a metadata patch sets; `url: undefined` or `page: undefined` clear the field. */
export function metadataPatchColumns(patch: Partial<ChunkMetadata>): Record<string, string | number | null> {
  const columns: Record<string, string | number | null> = {};
  const names: Record<keyof ChunkMetadata, string> = {
    integration: "integration",
    externalId: "external_id",
    name: "name",
    url: "url",
    mimeType: "mime_type",
    updatedAt: "updated_at",
    page: "page",
  };
  for (const [field, column] of Object.entries(names) as [keyof ChunkMetadata, string][]) {
    if (field in patch) columns[column] = patch[field] ?? null;
  }
  return columns;
}

/** A records-table row. */
export interface RecordRow {
  key: string;
  tenant: string;
  sync_id: string;
  record_id: string;
  content_hash: string;
  source_version: string;
  chunk_count: number;
  name: string | null;
  updated_at: string;
  unindexable: string | null;
}

/** The key of a record version: tenant, sync and record id. */
export function recordKey(tenant: string, syncId: string, recordId: string): string {
  return rowKey(tenant, syncId, recordId);
}

export function toRecordRow(v: RecordVersion): RecordRow {
  return {
    key: recordKey(v.tenant, v.syncId, v.recordId),
    tenant: v.tenant,
    sync_id: v.syncId,
    record_id: v.recordId,
    content_hash: v.contentHash,
    source_version: v.sourceVersion,
    chunk_count: v.chunkCount,
    name: v.name ?? null,
    updated_at: v.updatedAt,
    unindexable: v.unindexable ? JSON.stringify(v.unindexable) : null,
  };
}

export function fromRecordRow(row: RecordRow): RecordVersion {
  const version: RecordVersion = {
    tenant: row.tenant,
    syncId: row.sync_id,
    recordId: row.record_id,
    contentHash: row.content_hash,
    sourceVersion: row.source_version,
    chunkCount: row.chunk_count,
    updatedAt: row.updated_at,
  };
  if (row.name != null) version.name = row.name;
  if (row.unindexable != null) version.unindexable = JSON.parse(row.unindexable) as Unindexable;
  return version;
}
