// Records' chunks held in memory, vectors included, so that a search filtered to a person's allow
// list is an exact scan of those vectors instead of a prefilter over the ANN index. A 10 % reader
// of 100k chunks keeps 10k of them: scanning their 384-dim vectors costs ~2.5 ms, where the index
// answers such a list through a 150-candidate page sifted by it (6–7 ms) plus a read of the kept
// chunks (1.5–3 ms), with an approximate order. Like chunk-cache.ts, what is held answers only at
// the chunks table version it was read at: any write, by this process or another, empties it.
import { createHash } from "node:crypto";
import type { Table } from "@lancedb/lancedb";
import type { Chunk, ScoredChunk, SearchOptions } from "../types.js";
import { CHUNK_COLUMNS, rowKey } from "./columns.js";
import { type ChunkRow, fromChunkRow } from "./rows.js";
import { sqlAnd, sqlEquals, sqlIn } from "./sql.js";
import { TopScores } from "./top-scores.js";

/** One record's chunks (of every sync that has a record of that id), with their vectors side by side. */
interface HeldRecord {
  chunks: Chunk[];
  /** chunks.length × dimensions, row by row. */
  vectors: Float32Array;
  norms: Float32Array;
  bytes: number;
  /** When a search last read it (a tick of {@link RecordMemory}), for evicting the least recently used. */
  used: number;
}

// What a held chunk costs beyond its vector and strings: the objects and the map entries.
const CHUNK_OVERHEAD_BYTES = 400;

/**
 * The most vector values (chunks × dimensions) a search scans in memory: 8M, ~8 ms on this
 * project's 2-core test machine, about what the index path costs such a list (a 150-candidate page
 * sifted by it, then the kept chunks read). A larger list goes to the index, however much is held:
 * 20k chunks at 384 dims, 5k at 1,536.
 */
export const MAX_SCANNED_VALUES = 8_000_000;

// Record ids per read when loading; bounds one IN list.
const IDS_PER_LOAD = 5_000;

/** Records' chunks and vectors, least recently used first out, all read at one table version. */
export class RecordMemory {
  // By tenant, then record id: a search of 2,500 records looks each up without building a key.
  private readonly tenants = new Map<string, Map<string, HeldRecord>>();
  private readonly loading = new Set<string>();
  // Lists turned away at the version memory answers for (too many chunks to scan, or too large to
  // keep), by listKey: asked for again by each of their person's queries, they would be read again.
  private readonly refused = new Set<string>();
  private bytes = 0;
  private tick = 0;
  private version: number | undefined;

  constructor(
    private readonly maxBytes: number,
    private readonly dimensions: number,
  ) {}

  /** False when sized 0: searches go to the table, nothing is loaded. */
  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** Bytes held (estimated: vectors, strings and a fixed overhead per chunk). */
  get size(): number {
    return this.bytes;
  }

  /**
   * Makes `version` the one memory answers for: a different version than the held records were
   * read at drops them all (the table changed, any of them may have).
   */
  seen(version: number): void {
    if (version === this.version) return;
    this.tenants.clear();
    this.refused.clear();
    this.bytes = 0;
    this.version = version;
  }

  /** Whether anything of the tenant is held: when not, a search need not learn the table's version. */
  holdsAny(tenant: string): boolean {
    return this.tenants.has(tenant);
  }

  /**
   * Whether every record was held at the last version seen, with few enough chunks to scan (see
   * {@link MAX_SCANNED_VALUES}); says nothing about the current version.
   */
  mayHold(tenant: string, recordIds: readonly string[]): boolean {
    return this.scanned(tenant, recordIds, false) !== undefined;
  }

  /** Whether these records could be held and scanned at all (each has a chunk at least). */
  mayScan(recordIds: readonly string[]): boolean {
    return recordIds.length * this.dimensions <= MAX_SCANNED_VALUES;
  }

  /** Whether every record is held at `version` (the table's current one). */
  holds(tenant: string, recordIds: readonly string[], version: number): boolean {
    return version === this.version && this.mayHold(tenant, recordIds);
  }

  /**
   * Loads the list's records that are neither held nor being loaded, read from `table` after
   * learning its version (a record without chunks is held as such). Nothing is kept if the table
   * moved on meanwhile, or if the list would have more chunks than a search scans (it could never
   * be searched here), or if its records alone would fill more than half the memory (they would
   * only push out what others search). Such a list is read at most once per version, and never
   * more than the scan bound's rows of it: a few records of long documents can hold far more.
   */
  async load(table: Table, tenant: string, list: readonly string[]): Promise<void> {
    // The version first: a refusal or a held record of an older one says nothing of this one.
    const version = await table.version();
    this.seen(Math.max(version, this.version ?? version));
    const key = listKey(tenant, list);
    if (version !== this.version || this.refused.has(key)) return;
    const records = this.tenants.get(tenant);
    let heldChunks = 0;
    const recordIds: string[] = [];
    for (const recordId of list) {
      const record = records?.get(recordId);
      if (record) heldChunks += record.chunks.length;
      else if (!this.loading.has(rowKey(tenant, recordId))) recordIds.push(recordId);
    }
    if (recordIds.length === 0) return;
    const maxChunks = this.maxChunks - heldChunks;
    const keys = recordIds.map((recordId) => rowKey(tenant, recordId));
    for (const loadingKey of keys) this.loading.add(loadingKey);
    try {
      const rows: (ChunkRow & { vector: { toArray(): Float32Array } })[] = [];
      for (let i = 0; i < recordIds.length && rows.length <= maxChunks; i += IDS_PER_LOAD) {
        const where = sqlAnd(
          sqlEquals("tenant", tenant),
          sqlIn("record_id", recordIds.slice(i, i + IDS_PER_LOAD)),
        );
        const read = await table
          .query()
          .where(where)
          .select([...CHUNK_COLUMNS, "vector"])
          .limit(Math.max(1, maxChunks + 1 - rows.length))
          .toArray();
        rows.push(...(read as typeof rows));
      }
      // A search may have seen a newer version meanwhile: these rows may predate it.
      if (version !== this.version) return;
      if (rows.length > maxChunks) {
        this.refused.add(key);
        return;
      }
      const byRecord = new Map<string, HeldRecord>(recordIds.map((recordId) => [recordId, this.empty()]));
      const grouped = new Map<string, { chunk: Chunk; vector: Float32Array }[]>();
      for (const row of rows) {
        const chunks = grouped.get(row.record_id) ?? [];
        chunks.push({ chunk: fromChunkRow(row), vector: row.vector.toArray() });
        grouped.set(row.record_id, chunks);
      }
      for (const [recordId, chunks] of grouped) byRecord.set(recordId, this.held(chunks));
      const bytes = [...byRecord.values()].reduce((sum, record) => sum + record.bytes, 0);
      if (bytes > this.maxBytes / 2) {
        this.refused.add(key);
        return;
      }
      this.put(tenant, byRecord);
    } finally {
      for (const loadingKey of keys) this.loading.delete(loadingKey);
    }
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
    const query = Float64Array.from(vector);
    const queryNorm = Math.sqrt(query.reduce((sum, x) => sum + x * x, 0)) || 1;
    let scores = new Float64Array(16);
    for (const record of held) {
      const count = record.chunks.length;
      if (scores.length < count) scores = new Float64Array(count);
      cosines(query, queryNorm, record, scores);
      for (let i = 0; i < count; i++) {
        const chunk = record.chunks[i] as Chunk;
        if (syncs && !syncs.has(chunk.syncId)) continue;
        top.offer(scores[i] as number, chunk, chunk.id);
      }
    }
    return top
      .best()
      .slice(offset)
      .map(({ item, score }) => ({ chunk: copyOf(item), score }));
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
      for (const record of distinct) record.used = used;
    }
    return [...distinct];
  }

  clear(): void {
    this.tenants.clear();
    this.refused.clear();
    this.bytes = 0;
    this.version = undefined;
  }

  // The most chunks one search scans (see MAX_SCANNED_VALUES).
  private get maxChunks(): number {
    return Math.floor(MAX_SCANNED_VALUES / this.dimensions);
  }

  private put(tenant: string, loaded: ReadonlyMap<string, HeldRecord>): void {
    const records = this.tenants.get(tenant) ?? new Map<string, HeldRecord>();
    this.tenants.set(tenant, records);
    for (const [recordId, record] of loaded) {
      this.bytes += record.bytes - (records.get(recordId)?.bytes ?? 0);
      record.used = ++this.tick;
      records.set(recordId, record);
    }
    if (this.bytes > this.maxBytes) this.evict();
  }

  /** Drops the least recently searched records until a tenth of the bound is free (evicting in bulk). */
  private evict(): void {
    const all = [...this.tenants].flatMap(([tenant, records]) =>
      [...records].map(([recordId, record]) => ({ tenant, recordId, record })),
    );
    all.sort((a, b) => a.record.used - b.record.used);
    for (const { tenant, recordId, record } of all) {
      if (this.bytes <= this.maxBytes * 0.9) break;
      this.tenants.get(tenant)?.delete(recordId);
      this.bytes -= record.bytes;
    }
  }

  private empty(): HeldRecord {
    return {
      chunks: [],
      vectors: new Float32Array(0),
      norms: new Float32Array(0),
      bytes: CHUNK_OVERHEAD_BYTES,
      used: 0,
    };
  }

  private held(list: { chunk: Chunk; vector: Float32Array }[]): HeldRecord {
    const dims = this.dimensions;
    const vectors = new Float32Array(list.length * dims);
    const norms = new Float32Array(list.length);
    let bytes = 0;
    list.forEach(({ chunk, vector }, i) => {
      vectors.set(vector.subarray(0, dims), i * dims);
      norms[i] = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
      bytes += dims * 4 + CHUNK_OVERHEAD_BYTES + 2 * stringLength(chunk);
    });
    return { chunks: list.map(({ chunk }) => chunk), vectors, norms, bytes, used: 0 };
  }
}

/** Each chunk's cosine similarity to the query, into `scores` (a loop of its own, as V8 optimizes it best). */
function cosines(query: Float64Array, queryNorm: number, record: HeldRecord, scores: Float64Array): void {
  const dims = query.length;
  const { vectors, norms } = record;
  for (let i = 0; i < norms.length; i++) {
    scores[i] = dotAt(query, vectors, i * dims) / (queryNorm * ((norms[i] as number) || 1));
  }
}

/**
 * The dot product of `query` with the vector of its length at `start` in `vectors`. The query in
 * 64-bit floats spares a conversion per multiplication (10k × 384: 2.4 → 1.7 ms), and four sums
 * run ~2× faster than one.
 */
function dotAt(query: Float64Array, vectors: Float32Array, start: number): number {
  const length = query.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < length; d += 4) {
    const at = start + d;
    s0 += (query[d] as number) * (vectors[at] as number);
    s1 += (query[d + 1] as number) * (vectors[at + 1] as number);
    s2 += (query[d + 2] as number) * (vectors[at + 2] as number);
    s3 += (query[d + 3] as number) * (vectors[at + 3] as number);
  }
  for (; d < length; d++) s0 += (query[d] as number) * (vectors[start + d] as number);
  return s0 + s1 + s2 + s3;
}

function stringLength(chunk: Chunk): number {
  const m = chunk.metadata;
  return (
    chunk.text.length +
    chunk.id.length +
    chunk.recordId.length +
    chunk.syncId.length +
    m.name.length +
    (m.url?.length ?? 0) +
    m.externalId.length
  );
}

/** A list's identity for {@link RecordMemory.load}'s refusals: its tenant and ids, hashed (a list may hold 20k ids). */
function listKey(tenant: string, recordIds: readonly string[]): string {
  const hash = createHash("sha1").update(tenant);
  for (const recordId of recordIds) hash.update("\0").update(recordId);
  return hash.digest("base64");
}

function copyOf(chunk: Chunk): Chunk {
  return { ...chunk, metadata: { ...chunk.metadata } };
}
