import type { Table } from "@lancedb/lancedb";
import { requireIds, requireTenant } from "../guards.js";
import type { ScoredChunk, SearchOptions } from "../types.js";
import type { RecordMemory } from "./record-memory.js";
import type { TableCalls } from "./table-calls.js";

// Lists waiting to be loaded into the record memory beyond the one loading; more are turned away.
const MAX_WAITING_LOADS = 4;

/**
 * What the store answers from its record memory (record-memory.ts): whether a list is held at the
 * chunks table's current version, the queue of lists loading into it, and searches of held lists.
 */
export class HeldRecords {
  private closed = false;
  // The record loads, one after another (see load).
  private loads: Promise<void> = Promise.resolve();
  private waitingLoads = 0;

  constructor(
    private readonly chunks: Table,
    private readonly memory: RecordMemory,
    private readonly calls: TableCalls,
    // The table's current version, once the caches followed the logged writes up to it (change-log.ts).
    private readonly learnVersion: () => Promise<number>,
  ) {}

  async holds(tenant: string, recordIds: readonly string[]): Promise<boolean> {
    requireTenant(tenant);
    if (!this.memory.mayHold(tenant, recordIds)) return false;
    const version = await this.learnVersion();
    // Walked again: a load may have evicted some while the version was read.
    return this.memory.seen(version) && this.memory.mayHold(tenant, recordIds);
  }

  load(tenant: string, recordIds: readonly string[]): void {
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
      if (!this.closed) await this.memory.load(this.chunks, tenant, ids, this.learnVersion);
    };
    this.loads = this.calls.track(this.loads.then(load)).catch(() => undefined);
  }

  /**
   * The search answered from memory when every record of its filter is held at the table's
   * current version (an exact scan); undefined when it must go to the table.
   */
  async search(
    vector: readonly number[] | Float32Array,
    options: SearchOptions,
  ): Promise<ScoredChunk[] | undefined> {
    const { recordIds } = options;
    if (!recordIds || !this.memory.holdsAny(options.tenant)) return undefined;
    options.signal?.throwIfAborted();
    const version = await this.learnVersion();
    this.memory.seen(version);
    // Ids are not checked here as the table's filter checks them: only ids stored before are held,
    // and a filter naming any other (or none) is not held, so it goes to the table and its checks.
    return this.memory.search(vector, { ...options, recordIds });
  }

  /** No load starts from now on (one waiting skips); those running are tracked by the store's calls. */
  close(): void {
    this.closed = true;
  }
}
