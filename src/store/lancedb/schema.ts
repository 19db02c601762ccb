import { Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } from "apache-arrow";

// LanceDB reads this field metadata as the table's primary key. With it, two writers that
// merge-insert the same key at once conflict and retry instead of both inserting: that is what
// makes leases exclusive across processes (measured: without it, concurrent inserts duplicate).
const PRIMARY_KEY = new Map([["lance-schema:unenforced-primary-key:position", "1"]]);

function key(name: string): Field {
  return new Field(name, new Utf8(), false, PRIMARY_KEY);
}

/** The chunks table: one row per chunk, the vector a fixed-size float32 list. */
export function chunksSchema(dimensions: number): Schema {
  return new Schema([
    key("id"),
    new Field("tenant", new Utf8(), false),
    new Field("sync_id", new Utf8(), false),
    new Field("record_id", new Utf8(), false),
    new Field("chunk_index", new Int32(), false),
    new Field("content_hash", new Utf8(), false),
    new Field("text", new Utf8(), false),
    new Field("integration", new Utf8(), false),
    new Field("external_id", new Utf8(), false),
    new Field("name", new Utf8(), false),
    new Field("url", new Utf8(), true),
    new Field("mime_type", new Utf8(), false),
    new Field("updated_at", new Utf8(), false),
    new Field("page", new Int32(), true),
    new Field("vector", new FixedSizeList(dimensions, new Field("item", new Float32(), true)), false),
  ]);
}

/** Record versions, keyed by tenant + sync id + record id. */
export const recordsSchema = new Schema([
  key("key"),
  new Field("tenant", new Utf8(), false),
  new Field("sync_id", new Utf8(), false),
  new Field("record_id", new Utf8(), false),
  new Field("content_hash", new Utf8(), false),
  new Field("source_version", new Utf8(), false),
  new Field("chunk_count", new Int32(), false),
  new Field("name", new Utf8(), true),
  new Field("updated_at", new Utf8(), false),
  // JSON of `Unindexable`, or null for a version that has chunks.
  new Field("unindexable", new Utf8(), true),
]);

/** Sync cursors, keyed by tenant + sync id. */
export const syncStateSchema = new Schema([
  key("key"),
  new Field("tenant", new Utf8(), false),
  new Field("sync_id", new Utf8(), false),
  new Field("cursor", new Utf8(), true),
  new Field("updated_at", new Utf8(), false),
]);

/** Leases, keyed by name; `expires_at` in epoch milliseconds. */
export const leasesSchema = new Schema([
  key("name"),
  new Field("holder", new Utf8(), false),
  new Field("expires_at", new Float64(), false),
]);

/** Named string values (`ChunkStore.getState`), keyed by scope + key. */
export const stateSchema = new Schema([
  key("id"),
  new Field("scope", new Utf8(), false),
  new Field("key", new Utf8(), false),
  new Field("value", new Utf8(), false),
]);
