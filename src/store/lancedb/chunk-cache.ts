// Chunks read back by `readChunks`, kept in memory for as long as the chunks table stays at the
// version they were read at. A chunk id names its text for good (chunk-id.ts hashes the content),
// but not its metadata: `updateRecordMetadata` rewrites name, url, mime type… in place, and
// another process (a `clearance ingest`) may write the same folder. So every read first learns the
// table's current version and the cache answers only while that version is the one its chunks
// were read at; any newer version empties it, save one made by a write that says what it touched:
// this store's own, or another store's logged in the folder's state (change-log.ts), which drops
// only the chunks of the records that write touched (`wrote`).
import type { Table } from "@lancedb/lancedb";
import { isChunkOf } from "../chunk-ref.js";
import type { Chunk, ChunkRef } from "../types.js";
import { CacheVersion, type TouchedRecords } from "./cache-version.js";
import { type RowHints, readChunksByRef } from "./chunk-refs.js";
import { copyChunk } from "./rows.js";

/** A least-recently-used set of chunks, all read at one version of the chunks table. */
export class ChunkCache {
  // Map keeps insertion order: the first key is the least recently used.
  private readonly chunks = new Map<string, Chunk>();
  private readonly version = new CacheVersion();

  constructor(private readonly maxEntries: number) {}

  /** False when sized 0: reads go straight to the table, without learning its version. */
  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  /** How many chunks it holds. */
  get size(): number {
    return this.chunks.size;
  }

  /** The table version its chunks answer for; undefined before the first read. */
  get answersFor(): number | undefined {
    return this.version.value;
  }

  /**
   * Makes `version` the one the cache answers for: a different version than the cached chunks
   * were read at drops them all (the table changed, any of them may have).
   */
  seen(version: number): void {
    if (!this.version.see(version)) this.chunks.clear();
  }

  /**
   * The ref's chunk as read at `version`, if cached at that version (a copy: callers may edit it).
   * Only exactly the ref's chunk — same id, tenant, sync and record — is returned, as a read from
   * the table would (chunk-refs.ts): a ref naming another tenant's or record's chunk gets nothing.
   */
  get(ref: ChunkRef, version: number): Chunk | undefined {
    if (!this.version.is(version)) return undefined;
    const chunk = this.chunks.get(ref.id);
    if (!chunk || !isChunkOf(chunk, ref)) return undefined;
    this.chunks.delete(ref.id);
    this.chunks.set(ref.id, chunk);
    return copyChunk(chunk);
  }

  /**
   * Keeps a chunk read from the table after learning `version`. A read that learnt an older
   * version than the cache has since seen is not kept: its rows may predate the change.
   */
  put(chunk: Chunk, version: number): void {
    if (this.maxEntries <= 0 || !this.version.is(version)) return;
    this.chunks.delete(chunk.id);
    this.chunks.set(chunk.id, copyChunk(chunk));
    while (this.chunks.size > this.maxEntries) {
      this.chunks.delete(this.chunks.keys().next().value as string);
    }
  }

  /** A write made `version` and touched these records (this store's own, or a logged one: {@link CacheVersion.followWrite}): drops their chunks. */
  wrote(version: number, touched: TouchedRecords): void {
    if (!this.version.followWrite(version)) return;
    for (const [id, chunk] of this.chunks) {
      const recordIds = touched.get(chunk.tenant);
      if (recordIds === "all" || recordIds?.has(chunk.recordId)) this.chunks.delete(id);
    }
  }

  clear(): void {
    this.chunks.clear();
    this.version.reset();
  }
}

/**
 * The refs' chunks, from the cache when the chunks table is still at the version they were read
 * at. The version is learnt before anything is read (`version()`: 0.1 ms against 2–3 ms for the
 * take it saves; it grows with the versions the table keeps, as every read's check for a newer
 * version does), so a row read here is at that version or a newer one. If newer, the next read
 * learns it and empties the cache: a cached chunk served is never older than the version the
 * reader learnt (`wrote` drops what this store's own writes touched before moving the cache on).
 * Cached chunks are checked against their refs as read ones are (chunk-refs.ts).
 */
export async function readThroughCache(
  table: Table,
  refs: readonly ChunkRef[],
  hints: RowHints,
  cache: ChunkCache,
  learnVersion: () => Promise<number>,
): Promise<Map<string, Chunk>> {
  if (!cache.enabled) return readChunksByRef(table, refs, hints);
  const version = await learnVersion();
  cache.seen(version);
  const found = new Map<string, Chunk>();
  const unread: ChunkRef[] = [];
  for (const ref of refs) {
    const cached = cache.get(ref, version);
    if (cached) found.set(ref.id, cached);
    else unread.push(ref);
  }
  if (unread.length === 0) return found;
  const read = await readChunksByRef(table, unread, hints);
  for (const [id, chunk] of read) {
    cache.put(chunk, version);
    found.set(id, chunk);
  }
  return found;
}
