import type { Table } from "@lancedb/lancedb";
import { importOptional } from "../../optional-dependency.js";
import { requireChunkRef, requirePage, requireVector } from "../guards.js";
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
import { chunkRowsOf, distancesOf } from "./arrow-rows.js";
import { ChunkChangeLog } from "./change-log.js";
import { ChunkCache, readThroughCache } from "./chunk-cache.js";
import { REF_COLUMNS, RowHints, refRowsOf } from "./chunk-refs.js";
import { ChunkWrites } from "./chunk-writes.js";
import { CHUNK_COLUMNS } from "./columns.js";
import { HeldRecords } from "./held-records.js";
import { RecordMemory } from "./record-memory.js";
import { fromChunkRow } from "./rows.js";
import { SmallTables } from "./small-tables.js";
import {
  type CacheSizes,
  cacheSizesOf,
  type LanceChunkStoreOptions,
  requireStoreLocation,
  type SearchTuning,
  searchTuningOf,
} from "./store-options.js";
import { TableCalls } from "./table-calls.js";
import type { LanceTables } from "./tables.js";
import { chunkFilter, vectorQuery, warmIndexes } from "./vector-query.js";

export type { LanceChunkStoreOptions } from "./store-options.js";

/** LanceDB, Arrow and the code that needs them: loaded by the first `open()`. */
type LanceRuntime = typeof import("./lance-runtime.js");

/**
 * The embedded default `ChunkStore`: LanceDB tables `chunks`, `records`, `sync_state`, `state` and
 * `leases` in one folder. Filters always run before the vector ranking (LanceDB's prefilter).
 *
 * @example const store = await LanceChunkStore.open({ dir: ".clearance/store", dimensions: 384 });
 */
export class LanceChunkStore implements ChunkStore {
  private readonly chunks: Table;
  // Calls not settled yet, which close() waits for: all made through `calls` (table-calls.ts), record loads.
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly calls = new TableCalls(this.inflight);
  // Where searchRefs last saw each ref's row, so readChunks can take it by row id.
  private readonly rowHints = new RowHints();
  // The chunks readChunks read lately, valid for the table version they were read at (chunk-cache.ts).
  private readonly chunkCache: ChunkCache;
  // Records' chunks and vectors for searches filtered to them, valid at one table version (record-memory.ts).
  private readonly memory: RecordMemory;
  // Whether a list is held, the loads into the memory and searches of what it holds (held-records.ts).
  private readonly held: HeldRecords;
  // The chunks table's writes, each telling both caches what it touched (chunk-writes.ts).
  private readonly writes: ChunkWrites;
  // What each write touched, for the other stores on the folder, and theirs for this one (change-log.ts).
  private readonly changes: ChunkChangeLog;
  // Record versions, sync state, named state and leases, with their compactions (small-tables.ts).
  private readonly small: SmallTables;

  private constructor(
    private readonly lance: LanceRuntime,
    private readonly tables: LanceTables,
    readonly dimensions: number,
    private readonly tuning: SearchTuning,
    caches: CacheSizes,
  ) {
    this.chunks = tables.chunks;
    this.chunkCache = new ChunkCache(caches.chunkCacheEntries);
    this.memory = new RecordMemory(caches.recordCacheMb * 1_000_000, dimensions, caches.recordScanMaxValues);
    this.small = new SmallTables(tables, this.calls);
    this.changes = new ChunkChangeLog(this, [this.chunkCache, this.memory], {
      opened: tables.chunksId,
      current: () => this.calls.read("read the table id", () => lance.tableIdOf(this.chunks)),
    });
    this.held = new HeldRecords(this.chunks, this.memory, this.calls, () => this.learnVersion());
    this.writes = new ChunkWrites(lance, this.chunks, dimensions, this.calls, this.changes);
  }

  /** Opens (or creates) the store in `options.dir`. */
  static async open(options: LanceChunkStoreOptions): Promise<LanceChunkStore> {
    requireStoreLocation(options);
    const lance = await importOptional("lancedb", () => import("./lance-runtime.js"));
    const caches = cacheSizesOf(options);
    const tables = await lance.openTables(
      options.dir,
      options.dimensions,
      caches.metadataCacheMb * 1_000_000,
    );
    const store = new LanceChunkStore(lance, tables, options.dimensions, searchTuningOf(options), caches);
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

  upsert(chunks: readonly ChunkInput[]): Promise<void> {
    return this.writes.upsert(chunks);
  }
  deleteByRecord(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    return this.writes.deleteByRecord(tenant, syncId, recordIds);
  }
  deleteStaleChunks(tenant: string, syncId: string, current: readonly CurrentContent[]): Promise<void> {
    return this.writes.deleteStaleChunks(tenant, syncId, current);
  }
  updateRecordMetadata(
    tenant: string,
    syncId: string,
    recordId: string,
    patch: Partial<ChunkMetadata>,
  ): Promise<void> {
    return this.writes.updateRecordMetadata(tenant, syncId, recordId, patch);
  }

  async search(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredChunk[]> {
    this.checkSearch(vector, options);
    const held = await this.held.search(vector, options);
    if (held) return held;
    const query = vectorQuery(this.chunks, this.lance, this.tuning, vector, options, CHUNK_COLUMNS);
    if (!query) return [];
    const result = await this.calls.read("search", () => query.toArrow());
    const distances = distancesOf(result);
    options.signal?.throwIfAborted();
    return chunkRowsOf(result).map((row, i) => ({ chunk: fromChunkRow(row), score: 1 - distances[i]! }));
  }

  async searchRefs(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredRef[]> {
    this.checkSearch(vector, options);
    const held = await this.held.search(vector, options);
    if (held) {
      return held.map(({ chunk, score }) => ({
        ref: { id: chunk.id, tenant: chunk.tenant, syncId: chunk.syncId, recordId: chunk.recordId },
        score,
      }));
    }
    const query = vectorQuery(this.chunks, this.lance, this.tuning, vector, options, REF_COLUMNS);
    if (!query) return [];
    // Read by column, not as rows: a page of 150 candidates as Arrow row proxies cost ~0.3 ms of
    // the query's main thread on top of the search (bench/sifted-refs.ts world).
    const rows = refRowsOf(await this.calls.read("search", () => query.withRowId().toArrow()));
    options.signal?.throwIfAborted();
    return rows.map((row) => ({ ref: this.rowHints.ref(row, options.tenant), score: 1 - row._distance }));
  }

  async readChunks(refs: readonly ChunkRef[], signal?: AbortSignal): Promise<Map<string, Chunk>> {
    if (refs.length === 0) return new Map();
    for (const ref of refs) requireChunkRef(ref);
    signal?.throwIfAborted();
    const chunks = await this.calls.read("read chunks", () =>
      readThroughCache(this.chunks, refs, this.rowHints, this.chunkCache, () => this.learnVersion()),
    );
    signal?.throwIfAborted();
    return chunks;
  }

  holdsRecords(tenant: string, recordIds: readonly string[]): Promise<boolean> {
    return this.held.holds(tenant, recordIds);
  }

  loadRecords(tenant: string, recordIds: readonly string[]): void {
    this.held.load(tenant, recordIds);
  }

  /** Refuses a page or a vector no search can take, whichever answers it (memory or the table). */
  private checkSearch(vector: readonly number[] | Float32Array, options: SearchOptions): void {
    requirePage(options.limit, options.offset ?? 0);
    requireVector(vector, this.dimensions);
  }

  async count(filter: ChunkFilter): Promise<number> {
    const where = chunkFilter(filter);
    if (where === undefined) return 0;
    return this.calls.read("count", () => this.chunks.countRows(where));
  }

  recordVersions(tenant: string, syncId: string): AsyncIterable<RecordVersion> {
    return this.small.recordVersions(tenant, syncId);
  }
  getRecordVersions(
    tenant: string,
    syncId: string,
    recordIds: readonly string[],
  ): Promise<Map<string, RecordVersion>> {
    return this.small.getRecordVersions(tenant, syncId, recordIds);
  }
  putRecordVersions(versions: readonly RecordVersion[]): Promise<void> {
    return this.small.putRecordVersions(versions);
  }
  deleteRecordVersions(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    return this.small.deleteRecordVersions(tenant, syncId, recordIds);
  }
  getSyncState(tenant: string, syncId: string): Promise<SyncState | undefined> {
    return this.small.getSyncState(tenant, syncId);
  }
  putSyncState(tenant: string, syncId: string, state: SyncState): Promise<void> {
    return this.small.putSyncState(tenant, syncId, state);
  }
  async deleteSync(tenant: string, syncId: string): Promise<void> {
    await this.writes.deleteSync(tenant, syncId);
    await this.small.deleteSync(tenant, syncId);
  }
  getState(scope: string, key: string): Promise<string | undefined> {
    return this.small.getState(scope, key);
  }
  putState(scope: string, key: string, value: string): Promise<void> {
    return this.small.putState(scope, key, value);
  }
  deleteState(scope: string, key: string): Promise<void> {
    return this.small.deleteState(scope, key);
  }
  listState(scope: string): Promise<Map<string, string>> {
    return this.small.listState(scope);
  }
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.small.acquireLease(name, holder, ttlMs);
  }
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.small.renewLease(name, holder, ttlMs);
  }
  releaseLease(name: string, holder: string): Promise<void> {
    return this.small.releaseLease(name, holder);
  }

  /**
   * The chunks table's current version, once both caches followed the writes logged since the
   * version they answer for (change-log.ts); they empty on learning it when one is not logged.
   */
  private async learnVersion(): Promise<number> {
    const version = await this.calls.read("read the table version", () => this.chunks.version());
    await this.changes.follow(version);
    return version;
  }

  /** Loads the chunks table's indexes before the first search needs them (see {@link warmIndexes}). */
  async warmUp(): Promise<void> {
    await this.calls.read("warm up the indexes", () =>
      warmIndexes(this.chunks, this.lance, this.tuning, this.dimensions),
    );
  }

  /**
   * Builds missing scalar indexes, the vector index once the table is large enough, and compacts
   * every table (the small ones are also compacted in the background as they are written).
   */
  async optimize(): Promise<void> {
    await this.calls.write("optimize", () =>
      this.lance.maintainIndexes(this.chunks, this.tuning.vectorIndexMinRows),
    );
    await this.small.compactNow();
  }

  /**
   * Waits for the calls already in flight (a background write, such as learned allow rates, may
   * still be committing), then closes the tables; later calls fail.
   */
  async close(): Promise<void> {
    // No record load starts from now on (one waiting skips); those running are waited for.
    this.held.close();
    // A write settling can start a background compaction: wait until nothing is left.
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    this.chunkCache.clear();
    this.memory.clear();
    const { chunks, records, syncState, leases, state } = this.tables;
    for (const table of [chunks, records, syncState, leases, state]) table.close();
    this.tables.db.close();
  }
}
