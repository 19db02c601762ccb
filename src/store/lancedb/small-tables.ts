import type { Table } from "@lancedb/lancedb";
import type { RecordVersion, SyncState } from "../types.js";
import { TableCompactor } from "./compaction.js";
import { LanceState } from "./state.js";
import type { TableCalls } from "./table-calls.js";
import type { LanceTables } from "./tables.js";

/** The tables written row by row, each with its own background compaction. */
type SmallTable = "state" | "records" | "syncState" | "leases";

/**
 * The store's calls to its row-by-row tables (record versions, sync state, named state, leases),
 * made through the store's `calls` so `close()` waits for them, each write counted toward its
 * table's next background compaction.
 */
export class SmallTables {
  private readonly state: LanceState;
  // The row-by-row tables, compacted in the background as they are written (see compaction.ts).
  // Leases are left to optimize(): a lease write is one conditional merge that is not retried.
  private readonly compactors: Record<SmallTable, TableCompactor>;

  constructor(
    tables: LanceTables,
    private readonly calls: TableCalls,
  ) {
    this.state = new LanceState(tables);
    const compactor = (table: Table) =>
      new TableCompactor(table, (compact) => this.calls.write("compact a small table", compact));
    this.compactors = {
      state: compactor(tables.state),
      records: compactor(tables.records),
      syncState: compactor(tables.syncState),
      leases: compactor(tables.leases),
    };
  }

  recordVersions(tenant: string, syncId: string): AsyncIterable<RecordVersion> {
    return this.state.recordVersions(tenant, syncId);
  }
  getRecordVersions(
    tenant: string,
    syncId: string,
    recordIds: readonly string[],
  ): Promise<Map<string, RecordVersion>> {
    return this.calls.read("read record versions", () =>
      this.state.getRecordVersions(tenant, syncId, recordIds),
    );
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
    return this.calls.read("read sync state", () => this.state.getSyncState(tenant, syncId));
  }
  putSyncState(tenant: string, syncId: string, state: SyncState): Promise<void> {
    return this.writeSmall("syncState", "write sync state", () =>
      this.state.putSyncState(tenant, syncId, state),
    );
  }
  /** A sync's record versions and cursor; the store deletes its chunks first. */
  async deleteSync(tenant: string, syncId: string): Promise<void> {
    await this.writeSmall("records", "delete a sync's state", () => this.state.deleteSync(tenant, syncId));
    this.compactors.syncState.wrote();
  }
  getState(scope: string, key: string): Promise<string | undefined> {
    return this.calls.read("read state", () => this.state.getState(scope, key));
  }
  putState(scope: string, key: string, value: string): Promise<void> {
    return this.writeSmall("state", "write state", () => this.state.putState(scope, key, value));
  }
  deleteState(scope: string, key: string): Promise<void> {
    return this.writeSmall("state", "delete state", () => this.state.deleteState(scope, key));
  }
  listState(scope: string): Promise<Map<string, string>> {
    return this.calls.read("list state", () => this.state.listState(scope));
  }
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.calls.track(this.state.acquireLease(name, holder, ttlMs));
  }
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.calls.track(this.state.renewLease(name, holder, ttlMs));
  }
  releaseLease(name: string, holder: string): Promise<void> {
    return this.calls.track(this.state.releaseLease(name, holder));
  }

  /** Compacts every row-by-row table now, one after another (for the store's `optimize()`). */
  async compactNow(): Promise<void> {
    for (const compactor of Object.values(this.compactors)) await compactor.compactNow();
  }

  /** A write to one of the row-by-row tables, counted toward its next background compaction. */
  private async writeSmall<T>(table: SmallTable, what: string, run: () => Promise<T>): Promise<T> {
    const result = await this.calls.write(what, run);
    this.compactors[table].wrote();
    return result;
  }
}
