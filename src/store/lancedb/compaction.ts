import type { Table } from "@lancedb/lancedb";

/**
 * Every merge-insert into a LanceDB table commits a new version with a new one-row fragment. The
 * small tables (state, records, sync state, leases) are written row by row, often (a subject's
 * learned allow rates on every eviction), and were never compacted: after 1,500 state writes the
 * table had 1,501 fragments, each read scanned them all, and LanceDB's native caches grew with them
 * (RSS +690 MB, outside the JS heap; issue 10). Compacting every this many writes keeps a table at
 * a handful of fragments.
 */
export const COMPACT_EVERY_WRITES = 100;

// Versions are removed only once this old: another process (readConsistencyInterval 0) may be
// reading one right now, and a read of a version whose files are gone would fail.
const KEEP_VERSIONS_MS = 60_000;

/** Compacts one table in the background after every {@link COMPACT_EVERY_WRITES} writes, one at a time. */
export class TableCompactor {
  private writes = 0;
  private running: Promise<void> | undefined;

  /**
   * @param run runs the compaction the way the store runs writes (retried on commit conflicts,
   *   tracked so `close()` waits for it).
   */
  constructor(
    private readonly table: Table,
    private readonly run: (compact: () => Promise<unknown>) => Promise<unknown>,
    private readonly every = COMPACT_EVERY_WRITES,
  ) {}

  /** Counts one committed write; starts a compaction when due and none is running. Never throws. */
  wrote(): void {
    this.writes += 1;
    if (this.writes < this.every || this.running) return;
    this.writes = 0;
    // Not awaited: the caller's write is done; compaction is housekeeping, and a failed one is
    // retried after the next `every` writes (or by `optimize()`).
    this.running = this.compactNow()
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Compacts now (after any compaction in flight) and removes versions older than a minute. */
  async compactNow(): Promise<void> {
    if (this.running) await this.running;
    await this.run(() => this.table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) }));
  }
}
