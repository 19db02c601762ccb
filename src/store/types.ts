/** What a chunk says about the record it came from; shown with citations, patched without re-embedding. */
export interface ChunkMetadata {
  integration: string;
  externalId: string;
  name: string;
  url?: string;
  mimeType: string;
  /** ISO-8601 time the source last changed the record. */
  updatedAt: string;
  /** 1-based page of the source document the chunk starts on, when the format has pages. */
  page?: number;
}

/** A chunk as stored, without its vector. */
export interface Chunk {
  /** Deterministic UUID from {@link chunkId}; upserting the same id twice keeps one row. */
  id: string;
  tenant: string;
  syncId: string;
  recordId: string;
  chunkIndex: number;
  /** Hash of the record's content (not its metadata): a new hash means new chunks. */
  contentHash: string;
  text: string;
  metadata: ChunkMetadata;
}

/** A chunk to write, with the vector the embedder made for its text. */
export interface ChunkInput extends Chunk {
  vector: readonly number[] | Float32Array;
}

/** A search hit. `score` is cosine similarity: higher is closer, results come in descending order. */
export interface ScoredChunk {
  chunk: Chunk;
  score: number;
}

/**
 * Which chunk a search found, without its text and metadata: all that checking its record needs.
 * A {@link Chunk} is one too.
 */
export interface ChunkRef {
  id: string;
  tenant: string;
  syncId: string;
  recordId: string;
}

/** A search hit that names its chunk ({@link ChunkStore.searchRefs}); read it with {@link ChunkStore.readChunks}. */
export interface ScoredRef {
  ref: ChunkRef;
  score: number;
}

/** Which chunks a search or count may touch. The tenant is always required. */
export interface ChunkFilter {
  tenant: string;
  /** Only these records. An empty array matches nothing (it never means "no filter"). */
  recordIds?: readonly string[];
  /** Only these syncs. An empty array matches nothing. */
  syncIds?: readonly string[];
}

export interface SearchOptions extends ChunkFilter {
  limit: number;
  /** Skip this many of the best candidates first, to page through them. */
  offset?: number;
  /**
   * The caller keeps only a few of the page's candidates (it sifts them through an allow list), so
   * an ANN index may skip re-ranking the page with the full vectors: which candidates the page
   * holds is unchanged, their order and scores are the index's approximation. Exact searches and
   * stores without a re-rank step ignore it.
   */
  approximate?: boolean;
  signal?: AbortSignal;
}

/** What ingest remembers about a record so unchanged records are neither downloaded nor re-embedded. */
export interface RecordVersion {
  tenant: string;
  syncId: string;
  recordId: string;
  contentHash: string;
  /** What the record's metadata says about its version (e.g. updatedAt + source hash), compared before download. */
  sourceVersion: string;
  chunkCount: number;
  name?: string;
  /** ISO-8601 time this version was written. */
  updatedAt: string;
  /**
   * Set when this version of the record cannot be indexed for a lasting reason (encrypted, empty,
   * too large, unsupported): it has no chunks, and it is not read again until its version changes.
   */
  unindexable?: Unindexable;
}

/** Why a record version has no chunks, recorded so it is reported once and not retried. */
export interface Unindexable {
  /** A stable code, e.g. `ENCRYPTED`, `EMPTY`, `TOO_LARGE`, `UNSUPPORTED_TYPE`. */
  code: string;
  reason: string;
  /**
   * The limits in force when it was judged (e.g. `maxFileBytes`), so raising a limit makes the
   * record worth reading again; empty when no limit played a part.
   */
  limits: string;
}

/** A sync's resume point, written only after the page it ends is durable in the store. */
export interface SyncState {
  cursor?: string;
  /** ISO-8601 time of the last write. */
  updatedAt: string;
}

/** The record (of the sync named beside it) and the content hash ingest keeps; every other hash of it is stale. */
export interface CurrentContent {
  recordId: string;
  contentHash: string;
}

/**
 * The vector store port: chunks, their search, and the ingest state kept beside them so that
 * workers on several machines share one source of truth. Record ids are unique only within a sync,
 * so every fact about a record is keyed by (tenant, syncId, recordId).
 */
export interface ChunkStore {
  /** Writes chunks; an existing id is replaced, so repeating an upsert changes nothing. */
  upsert(chunks: readonly ChunkInput[]): Promise<void>;
  /** Removes every chunk of these records of one sync. */
  deleteByRecord(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void>;
  /**
   * Removes the chunks of these records (of one sync) whose content hash is not the current one:
   * call it after upserting a record's new chunks, so readers never see the record missing.
   */
  deleteStaleChunks(tenant: string, syncId: string, current: readonly CurrentContent[]): Promise<void>;
  /** Changes the metadata of every chunk of a record, keeping text and vector (no re-embedding). */
  updateRecordMetadata(
    tenant: string,
    syncId: string,
    recordId: string,
    patch: Partial<ChunkMetadata>,
  ): Promise<void>;
  /** Nearest chunks by cosine similarity, filtered before ranking, best first. */
  search(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredChunk[]>;
  /**
   * {@link search} without the chunks' text and metadata, for a page the caller sifts through an
   * allow list: most of it is dropped, and reading every column of every candidate cost a large
   * page as much as the search itself. The few kept are read with {@link readChunks}. The same hits
   * as `search` with the same options (same filter, candidates, order and scores), each naming
   * only its chunk. A store without a cheaper way may map `search`'s hits to their refs.
   */
  searchRefs(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredRef[]>;
  /**
   * The chunks these refs name, keyed by chunk id. A chunk comes back only when its id, tenant,
   * sync and record are the ref's: one deleted (or moved to another record) since the search is
   * absent (not an error), never replaced by another chunk. A read cancelled through `signal`
   * rejects with the signal's reason.
   */
  readChunks(refs: readonly ChunkRef[], signal?: AbortSignal): Promise<Map<string, Chunk>>;
  /**
   * Whether the store holds these records of the tenant in memory, at its current contents
   * (optional): then a {@link search} filtered to them is an exact scan in memory, cheaper than an
   * unfiltered search however many record ids the filter names. A store without it never does.
   */
  holdsRecords?(tenant: string, recordIds: readonly string[]): Promise<boolean>;
  /**
   * Starts loading these records' chunks into memory for later searches (optional): in the
   * background, within the store's memory bound; records already held or loading are skipped,
   * and a failed load only leaves them unheld.
   */
  loadRecords?(tenant: string, recordIds: readonly string[]): void;
  /**
   * Loads what the first search would (indexes, caches) so that the first query after a start
   * does not pay for it (optional). A long-running server calls it once before it serves.
   */
  warmUp?(): Promise<void>;
  /** How many chunks match the filter. */
  count(filter: ChunkFilter): Promise<number>;

  /** Every record version of one sync, page by page. */
  recordVersions(tenant: string, syncId: string): AsyncIterable<RecordVersion>;
  /** The stored versions of these records of one sync, keyed by record id; unknown ids are absent. */
  getRecordVersions(
    tenant: string,
    syncId: string,
    recordIds: readonly string[],
  ): Promise<Map<string, RecordVersion>>;
  putRecordVersions(versions: readonly RecordVersion[]): Promise<void>;
  deleteRecordVersions(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void>;
  getSyncState(tenant: string, syncId: string): Promise<SyncState | undefined>;
  putSyncState(tenant: string, syncId: string, state: SyncState): Promise<void>;
  /**
   * Removes everything stored for one sync: its chunks, record versions and sync state. For a
   * sync that Managed Sync no longer has; chunks go first, so a crash leaves only what a retry removes.
   */
  deleteSync(tenant: string, syncId: string): Promise<void>;

  /**
   * Small named values beside the data (discovered tenants, feed tokens, learned rates), grouped
   * in scopes such as `tenants` or `feed:<tenant>`. Values are strings (JSON for structure) of at
   * most {@link MAX_STATE_VALUE_CHARS} characters; a put replaces the value, last write wins.
   */
  getState(scope: string, key: string): Promise<string | undefined>;
  putState(scope: string, key: string, value: string): Promise<void>;
  /** Removes one value; removing a missing key does nothing. */
  deleteState(scope: string, key: string): Promise<void>;
  /** Every key and value of a scope (scopes are meant to stay small: thousands, not millions). */
  listState(scope: string): Promise<Map<string, string>>;

  /**
   * Takes the named lease for `ttlMs` if it is free, expired, or already ours. Safe across
   * processes and machines sharing the store; returns whether `holder` now holds it.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease `holder` still holds; false when it was lost (expired and taken by another). */
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it; otherwise does nothing. */
  releaseLease(name: string, holder: string): Promise<void>;

  /** Housekeeping after an ingest run: compaction and vector-index upkeep where the backend needs it. */
  optimize(): Promise<void>;
  close(): Promise<void>;
}

/** The longest value {@link ChunkStore.putState} accepts (1 MiB of characters). */
export const MAX_STATE_VALUE_CHARS = 1024 * 1024;
