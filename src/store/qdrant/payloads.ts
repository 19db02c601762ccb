import { z } from "zod";
import type { Chunk, ChunkInput, ChunkMetadata, ChunkRef, RecordVersion } from "../types.js";

/** Payload of a chunk point: flat, so a metadata patch is one `set_payload` and filters need no nesting. */
const chunkPayload = z.object({
  tenant: z.string(),
  syncId: z.string(),
  recordId: z.string(),
  chunkIndex: z.number().int(),
  contentHash: z.string(),
  text: z.string(),
  integration: z.string(),
  externalId: z.string(),
  name: z.string(),
  url: z.string().optional(),
  mimeType: z.string(),
  updatedAt: z.string(),
  page: z.number().int().optional(),
});

/** Payload of a record-version point in the state collection. */
const recordPayload = z.object({
  kind: z.literal("record"),
  tenant: z.string(),
  syncId: z.string(),
  recordId: z.string(),
  contentHash: z.string(),
  sourceVersion: z.string(),
  chunkCount: z.number().int(),
  name: z.string().optional(),
  updatedAt: z.string(),
  unindexable: z.object({ code: z.string(), reason: z.string(), limits: z.string() }).optional(),
});

export const syncPayload = z.object({
  kind: z.literal("sync"),
  tenant: z.string(),
  syncId: z.string(),
  cursor: z.string().optional(),
  updatedAt: z.string(),
});

/** Payload of a named state value (`ChunkStore.getState`). */
export const statePayload = z.object({
  kind: z.literal("state"),
  scope: z.string(),
  key: z.string(),
  value: z.string(),
});

export const leasePayload = z.object({
  kind: z.literal("lease"),
  name: z.string(),
  holder: z.string(),
  token: z.string(),
  expiresAt: z.number(),
});

/** The payload stored for a chunk. */
export function toChunkPayload(chunk: ChunkInput): Record<string, unknown> {
  const { metadata: m } = chunk;
  return {
    tenant: chunk.tenant,
    syncId: chunk.syncId,
    recordId: chunk.recordId,
    chunkIndex: chunk.chunkIndex,
    contentHash: chunk.contentHash,
    text: chunk.text,
    integration: m.integration,
    externalId: m.externalId,
    name: m.name,
    mimeType: m.mimeType,
    updatedAt: m.updatedAt,
    ...(m.url !== undefined ? { url: m.url } : {}),
    ...(m.page !== undefined ? { page: m.page } : {}),
  };
}

/** The chunk a point holds; throws a zod error when the payload is not one Clearance wrote. */
export function fromChunkPayload(id: string, payload: unknown): Chunk {
  const p = chunkPayload.parse(payload);
  const metadata: ChunkMetadata = {
    integration: p.integration,
    externalId: p.externalId,
    name: p.name,
    mimeType: p.mimeType,
    updatedAt: p.updatedAt,
  };
  if (p.url !== undefined) metadata.url = p.url;
  if (p.page !== undefined) metadata.page = p.page;
  return {
    id,
    tenant: p.tenant,
    syncId: p.syncId,
    recordId: p.recordId,
    chunkIndex: p.chunkIndex,
    contentHash: p.contentHash,
    text: p.text,
    metadata,
  };
}

/** The payload keys a ref search reads (`ChunkStore.searchRefs`): which record a chunk is of. */
export const REF_PAYLOAD_KEYS = ["tenant", "syncId", "recordId"];

const refPayload = chunkPayload.pick({ tenant: true, syncId: true, recordId: true });

/** The ref a point's {@link REF_PAYLOAD_KEYS} give; throws a zod error when they are not Clearance's. */
export function fromRefPayload(id: string, payload: unknown): ChunkRef {
  return { id, ...refPayload.parse(payload) };
}

// The payload keys a metadata patch may touch: never tenant, sync, record, hash or text.
const METADATA_FIELDS = {
  integration: true,
  externalId: true,
  name: true,
  url: true,
  mimeType: true,
  updatedAt: true,
  page: true,
} as const satisfies Record<keyof ChunkMetadata, true>;

/** Splits a metadata patch into fields to set and fields to remove (`url: undefined` clears it). */
export function metadataPatch(patch: Partial<ChunkMetadata>): {
  set: Record<string, unknown>;
  remove: string[];
} {
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!Object.hasOwn(METADATA_FIELDS, key)) continue;
    if (value === undefined) remove.push(key);
    else set[key] = value;
  }
  return { set, remove };
}

export function toRecordPayload(v: RecordVersion): Record<string, unknown> {
  return { kind: "record", ...v };
}

export function fromRecordPayload(payload: unknown): RecordVersion {
  const { kind: _, ...version } = recordPayload.parse(payload);
  if (version.name === undefined) delete version.name;
  if (version.unindexable === undefined) delete version.unindexable;
  return version;
}
