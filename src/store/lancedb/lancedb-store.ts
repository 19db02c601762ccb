import { setTimeout as sleep } from "node:timers/promises";
import type { Table, VectorQuery } from "@lancedb/lancedb";
import { importOptional } from "../../optional-dependency.js";
import { chunkId } from "../chunk-id.js";
import { StoreError, StoreInputError } from "../errors.js";
import {
  requireChunk,
  requireChunkRef,
  requireFilter,
  requireId,
  requireIds,
  requirePage,
  requireTenant,
  requireVector,
} from "../guards.js";
import { ensureSchemaVersion, SCHEMA_STATE } from "../schema-version.js";
import type {
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
} from "../types.js";
import { chunkRowsOf } from "./arrow-rows.js";
import { ChunkCache, readThroughCache } from "./chunk-cache.js";
import { REF_COLUMNS, RowHints, refRowsOf } from "./chunk-refs.js";
import { CHUNK_COLUMNS } from "./columns.js";
import { TableCompactor } from "./compaction.js";
import {
  type AnnQuery,
  DEFAULT_ANN_QUERY,
  DEFAULT_CHUNK_CACHE_ENTRIES,
  DEFAULT_EXACT_FILTER_MAX_RECORD_IDS,
  DEFAULT_METADATA_CACHE_MB,
  DEFAULT_RECORD_CACHE_MB,
  DEFAULT_VECTOR_INDEX_MIN_ROWS,
} from "./index-settings.js";
import { RecordMemory } from "./record-memory.js";
import { type ChunkRow, fromChunkRow, metadataPatchColumns, toChunkRow } from "./rows.js";
import { sqlAnd, sqlEquals, sqlIn } from "./sql.js";
import { LanceState } from "./state.js";
import { checkStoreFolder } from "./store-folder.js";
import type { LanceTables } from "./tables.js";

/** LanceDB, Arrow and the code that needs them: loaded by the first `open()`. */
type LanceRuntime = typeof import("./lance-runtime.js");

/** Where and how the embedded store keeps its data. */
export interface LanceChunkStoreOptions {
  /** A folder (created if missing) or a LanceDB URI such as `s3://bucket/path`. */
  dir: string;
  /** The embedder's vector size; fixed when the store is first created. */
  dimensions: number;
  /**
   * Rows from which {@link LanceChunkStore.optimize} builds an ANN index on the vectors; below it
   * every search is exact. Default {@link DEFAULT_VECTOR_INDEX_MIN_ROWS}.
   */
  vectorIndexMinRows?: number;
  /**
   * A search filtered to at most this many record ids skips the ANN index and scans its rows
   * exactly: for a handful of records the scan is as cheap as the index and exact by construction
   * (larger sets are faster through the index with the prefilter, measured with recall@10 1.000).
   * Default {@link DEFAULT_EXACT_FILTER_MAX_RECORD_IDS}.
   */
  exactFilterMaxRecordIds?: number;
  /** How a search through the ANN index trades recall for time; default {@link DEFAULT_ANN_QUERY}. */
  annQuery?: AnnQuery;
  /** Megabytes of LanceDB file/manifest metadata kept in memory; default {@link DEFAULT_METADATA_CACHE_MB}. */
  metadataCacheMb?: number;
  /**
   * Chunks that {@link LanceChunkStore.readChunks} keeps in memory (least recently used go first),
   * served again only while the chunks table has not changed since they were read; 0 turns the
   * cache off. Default {@link DEFAULT_CHUNK_CACHE_ENTRIES}.
   */
  chunkCacheEntries?: number;
  /**
   * Megabytes of records' chunks (vectors, text, metadata) held in memory so that a search filtered
   * to a person's allow list is an exact scan of them ({@link LanceChunkStore.holdsRecords}); held
   * only while the chunks table has not changed since they were read; 0 turns it off. Default
   * {@link DEFAULT_RECORD_CACHE_MB}.
   */
  recordCacheMb?: number;
}

/** The tables written row by row, each with its own background compaction. */
type SmallTable = "state" | "records" | "syncState" | "leases";

// A commit that loses a race to another writer is retried this many times in all.
const WRITE_ATTEMPTS = 6;

// Lists waiting to be loaded into the record memory beyond the one loading; more are turned away.
const MAX_WAITING_LOADS = 4;

// Bounds one IN list and one delete, however many record ids a caller passes.
const IDS_PER_STATEMENT = 5_000;

/**
 * The embedded default `ChunkStore`: LanceDB tables `chunks`, `records`, `sync_state`, `state` and
 * `leases` in one folder. Filters always run before the vector ranking (LanceDB's prefilter).
 *
 * @example const store = await LanceChunkStore.open({ dir: ".clearance/store", dimensions: 384 });
 */
export class LanceChunkStore implements ChunkStore {
  private readonly state: LanceState;
  private readonly chunks: Table;
  private readonly inflight = new Set<Promise<unknown>>();
  // Where searchRefs last saw each ref's row, so readChunks can take it by row id.
  private readonly rowHints = new RowHints();
  // The chunks readChunks read lately, valid for the table version they were read at (chunk-cache.ts).
  private readonly chunkCache: ChunkCache;
  // Records' chunks and vectors for searches filtered to them, valid at one table version (record-memory.ts).
  private readonly memory: RecordMemory;
  private closed = false;
  // The record loads, one after another (see loadRecords).
  private loads: Promise<void> = Promise.resolve();
  private waitingLoads = 0;
  // The row-by-row tables, compacted in the background as they are written (see compaction.ts).
  // Leases are left to optimize(): a lease write is one conditional merge that is not retried.
  private readonly compactors: Record<SmallTable, TableCompactor>;

  private constructor(
    private readonly lance: LanceRuntime,
    private readonly tables: LanceTables,
    readonly dimensions: number,
    private readonly vectorIndexMinRows: number,
    private readonly exactFilterMaxRecordIds: number,
    private readonly annQuery: AnnQuery,
    chunkCacheEntries: number,
    recordCacheMb: number,
  ) {
    this.chunks = tables.chunks;
    this.chunkCache = new ChunkCache(chunkCacheEntries);
    this.memory = new RecordMemory(recordCacheMb * 1_000_000, dimensions);
    this.state = new LanceState(tables);
    const compactor = (table: Table) =>
      new TableCompactor(table, (compact) => this.write("compact a small table", compact));
    this.compactors = {
      state: compactor(tables.state),
      records: compactor(tables.records),
      syncState: compactor(tables.syncState),
      leases: compactor(tables.leases),
    };
  }

  /** Opens (or creates) the store in `options.dir`. */
  static async open(options: LanceChunkStoreOptions): Promise<LanceChunkStore> {
    if (!options.dir) {
      throw new StoreInputError("STORE_DIR_MISSING", "the LanceDB store needs a folder: set store.dir");
    }
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1) {
      throw new StoreInputError(
        "STORE_DIMENSIONS_INVALID",
        `dimensions must be a positive integer, got ${options.dimensions}`,
      );
    }
    checkStoreFolder(options.dir);
    const lance = await importOptional("lancedb", () => import("./lance-runtime.js"));
    const metadataCacheMb = options.metadataCacheMb ?? DEFAULT_METADATA_CACHE_MB;
    if (!(metadataCacheMb > 0)) {
      throw new StoreInputError(
        "STORE_CACHE_INVALID",
        `metadataCacheMb must be a positive number of megabytes, got ${metadataCacheMb}`,
      );
    }
    const chunkCacheEntries = options.chunkCacheEntries ?? DEFAULT_CHUNK_CACHE_ENTRIES;
    if (!Number.isInteger(chunkCacheEntries) || chunkCacheEntries < 0) {
      throw new StoreInputError(
        "STORE_CACHE_INVALID",
        `chunkCacheEntries must be a whole number of chunks (0 turns the cache off), got ${chunkCacheEntries}`,
      );
    }
    const recordCacheMb = options.recordCacheMb ?? DEFAULT_RECORD_CACHE_MB;
    if (!(recordCacheMb >= 0)) {
      throw new StoreInputError(
        "STORE_CACHE_INVALID",
        `recordCacheMb must be a number of megabytes (0 turns it off), got ${recordCacheMb}`,
      );
    }
    const tables = await lance.openTables(options.dir, options.dimensions, metadataCacheMb * 1_000_000);
    const store = new LanceChunkStore(
      lance,
      tables,
      options.dimensions,
      options.vectorIndexMinRows ?? DEFAULT_VECTOR_INDEX_MIN_ROWS,
      options.exactFilterMaxRecordIds ?? DEFAULT_EXACT_FILTER_MAX_RECORD_IDS,
      { ...DEFAULT_ANN_QUERY, ...options.annQuery },
      chunkCacheEntries,
      recordCacheMb,
    );
    try {
      await ensureSchemaVersion(options.dir, {
        read: () => store.getState(SCHEMA_STATE.scope, SCHEMA_STATE.key),
        hasData: async () => (await tables.chunks.countRows()) + (await tables.records.countRows()) > 0,
        write: (value) => store.putState(SCHEMA_STATE.scope, SCHEMA_STATE.key, value),
      });
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async upsert(chunks: readonly ChunkInput[]): Promise<void> {
    if (chunks.length === 0) return;
    for (const chunk of chunks) requireChunk(chunk, this.dimensions);
    // Two rows with one id in a single merge would both be inserted; keep the last.
    const rows = [...new Map(chunks.map((c) => [c.id, toChunkRow(c)])).values()];
    const data = this.lance.makeArrowTable(rows as unknown as Record<string, unknown>[], {
      schema: this.lance.chunksSchema(this.dimensions),
    });
    // The merge replaces the row of each id: the record it belonged to is the chunk's own only
    // when the id is chunkId() of the chunk's parts (types.ts asks for it, nothing enforced it).
    // An id given to another record or tenant changes a record this write cannot name, so the
    // caches then learn the new version at the next read and empty themselves.
    let touched: Map<string, Set<string>> | undefined = new Map();
    for (const chunk of chunks) {
      if (chunk.id !== chunkId(chunk)) {
        touched = undefined;
        break;
      }
      touched.set(chunk.tenant, (touched.get(chunk.tenant) ?? new Set()).add(chunk.recordId));
    }
    await this.writeChunks("upsert chunks", touched, () =>
      this.chunks.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data),
    );
  }

  async deleteByRecord(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    const inSync = syncWhere(tenant, syncId);
    const ids = requireIds(recordIds, "recordIds");
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      const slice = ids.slice(i, i + IDS_PER_STATEMENT);
      const where = sqlAnd(inSync, sqlIn("record_id", slice));
      await this.writeChunks("delete chunks", new Map([[tenant, new Set(slice)]]), () =>
        this.chunks.delete(where),
      );
    }
  }

  async deleteStaleChunks(tenant: string, syncId: string, current: readonly CurrentContent[]): Promise<void> {
    const inSync = syncWhere(tenant, syncId);
    const keep = new Map(
      current.map((c) => [requireId(c.recordId, "recordId"), requireId(c.contentHash, "contentHash")]),
    );
    const ids = [...keep.keys()];
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      const rows = (await this.read("find stale chunks", () =>
        this.chunks
          .query()
          .where(sqlAnd(inSync, sqlIn("record_id", ids.slice(i, i + IDS_PER_STATEMENT))))
          .select(["id", "record_id", "content_hash"])
          .toArray(),
      )) as Pick<ChunkRow, "id" | "record_id" | "content_hash">[];
      // Stale rows are picked in code, per record, so one record's current hash can never
      // delete another record's chunks.
      const staleRows = rows.filter((r) => keep.get(r.record_id) !== r.content_hash);
      for (let j = 0; j < staleRows.length; j += IDS_PER_STATEMENT) {
        const batch = staleRows.slice(j, j + IDS_PER_STATEMENT);
        const where = sqlAnd(
          inSync,
          sqlIn(
            "id",
            batch.map((r) => r.id),
          ),
        );
        const touched = new Map([[tenant, new Set(batch.map((r) => r.record_id))]]);
        await this.writeChunks("delete stale chunks", touched, () => this.chunks.delete(where));
      }
    }
  }

  async updateRecordMetadata(
    tenant: string,
    syncId: string,
    recordId: string,
    patch: Partial<ChunkMetadata>,
  ): Promise<void> {
    const where = sqlAnd(syncWhere(tenant, syncId), sqlEquals("record_id", requireId(recordId, "recordId")));
    const values = metadataPatchColumns(patch);
    if (Object.keys(values).length === 0) return;
    await this.writeChunks("update chunk metadata", new Map([[tenant, new Set([recordId])]]), () =>
      this.chunks.update({ where, values }),
    );
  }

  async search(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredChunk[]> {
    this.checkSearch(vector, options);
    const held = await this.searchHeld(vector, options);
    if (held) return held;
    const query = this.vectorQuery(vector, options, CHUNK_COLUMNS);
    if (!query) return [];
    const rows = chunkRowsOf(await this.read("search", () => query.toArrow()));
    options.signal?.throwIfAborted();
    return rows.map((row) => ({ chunk: fromChunkRow(row), score: 1 - (row._distance ?? 0) }));
  }

  async searchRefs(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredRef[]> {
    this.checkSearch(vector, options);
    const held = await this.searchHeld(vector, options);
    if (held) {
      return held.map(({ chunk, score }) => ({
        ref: { id: chunk.id, tenant: chunk.tenant, syncId: chunk.syncId, recordId: chunk.recordId },
        score,
      }));
    }
    const query = this.vectorQuery(vector, options, REF_COLUMNS);
    if (!query) return [];
    // Read by column, not as rows: a page of 150 candidates as Arrow row proxies cost ~0.3 ms of
    // the query's main thread on top of the search (bench/sifted-refs.ts world).
    const rows = refRowsOf(await this.read("search", () => query.withRowId().toArrow()));
    options.signal?.throwIfAborted();
    return rows.map((row) => ({ ref: this.rowHints.ref(row, options.tenant), score: 1 - row._distance }));
  }

  async readChunks(refs: readonly ChunkRef[], signal?: AbortSignal): Promise<Map<string, Chunk>> {
    if (refs.length === 0) return new Map();
    for (const ref of refs) requireChunkRef(ref);
    signal?.throwIfAborted();
    const chunks = await this.read("read chunks", () =>
      readThroughCache(this.chunks, refs, this.rowHints, this.chunkCache),
    );
    signal?.throwIfAborted();
    return chunks;
  }

  async holdsRecords(tenant: string, recordIds: readonly string[]): Promise<boolean> {
    requireTenant(tenant);
    if (!this.memory.mayHold(tenant, recordIds)) return false;
    const version = await this.read("read the table version", () => this.chunks.version());
    // Walked again: a load may have evicted some while the version was read.
    return this.memory.seen(version) && this.memory.mayHold(tenant, recordIds);
  }

  loadRecords(tenant: string, recordIds: readonly string[]): void {
    // A list too large to scan is never loaded: checked before its ids are, as it may be huge.
    if (!this.memory.enabled || this.closed || !this.memory.mayScan(recordIds)) return;
    // Called after a query answered, where a throw would be uncaught: a list naming an id no chunk
    // can have (empty, too long) is left to the table, never loaded.
    let ids: string[];
    try {
      requireTenant(tenant);
      ids = requireIds(recordIds, "recordIds");
    } catch {
      return;
    }
    // One load at a time, and few waiting: after a write empties the memory, each person's next
    // query asks for their list again, and loads side by side would each hold up to the scan
    // bound's rows at once. A list turned away is asked for again by a later query.
    if (this.waitingLoads >= MAX_WAITING_LOADS) return;
    this.waitingLoads += 1;
    const load = async () => {
      // After the caller's query: finding what is missing walks every id.
      await new Promise((resolve) => setImmediate(resolve));
      this.waitingLoads -= 1;
      if (!this.closed) await this.memory.load(this.chunks, tenant, ids);
    };
    this.loads = this.track(this.loads.then(load)).catch(() => undefined);
  }

  /**
   * The search answered from memory when every record of its filter is held at the table's
   * current version (an exact scan); undefined when it must go to the table.
   */
  private async searchHeld(
    vector: readonly number[] | Float32Array,
    options: SearchOptions,
  ): Promise<ScoredChunk[] | undefined> {
    const { recordIds } = options;
    if (!recordIds || !this.memory.holdsAny(options.tenant)) return undefined;
    options.signal?.throwIfAborted();
    const version = await this.read("read the table version", () => this.chunks.version());
    this.memory.seen(version);
    // Ids are not checked here as the table's filter checks them: only ids stored before are held,
    // and a filter naming any other (or none) is not held, so it goes to the table and its checks.
    return this.memory.search(vector, { ...options, recordIds });
  }

  /** Refuses a page or a vector no search can take, whichever answers it (memory or the table). */
  private checkSearch(vector: readonly number[] | Float32Array, options: SearchOptions): void {
    requirePage(options.limit, options.offset ?? 0);
    requireVector(vector, this.dimensions);
  }

  /** The search for `options` reading `columns`, or undefined when its filter matches nothing. */
  private vectorQuery(
    vector: readonly number[] | Float32Array,
    options: SearchOptions,
    columns: readonly string[],
  ): VectorQuery | undefined {
    const offset = options.offset ?? 0;
    const where = chunkFilter(options);
    if (where === undefined) return undefined;
    options.signal?.throwIfAborted();
    const query = this.chunks
      .vectorSearch(Float32Array.from(vector))
      .distanceType("cosine")
      .where(where)
      .select([...columns, "_distance"])
      .limit(options.limit)
      .offset(offset);
    if (options.recordIds && options.recordIds.length <= this.exactFilterMaxRecordIds) {
      return query.bypassVectorIndex();
    }
    return this.lance.tuneAnnQuery(query, this.annQuery, options.limit + offset, {
      rerank: options.approximate !== true,
    });
  }

  async count(filter: ChunkFilter): Promise<number> {
    const where = chunkFilter(filter);
    if (where === undefined) return 0;
    return this.read("count", () => this.chunks.countRows(where));
  }

  recordVersions(tenant: string, syncId: string): AsyncIterable<RecordVersion> {
    return this.state.recordVersions(tenant, syncId);
  }
  getRecordVersions(
    tenant: string,
    syncId: string,
    recordIds: readonly string[],
  ): Promise<Map<string, RecordVersion>> {
    return this.read("read record versions", () => this.state.getRecordVersions(tenant, syncId, recordIds));
  }
  putRecordVersions(versions: readonly RecordVersion[]): Promise<void> {
    return this.writeSmall("records", "write record versions", () => this.state.putRecordVersions(versions));
  }
  deleteRecordVersions(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    return this.writeSmall("records", "delete record versions", () =>
      this.state.deleteRecordVersions(tenant, syncId, recordIds),
    );
  }
  getSyncState(tenant: string, syncId: string): Promise<SyncState | undefined> {
    return this.read("read sync state", () => this.state.getSyncState(tenant, syncId));
  }
  putSyncState(tenant: string, syncId: string, state: SyncState): Promise<void> {
    return this.writeSmall("syncState", "write sync state", () =>
      this.state.putSyncState(tenant, syncId, state),
    );
  }
  async deleteSync(tenant: string, syncId: string): Promise<void> {
    const where = syncWhere(tenant, syncId);
    await this.writeChunks("delete a sync's chunks", new Map([[tenant, "all" as const]]), () =>
      this.chunks.delete(where),
    );
    await this.writeSmall("records", "delete a sync's state", () => this.state.deleteSync(tenant, syncId));
    this.compactors.syncState.wrote();
  }
  getState(scope: string, key: string): Promise<string | undefined> {
    return this.read("read state", () => this.state.getState(scope, key));
  }
  putState(scope: string, key: string, value: string): Promise<void> {
    return this.writeSmall("state", "write state", () => this.state.putState(scope, key, value));
  }
  deleteState(scope: string, key: string): Promise<void> {
    return this.writeSmall("state", "delete state", () => this.state.deleteState(scope, key));
  }
  listState(scope: string): Promise<Map<string, string>> {
    return this.read("list state", () => this.state.listState(scope));
  }
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.track(this.state.acquireLease(name, holder, ttlMs));
  }
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.track(this.state.renewLease(name, holder, ttlMs));
  }
  releaseLease(name: string, holder: string): Promise<void> {
    return this.track(this.state.releaseLease(name, holder));
  }

  /**
   * Builds missing scalar indexes, the vector index once the table is large enough, and compacts
   * every table (the small ones are also compacted in the background as they are written).
   */
  async optimize(): Promise<void> {
    await this.write("optimize", () => this.lance.maintainIndexes(this.chunks, this.vectorIndexMinRows));
    for (const compactor of Object.values(this.compactors)) await compactor.compactNow();
  }

  /**
   * Waits for the calls already in flight (a background write, such as learned allow rates, may
   * still be committing), then closes the tables; later calls fail.
   */
  async close(): Promise<void> {
    // No record load starts from now on (one waiting skips); those running are waited for.
    this.closed = true;
    // A write settling can start a background compaction: wait until nothing is left.
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    this.chunkCache.clear();
    this.memory.clear();
    const { chunks, records, syncState, leases, state } = this.tables;
    for (const table of [chunks, records, syncState, leases, state]) table.close();
    this.tables.db.close();
  }

  /**
   * Runs a write, retrying LanceDB's optimistic-concurrency conflicts: two writers (a cron run and a
   * webhook batch, or two processes) committing at once make one of them retry, and every write here
   * is idempotent (merge-inserts, deletes by filter, conditional lease writes, compaction).
   */
  private write<T>(what: string, run: () => Promise<T>): Promise<T> {
    return this.track(this.retrying(what, run));
  }

  /**
   * A write to the chunks table that changes only the `touched` records of each tenant ("all": any
   * of its records). When it made the version right after the one the chunk cache and the record
   * memory answer for, nothing else changed in between: they drop only those records and answer
   * for the new version. A process's own ingest then empties neither for every tenant; any other
   * change (another process, a compaction) still does, at the next read. Without `touched` (the
   * records changed are not known) neither is told: both empty at the next read.
   */
  private async writeChunks(
    what: string,
    touched: ReadonlyMap<string, ReadonlySet<string> | "all"> | undefined,
    run: () => Promise<{ version: number }>,
  ): Promise<void> {
    const { version } = await this.write(what, run);
    if (!touched) return;
    this.memory.wrote(version, touched);
    this.chunkCache.wrote(version, touched);
  }

  /** A write to one of the row-by-row tables, counted toward its next background compaction. */
  private async writeSmall<T>(table: SmallTable, what: string, run: () => Promise<T>): Promise<T> {
    const result = await this.write(what, run);
    this.compactors[table].wrote();
    return result;
  }

  private async retrying<T>(what: string, run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (cause) {
        if (cause instanceof StoreInputError) throw cause;
        const message = (cause as Error).message ?? String(cause);
        if (attempt < WRITE_ATTEMPTS && /commit conflict|retryable/i.test(message)) {
          await sleep(20 * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        throw new StoreError("STORE_WRITE_FAILED", `LanceDB ${what} failed: ${message}`, { cause });
      }
    }
  }

  private read<T>(what: string, run: () => Promise<T>): Promise<T> {
    return this.track(
      run().catch((cause: unknown) => {
        if (cause instanceof StoreInputError) throw cause;
        throw new StoreError("STORE_READ_FAILED", `LanceDB ${what} failed: ${(cause as Error).message}`, {
          cause,
        });
      }),
    );
  }

  /** Remembers a call until it settles, so `close()` can let it finish first. */
  private track<T>(call: Promise<T>): Promise<T> {
    this.inflight.add(call);
    const forget = () => this.inflight.delete(call);
    call.then(forget, forget);
    return call;
  }
}

/** The chunks of one tenant's sync. */
function syncWhere(tenant: string, syncId: string): string {
  return sqlAnd(
    sqlEquals("tenant", requireTenant(tenant)),
    sqlEquals("sync_id", requireId(syncId, "syncId")),
  );
}

/** The `where` clause for a filter, or undefined when it can match nothing (an empty id set). */
function chunkFilter(filter: ChunkFilter): string | undefined {
  const checked = requireFilter(filter);
  if (!checked) return undefined;
  const conditions = [sqlEquals("tenant", checked.tenant)];
  if (checked.recordIds) conditions.push(sqlIn("record_id", checked.recordIds));
  if (checked.syncIds) conditions.push(sqlIn("sync_id", checked.syncIds));
  return sqlAnd(...conditions);
}
