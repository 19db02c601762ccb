import type { Table } from "@lancedb/lancedb";
import type { RecordBatch } from "apache-arrow";
import { requireId, requireIds, requireLease, requireRecordVersion, requireTenant } from "../guards.js";
import type { RecordVersion, SyncState } from "../types.js";
import { fromRecordRow, type RecordRow, toRecordRow } from "./rows.js";
import { tenantKey } from "./schema.js";
import { sqlAnd, sqlEquals, sqlIn, sqlNumber, sqlString } from "./sql.js";

// Keeps one IN list (and one request) bounded however many ids a caller passes.
const KEYS_PER_QUERY = 5_000;

/** Record versions, sync cursors and leases, kept in tables beside the chunks. */
export class LanceState {
  constructor(
    private readonly records: Table,
    private readonly syncState: Table,
    private readonly leases: Table,
  ) {}

  async *recordVersions(tenant: string, syncId: string): AsyncIterable<RecordVersion> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    const query = this.records
      .query()
      .where(sqlAnd(sqlEquals("tenant", tenant), sqlEquals("sync_id", syncId)));
    for await (const batch of query as AsyncIterable<RecordBatch>) {
      for (const row of batch.toArray()) yield fromRecordRow(row.toJSON() as RecordRow);
    }
  }

  async getRecordVersions(tenant: string, recordIds: readonly string[]): Promise<Map<string, RecordVersion>> {
    requireTenant(tenant);
    const ids = requireIds(recordIds, "recordIds");
    const found = new Map<string, RecordVersion>();
    for (let i = 0; i < ids.length; i += KEYS_PER_QUERY) {
      const rows = (await this.records
        .query()
        .where(tenantKeyIn(tenant, ids.slice(i, i + KEYS_PER_QUERY)))
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

  async deleteRecordVersions(tenant: string, recordIds: readonly string[]): Promise<void> {
    requireTenant(tenant);
    const ids = requireIds(recordIds, "recordIds");
    for (let i = 0; i < ids.length; i += KEYS_PER_QUERY) {
      await this.records.delete(tenantKeyIn(tenant, ids.slice(i, i + KEYS_PER_QUERY)));
    }
  }

  async getSyncState(tenant: string, syncId: string): Promise<SyncState | undefined> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    const [row] = (await this.syncState
      .query()
      .where(tenantKeyIn(tenant, [syncId]))
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
      key: tenantKey(tenant, syncId),
      tenant,
      sync_id: syncId,
      cursor: state.cursor ?? null,
      updated_at: state.updatedAt,
    };
    await this.syncState.mergeInsert("key").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([row]);
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

/** `key IN (…)` for rows keyed by tenant + id. */
function tenantKeyIn(tenant: string, ids: readonly string[]): string {
  return sqlIn(
    "key",
    ids.map((id) => tenantKey(tenant, id)),
  );
}
