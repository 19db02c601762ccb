import { StoreInputError } from "./errors.js";
import {
  type ChunkFilter,
  type ChunkInput,
  type ChunkRef,
  MAX_STATE_VALUE_CHARS,
  type RecordVersion,
} from "./types.js";

// Ids end up inside filter expressions and payload keys; 1 KiB is far above any real id.
const MAX_ID_LENGTH = 1024;

/**
 * Rejects an empty or malformed identifier (tenant, record id, sync id, state scope, lease name),
 * including one that is not valid Unicode: a backend would read it as another id (LanceDB turns a
 * lone surrogate into U+FFFD, so tenant `"a\uD800"` would match tenant `"a\uFFFD"`).
 */
export function requireId(value: unknown, what: string): string {
  requireWellFormed(value, what);
  if (!isStorableId(value)) {
    throw new StoreInputError(
      "STORE_ID_INVALID",
      `${what} ${JSON.stringify(value)} is not valid Unicode (it holds a lone surrogate): it cannot be stored unaltered`,
    );
  }
  return value;
}

function requireWellFormed(value: unknown, what: string): asserts value is string {
  if (typeof value !== "string" || value.length === 0) {
    throw new StoreInputError("STORE_ID_MISSING", `${what} is missing: pass a non-empty string`);
  }
  if (value.length > MAX_ID_LENGTH) {
    throw new StoreInputError(
      "STORE_ID_INVALID",
      `${what} is ${value.length} characters long: ids may be at most ${MAX_ID_LENGTH}`,
    );
  }
  if (value.includes("\u0000")) {
    throw new StoreInputError("STORE_ID_INVALID", `${what} contains a NUL character: remove it`);
  }
}

// A UTF-16 surrogate without its partner: such a string has no UTF-8 form, so a backend would
// store a replacement character (LanceDB) or refuse the request (Qdrant's JSON parser).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether an id can be stored as it is: valid Unicode (no lone surrogate). Ingest reports a record
 * whose id is not, rather than writing it.
 */
export function isStorableId(id: string): boolean {
  return !LONE_SURROGATE.test(id);
}

/** Every search, count and write names its tenant; an empty tenant would mean "everyone's data". */
export function requireTenant(tenant: unknown): string {
  return requireId(tenant, "tenant");
}

/** Checks a lease request: its name and holder are ids, its ttl a positive number of milliseconds. */
export function requireLease(name: string, holder: string, ttlMs: number): void {
  requireId(name, "lease name");
  requireId(holder, "lease holder");
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new StoreInputError(
      "STORE_LEASE_INVALID",
      `lease ttlMs must be a positive number of milliseconds, got ${ttlMs}`,
    );
  }
}

/**
 * Checks every id in a list, returning it de-duplicated. An id that is not valid Unicode is left
 * out rather than refused: no write stores one, so it matches nothing, and a page that names one
 * (ingest reports such a record) still reads and deletes the others.
 */
export function requireIds(ids: readonly string[], what: string): string[] {
  if (!Array.isArray(ids)) {
    throw new StoreInputError("STORE_ID_INVALID", `${what} must be an array of strings`);
  }
  const valid = new Set<string>();
  for (const id of ids) {
    requireWellFormed(id, what);
    if (isStorableId(id)) valid.add(id);
  }
  return [...valid];
}

/**
 * Checks a search or count filter, the same for every backend: the tenant is required, and an
 * empty record-id or sync-id set (or one holding only ids nothing can be stored under) matches
 * nothing, so the filter is undefined rather than "no filter".
 */
export function requireFilter(
  filter: ChunkFilter,
): (Required<Pick<ChunkFilter, "tenant">> & ChunkFilter) | undefined {
  const checked: ChunkFilter = { tenant: requireTenant(filter.tenant) };
  for (const field of ["recordIds", "syncIds"] as const) {
    if (filter[field] === undefined) continue;
    const ids = requireIds(filter[field], field);
    if (ids.length === 0) return undefined;
    checked[field] = ids;
  }
  return checked;
}

/** Checks a vector's length and that every component is a finite number. */
export function requireVector(vector: readonly number[] | Float32Array, dimensions: number): void {
  if (vector.length !== dimensions) {
    throw new StoreInputError(
      "STORE_VECTOR_DIMENSIONS",
      `vector has ${vector.length} dimensions but the store holds ${dimensions}: use the embedder the store was built with, or a new store`,
    );
  }
  for (const x of vector) {
    if (!Number.isFinite(x)) {
      throw new StoreInputError(
        "STORE_VECTOR_INVALID",
        "vector contains NaN or Infinity: check the embedder",
      );
    }
  }
}

/** Checks a search page size and offset. */
export function requirePage(limit: number, offset: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new StoreInputError(
      "STORE_LIMIT_INVALID",
      `limit must be an integer from 1 to 10000, got ${limit}`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new StoreInputError("STORE_OFFSET_INVALID", `offset must be a non-negative integer, got ${offset}`);
  }
}

/** Rejects a ref to read back whose id, tenant, sync or record is not a storable id. */
export function requireChunkRef(ref: ChunkRef): void {
  requireId(ref.id, "chunk id");
  requireTenant(ref.tenant);
  requireId(ref.syncId, "syncId");
  requireId(ref.recordId, "recordId");
}

/** Checks a chunk before it is written. */
export function requireChunk(chunk: ChunkInput, dimensions: number): void {
  requireId(chunk.id, "chunk id");
  requireTenant(chunk.tenant);
  requireId(chunk.syncId, "syncId");
  requireId(chunk.recordId, "recordId");
  requireId(chunk.contentHash, "contentHash");
  if (!Number.isInteger(chunk.chunkIndex) || chunk.chunkIndex < 0) {
    throw new StoreInputError(
      "STORE_CHUNK_INVALID",
      `chunk ${chunk.id} has chunkIndex ${chunk.chunkIndex}: use a non-negative integer`,
    );
  }
  requireVector(chunk.vector, dimensions);
}

/** Checks a record version before it is written. */
export function requireRecordVersion(version: RecordVersion): void {
  requireTenant(version.tenant);
  requireId(version.syncId, "syncId");
  requireId(version.recordId, "recordId");
  requireId(version.contentHash, "contentHash");
  const u = version.unindexable;
  if (
    u !== undefined &&
    (typeof u.code !== "string" || typeof u.reason !== "string" || typeof u.limits !== "string")
  ) {
    throw new StoreInputError(
      "STORE_VERSION_INVALID",
      `record ${version.recordId}: unindexable needs string code, reason and limits`,
    );
  }
}

/** Checks a state entry's scope and key. */
export function requireStateKey(scope: string, key: string): void {
  requireId(scope, "state scope");
  requireId(key, "state key");
}

/** Checks a state entry about to be written. */
export function requireStateValue(scope: string, key: string, value: string): void {
  requireStateKey(scope, key);
  if (typeof value !== "string") {
    throw new StoreInputError(
      "STORE_STATE_INVALID",
      `state ${scope}/${key}: the value must be a string (JSON for structure)`,
    );
  }
  if (value.length > MAX_STATE_VALUE_CHARS) {
    throw new StoreInputError(
      "STORE_STATE_INVALID",
      `state ${scope}/${key} is ${value.length} characters: values may be at most ${MAX_STATE_VALUE_CHARS}; keep large data elsewhere`,
    );
  }
}
