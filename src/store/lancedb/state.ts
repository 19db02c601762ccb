import type { Table } from "@lancedb/lancedb";
import type { RecordBatch } from "apache-arrow";
import {
  requireId,
  requireIds,
  requireLease,
  requireRecordVersion,
  requireStateKey,
  requireStateValue,
  requireTenant,
} from "../guards.js";
import type { RecordVersion, SyncState } from "../types.js";
import { rowKey } from "./columns.js";
import { fromRecordRow, type RecordRow, recordKey, toRecordRow } from "./rows.js";
import { sqlAnd, sqlEquals, sqlIn, sqlNumber, sqlString } from "./sql.js";
import type { LanceTables } from "./tables.js";

// Keeps one IN list (and one request) bounded however many ids a caller passes.
const KEYS_PER_QUERY = 5_000;

/** Record versions, sync cursors, named state values and leases, kept in tables beside the chunks. */
export class LanceState {
  private readonly records: Table;
  private readonly syncState: Table;
  private readonly leases: Table;
  private readonly state: Table;

  constructor(tables: LanceTables) {
    this.records = tables.records;
    this.syncState = tables.syncState;
    this.leases = tables.leases;
    this.state = tables.state;
  }

  async *recordVersions(tenant: string, syncId: string): AsyncIterable<RecordVersion> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    const query = this.records.query().where(syncWhere(tenant, syncId));
    for await (const batch of query as AsyncIterable<RecordBatch>) {
      for (const row of batch.toArray()) yield fromRecordRow(row.toJSON() as RecordRow);
    }
  }

  async getRecordVersions(
    tenant: string,
    syncId: string,
    recordIds: readonly string[],
  ): Promise<Map<string, RecordVersion>> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    const ids = requireIds(recordIds, "recordIds");
    const found = new Map<string, RecordVersion>();
    for (let i = 0; i < ids.length; i += KEYS_PER_QUERY) {
      const rows = (await this.records
        .query()
        .where(recordKeyIn(tenant, syncId, ids.slice(i, i + KEYS_PER_QUERY)))
        .toArray()) as RecordRow[];
      for (const row of rows) found.set(row.record_id, fromRecordRow(row));
    }
    return found;
  }

  async putRecordVersions(versions: readonly RecordVersion[]): Promise<void> {
    if (versions.length === 0) return;
    versions.forEach(requireRecordVersion);
    // Last write wins inside one call, as it would across calls.
    const rows = new Map(versions.map(toRecordRow).map((row) => [row.key, row]));
    await this.records
      .mergeInsert("key")
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .execute([...rows.values()] as unknown as Record<string, unknown>[]);
  }

  async deleteRecordVersions(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    const ids = requireIds(recordIds, "recordIds");
    for (let i = 0; i < ids.length; i += KEYS_PER_QUERY) {
      await this.records.delete(recordKeyIn(tenant, syncId, ids.slice(i, i + KEYS_PER_QUERY)));
    }
  }

  async getSyncState(tenant: string, syncId: string): Promise<SyncState | undefined> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    const [row] = (await this.syncState
      .query()
      .where(sqlEquals("key", rowKey(tenant, syncId)))
      .limit(1)
      .toArray()) as { cursor: string | null; updated_at: string }[];
    if (!row) return undefined;
    return row.cursor == null
      ? { updatedAt: row.updated_at }
      : { cursor: row.cursor, updatedAt: row.updated_at };
  }

  async putSyncState(tenant: string, syncId: string, state: SyncState): Promise<void> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    const row = {
      key: rowKey(tenant, syncId),
      tenant,
      sync_id: syncId,
      cursor: state.cursor ?? null,
      updated_at: state.updatedAt,
    };
    await this.syncState.mergeInsert("key").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([row]);
  }

  /** Removes a sync's record versions and cursor (the chunks are the store's job, done first). */
  async deleteSync(tenant: string, syncId: string): Promise<void> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    await this.records.delete(syncWhere(tenant, syncId));
    await this.syncState.delete(syncWhere(tenant, syncId));
  }

  async getState(scope: string, key: string): Promise<string | undefined> {
    requireStateKey(scope, key);
    const [row] = (await this.state
      .query()
      .where(sqlEquals("id", rowKey(scope, key)))
      .select(["value"])
      .limit(1)
      .toArray()) as { value: string }[];
    return row?.value;
  }

  async putState(scope: string, key: string, value: string): Promise<void> {
    requireStateValue(scope, key, value);
    await this.state
      .mergeInsert("id")
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .execute([{ id: rowKey(scope, key), scope, key, value }]);
  }

  async deleteState(scope: string, key: string): Promise<void> {
    requireStateKey(scope, key);
    await this.state.delete(sqlEquals("id", rowKey(scope, key)));
  }

  async listState(scope: string): Promise<Map<string, string>> {
    requireId(scope, "state scope");
    const rows = (await this.state
      .query()
      .where(sqlEquals("scope", scope))
      .select(["key", "value"])
      .toArray()) as { key: string; value: string }[];
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    requireLease(name, holder, ttlMs);
    const now = Date.now();
    // One conditional merge: insert when absent, take over when expired or already ours. The
    // primary key on `name` makes racing merges conflict and re-evaluate instead of both winning.
    const result = await this.leases
      .mergeInsert("name")
      .whenMatchedUpdateAll({
        where: `target.expires_at < ${sqlNumber(now)} OR target.holder = ${sqlString(holder)}`,
      })
      .whenNotMatchedInsertAll()
      .execute([{ name, holder, expires_at: now + ttlMs }]);
    return result.numInsertedRows + result.numUpdatedRows > 0;
  }

  async renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    requireLease(name, holder, ttlMs);
    const now = Date.now();
    const result = await this.leases
      .mergeInsert("name")
      .whenMatchedUpdateAll({ where: `target.holder = ${sqlString(holder)}` })
      .execute([{ name, holder, expires_at: now + ttlMs }]);
    return result.numUpdatedRows > 0;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    requireId(name, "lease name");
    requireId(holder, "lease holder");
    await this.leases.delete(sqlAnd(sqlEquals("name", name), sqlEquals("holder", holder)));
  }
}

/** Rows of one tenant's sync (records and sync-state tables). */
function syncWhere(tenant: string, syncId: string): string {
  return sqlAnd(sqlEquals("tenant", tenant), sqlEquals("sync_id", syncId));
}

/** `key IN (…)` for record versions of one sync. */
function recordKeyIn(tenant: string, syncId: string, ids: readonly string[]): string {
  return sqlIn(
    "key",
    ids.map((id) => recordKey(tenant, syncId, id)),
  );
}
