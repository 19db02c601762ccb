// Table and column names and row keys: what the store's code needs without loading Apache Arrow
// (the Arrow schemas are in schema.ts, loaded with LanceDB at the store's first open).

/** Table names inside the store folder. */
export const TABLES = {
  chunks: "chunks",
  records: "records",
  syncState: "sync_state",
  leases: "leases",
  state: "state",
} as const;

/** Every chunk column except the vector: what searches read back. */
export const CHUNK_COLUMNS = [
  "id",
  "tenant",
  "sync_id",
  "record_id",
  "chunk_index",
  "content_hash",
  "text",
  "integration",
  "external_id",
  "name",
  "url",
  "mime_type",
  "updated_at",
  "page",
];

/** The key of a row from its parts (tenant, sync id, record id…): injective for any strings. */
export function rowKey(...parts: string[]): string {
  return JSON.stringify(parts);
}
