export { chunkId } from "./chunk-id.js";
export { isChunkOf } from "./chunk-ref.js";
export { StoreError, StoreInputError } from "./errors.js";
export { isStorableId } from "./guards.js";
export {
  type AnnQuery,
  DEFAULT_ANN_QUERY,
  DEFAULT_EXACT_FILTER_MAX_RECORD_IDS,
  DEFAULT_VECTOR_INDEX_MIN_ROWS,
} from "./lancedb/index-settings.js";
export { LanceChunkStore, type LanceChunkStoreOptions } from "./lancedb/lancedb-store.js";
export { openChunkStore, type StoreSettings } from "./open-store.js";
export { QdrantChunkStore, type QdrantChunkStoreOptions } from "./qdrant/qdrant-store.js";
export { STORE_SCHEMA_VERSION, StoreSchemaError } from "./schema-version.js";
export type {
  Chunk,
  ChunkFilter,
  ChunkInput,
  ChunkMetadata,
  ChunkRef,
  ChunkStore,
  CurrentContent,
  RecordVersion,
  ScoredChunk,
  ScoredRef,
  SearchOptions,
  SyncState,
  Unindexable,
} from "./types.js";
export { MAX_STATE_VALUE_CHARS } from "./types.js";
