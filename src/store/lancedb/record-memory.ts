// Records' chunks held in memory, vectors included, so that a search filtered to a person's allow
// list is an exact scan of those vectors instead of a prefilter over the ANN index. A 10 % reader
// of 100k chunks keeps 10k of them: scanning their 384-dim vectors costs ~0.5 ms (vector-arena.ts), where the index
// answers such a list through a 150-candidate page sifted by it (6–7 ms) plus a read of the kept
// chunks (1.5–3 ms), with an approximate order. Like chunk-cache.ts, what is held answers only at
// the chunks table version it was read at: any other version empties it, save one made by a write
// that says what it touched (this store's own, or another store's logged one: change-log.ts),
// which drops only the records that write touched (`wrote`).
import { createHash } from "node:crypto";
import type { Table } from "@lancedb/lancedb";
import { StoreError } from "../errors.js";
import type { Chunk, ScoredChunk, SearchOptions } from "../types.js";
import { CacheVersion, type TouchedRecords } from "./cache-version.js";
import { DEFAULT_RECORD_SCAN_MAX_VALUES } from "./index-settings.js";
import { readRecordChunks } from "./record-rows.js";
import { copyChunk } from "./rows.js";
import { TopScores } from "./top-scores.js";
import { VectorArena } from "./vector-arena.js";
import { cosines, type HeldRecord, pooled, type VectorPool } from "./vector-pool.js";

/** Records' chunks and vectors, least recently used loads first out, all read at one table version. */
export class RecordMemory {
  // By tenant, then record id: a search of 2,500 records looks each up without building a key.
  private readonly tenants = new Map<string, Map<string, HeldRecord>>();
  private readonly pools = new Set<VectorPool>();
  // Lists turned away at the version memory answers for (too many chunks to scan, or too large to
  // keep), by listKey: asked for again by each of their person's queries, they would be read again.
  private readonly refused = new Set<string>();
  private bytes = 0;
  private tick = 0;
  private readonly version = new CacheVersion();
  // The held vectors, and the scan over them (vector-arena.ts).
  private readonly arena: VectorArena;

  /**
   * `maxScannedValues`: the most vector values (chunks × dimensions) one search scans; a list with
   * more goes to the index (see {@link DEFAULT_RECORD_SCAN_MAX_VALUES}).
   */
  constructor(
    private readonly maxBytes: number,
    private readonly dimensions: number,
    private readonly maxScannedValues = DEFAULT_RECORD_SCAN_MAX_VALUES,
  ) {
    this.arena = new VectorArena(dimensions, this.maxChunks);
  }

  /** False when sized 0: searches go to the table, nothing is loaded. */
  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** Bytes held (estimated: vectors, strings and a fixed overhead per chunk). */
  get size(): number {
    return this.bytes;
  }

  /** The table version its records answer for; undefined before the first read. */
  get answersFor(): number | undefined {
    return this.version.value;
  }

  /**
   * Makes `version` the one memory answers for: a different version than the held records were
   * read at drops them all (the table changed, any of them may have); false then.
   */
  seen(version: number): boolean {
    if (this.version.see(version)) return true;
    this.empty();
    return false;
  }

  /** A write made `version` and touched these records (this store's own, or a logged one: {@link CacheVersion.followWrite}): drops them. */
  wrote(version: number, touched: TouchedRecords): void {
    if (!this.version.followWrite(version)) return;
    const emptied = new Set<VectorPool>();
    for (const [tenant, recordIds] of touched) {
      const records = this.tenants.get(tenant);
      if (!records) continue;
      for (const recordId of recordIds === "all" ? [...records.keys()] : recordIds) {
        const pool = records.get(recordId)?.pool;
        if (!pool) continue;
        pool.recordIds.delete(recordId);
        records.delete(recordId);
        if (pool.recordIds.size === 0) emptied.add(pool);
      }
      if (records.size === 0) this.tenants.delete(tenant);
    }
    // A load whose every record was dropped answers nothing: its block and bytes are given back
    // now, not when it is the least recently searched (ingest touching lists would otherwise
    // push out the lists still held).
    for (const pool of emptied) this.release(pool);
    if (emptied.size > 0) this.arena.trim();
    // A list turned away may fit now.
    this.refused.clear();
  }

  /** Whether anything of the tenant is held: when not, a search need not learn the table's version. */
  holdsAny(tenant: string): boolean {
    return this.tenants.has(tenant);
  }

  /**
   * Whether every record was held at the last version seen, with few enough chunks to scan (see
   * `maxScannedValues`); says nothing about the current version.
   */
  mayHold(tenant: string, recordIds: readonly string[]): boolean {
    return this.scanned(tenant, recordIds, false) !== undefined;
  }

  /** Whether these records could be held and scanned at all (each has a chunk at least). */
  mayScan(recordIds: readonly string[]): boolean {
    return recordIds.length * this.dimensions <= this.scanValues;
  }

  /**
   * Loads the list's records that are not held (the store runs one load at a time), read from `table` after
   * learning its version (a record without chunks is held as such). Nothing is kept if the table
   * moved on meanwhile, or if the list would have more chunks than a search scans (it could never
   * be searched here), or if its records alone would fill more than half the memory (they would
   * only push out what others search). Such a list is read at most once per version, and never
   * more than the scan bound's rows of it: a few records of long documents can hold far more.
   */
  async load(
    table: Table,
    tenant: string,
    list: readonly string[],
    learnVersion: () => Promise<number> = () => table.version(),
  ): Promise<void> {
    // The version first: a refusal or a held record of an older one says nothing of this one.
    const version = await learnVersion();
    this.seen(Math.max(version, this.version.value ?? version));
    const key = listKey(tenant, list);
    if (!this.version.is(version) || this.refused.has(key)) return;
    const records = this.tenants.get(tenant);
    let heldChunks = 0;
    const recordIds: string[] = [];
    // Each id once: a repeat would be written to the pool twice, past the block sized for it.
    for (const recordId of new Set(list)) {
      const record = records?.get(recordId);
      if (record) heldChunks += record.chunks.length;
      else recordIds.push(recordId);
    }
    if (recordIds.length === 0) return;
    const { byRecord, overflow } = await readRecordChunks(
      table,
      tenant,
      recordIds,
      this.maxChunks - heldChunks,
    );
    // A search may have seen a newer version meanwhile: these rows may predate it.
    if (!this.version.is(version)) return;
    if (overflow) {
      this.refused.add(key);
      return;
    }
    let loaded: ReturnType<typeof pooled>;
    try {
      loaded = pooled(this.arena, tenant, this.dimensions, recordIds, byRecord);
    } catch (error) {
      // The arena could not grow (its 4 GiB, or the host's pages): turned away like a list too large.
      if (!(error instanceof StoreError && error.code === "RECORD_MEMORY_FULL")) throw error;
      this.refused.add(key);
      return;
    }
    if (loaded.pool.bytes > this.maxBytes / 2) {
      this.arena.free(loaded.pool.block);
      this.refused.add(key);
      return;
    }
    this.put(tenant, loaded.pool, loaded.records);
  }

  /**
   * The exact best chunks of the held records matching `options` (tenant, record ids, syncs),
   * by cosine similarity as the table's search scores them; undefined unless every record is held
   * and their chunks are few enough to scan (the table must answer then).
   */
  search(
    vector: readonly number[] | Float32Array,
    options: SearchOptions & { recordIds: readonly string[] },
  ): ScoredChunk[] | undefined {
    const held = this.scanned(options.tenant, options.recordIds, true);
    if (!held) return undefined;
    const offset = options.offset ?? 0;
    const top = new TopScores<Chunk>(offset + options.limit);
    const syncs = options.syncIds ? new Set(options.syncIds) : undefined;
    let squares = 0;
    for (const x of vector) squares += x * x;
    const scores = cosines(this.arena, vector, Math.sqrt(squares) || 1, held);
    let at = 0;
    for (const record of held) {
      for (const chunk of record.chunks) {
        const score = scores[at++] as number;
        if (syncs && !syncs.has(chunk.syncId)) continue;
        top.offer(score, chunk, chunk.id);
      }
    }
    return top
      .best()
      .slice(offset)
      .map(({ item, score }) => ({ chunk: copyChunk(item), score }));
  }

  /**
   * The distinct held records named, or undefined if one is not held or together they hold more
   * chunks than a scan may take. `touch` marks them used now (a search, for eviction).
   */
  private scanned(tenant: string, recordIds: readonly string[], touch: boolean): HeldRecord[] | undefined {
    const records = this.tenants.get(tenant);
    if (!records || recordIds.length === 0) return undefined;
    const maxChunks = this.maxChunks;
    const distinct = new Set<HeldRecord>();
    let chunks = 0;
    for (const recordId of recordIds) {
      const record = records.get(recordId);
      if (!record) return undefined;
      if (distinct.has(record)) continue;
      distinct.add(record);
      chunks += record.chunks.length;
      if (chunks > maxChunks) return undefined;
    }
    if (touch) {
      const used = ++this.tick;
      for (const record of distinct) record.pool.used = used;
    }
    return [...distinct];
  }

  clear(): void {
    this.empty();
    this.version.reset();
  }

  private empty(): void {
    this.tenants.clear();
    this.pools.clear();
    this.arena.reset();
    this.refused.clear();
    this.bytes = 0;
  }

  // The most chunks one search scans (see maxScannedValues).
  private get maxChunks(): number {
    return Math.floor(this.scanValues / this.dimensions);
  }

  // The scan bound, cut to the vector values (4 bytes each) that fit in half the memory: no list
  // past that is ever kept, and a bound set far above it would have each load read such a list
  // whole (gigabytes) before refusing it.
  private get scanValues(): number {
    return Math.min(this.maxScannedValues, Math.floor(this.maxBytes / 2 / 4));
  }

  private put(tenant: string, pool: VectorPool, loaded: ReadonlyMap<string, HeldRecord>): void {
    const records = this.tenants.get(tenant) ?? new Map<string, HeldRecord>();
    this.tenants.set(tenant, records);
    for (const [recordId, record] of loaded) {
      // Loads skip held records, so this is rare: the older copy's pool no longer answers for it.
      const older = records.get(recordId)?.pool;
      older?.recordIds.delete(recordId);
      records.set(recordId, record);
      if (older?.recordIds.size === 0) this.release(older);
    }
    pool.used = ++this.tick;
    this.pools.add(pool);
    this.bytes += pool.bytes;
    if (this.bytes > this.maxBytes) this.evict();
  }

  /** Drops the least recently searched loads until a tenth of the bound is free (evicting in bulk). */
  private evict(): void {
    const oldestFirst = [...this.pools].sort((a, b) => a.used - b.used);
    for (const pool of oldestFirst) {
      if (this.bytes <= this.maxBytes * 0.9) break;
      this.release(pool);
    }
    this.arena.trim();
  }

  /** Lets one load go: its records, its block of the arena, its bytes. */
  private release(pool: VectorPool): void {
    if (!this.pools.delete(pool)) return;
    const records = this.tenants.get(pool.tenant);
    for (const recordId of pool.recordIds) {
      if (records?.get(recordId)?.pool === pool) records.delete(recordId);
    }
    if (records?.size === 0) this.tenants.delete(pool.tenant);
    this.arena.free(pool.block);
    this.bytes -= pool.bytes;
  }
}

/** A list's identity for {@link RecordMemory.load}'s refusals: its tenant and ids, hashed (a list may hold 20k ids). */
function listKey(tenant: string, recordIds: readonly string[]): string {
  const hash = createHash("sha1").update(tenant);
  for (const recordId of recordIds) hash.update("\0").update(recordId);
  return hash.digest("base64");
}
