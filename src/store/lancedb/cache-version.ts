// The chunks-table version an in-memory cache answers for (chunk-cache.ts, record-memory.ts), and
// the one rule by which it moves on without emptying. LanceDB makes one version per commit and a
// write reports the version it made, so a version that follows the cache's by exactly one and was
// made by a write that says what it touched (this store's own, or another store's as logged in
// change-log.ts) differs from it by that write alone.

/** The records of each tenant a write changed ("all": any of its records). */
export type TouchedRecords = ReadonlyMap<string, ReadonlySet<string> | "all">;

/** Which version of the chunks table a cache's contents were read at. */
export class CacheVersion {
  private current: number | undefined;

  /** The version the contents answer for; undefined before the first read. */
  get value(): number | undefined {
    return this.current;
  }

  /** Whether the contents answer for `version`. */
  is(version: number): boolean {
    return version === this.current;
  }

  /** Makes `version` the one answered for; false when it is another (the caller empties the contents). */
  see(version: number): boolean {
    if (version === this.current) return true;
    this.current = version;
    return false;
  }

  /**
   * A write that says what it touched made `version` (this store's own, or one logged by another).
   * True when it follows the one answered for, which it becomes: only what that write touched
   * changed (the caller drops it). Otherwise nothing moves, and the next read learns the version
   * and empties the contents.
   */
  followWrite(version: number): boolean {
    if (this.current === undefined || version !== this.current + 1) return false;
    this.current = version;
    return true;
  }

  reset(): void {
    this.current = undefined;
  }
}
