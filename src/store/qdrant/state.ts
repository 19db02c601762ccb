import { randomUUID } from "node:crypto";
import type { QdrantClient, Schemas } from "@qdrant/js-client-rest";
import { v5 as uuidv5 } from "uuid";
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
import { matchValue } from "./filters.js";
import { fromRecordPayload, leasePayload, statePayload, syncPayload, toRecordPayload } from "./payloads.js";

const STATE_NAMESPACE = "0b7f3c52-8d4e-5a61-b2c9-7e14f05a3d88";
const STATE_VECTOR = [1];
const PAGE = 256;

/** The deterministic point id of a state entry. */
function stateId(...parts: string[]): string {
  return uuidv5(JSON.stringify(parts), STATE_NAMESPACE);
}

/** Record versions, sync cursors, named state values and leases as points of the state collection. */
export class QdrantState {
  constructor(
    private readonly client: QdrantClient,
    private readonly collection: string,
  ) {}

  async *recordVersions(tenant: string, syncId: string): AsyncIterable<RecordVersion> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    for await (const payload of this.scroll(recordsOf(tenant, syncId))) yield fromRecordPayload(payload);
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
    for (let i = 0; i < ids.length; i += PAGE) {
      const points = await this.client.retrieve(this.collection, {
        ids: ids.slice(i, i + PAGE).map((id) => stateId("record", tenant, syncId, id)),
        with_payload: true,
      });
      for (const point of points) {
        const version = fromRecordPayload(point.payload);
        found.set(version.recordId, version);
      }
    }
    return found;
  }

  async putRecordVersions(versions: readonly RecordVersion[]): Promise<void> {
    versions.forEach(requireRecordVersion);
    for (let i = 0; i < versions.length; i += PAGE) {
      await this.client.upsert(this.collection, {
        wait: true,
        points: versions.slice(i, i + PAGE).map((v) => ({
          id: stateId("record", v.tenant, v.syncId, v.recordId),
          vector: STATE_VECTOR,
          payload: toRecordPayload(v),
        })),
      });
    }
  }

  async deleteRecordVersions(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    const ids = requireIds(recordIds, "recordIds");
    for (let i = 0; i < ids.length; i += PAGE) {
      await this.client.delete(this.collection, {
        wait: true,
        points: ids.slice(i, i + PAGE).map((id) => stateId("record", tenant, syncId, id)),
      });
    }
  }

  async getSyncState(tenant: string, syncId: string): Promise<SyncState | undefined> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    const [point] = await this.client.retrieve(this.collection, {
      ids: [stateId("sync", tenant, syncId)],
      with_payload: true,
    });
    if (!point) return undefined;
    const { cursor, updatedAt } = syncPayload.parse(point.payload);
    return cursor === undefined ? { updatedAt } : { cursor, updatedAt };
  }

  async putSyncState(tenant: string, syncId: string, state: SyncState): Promise<void> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    await this.client.upsert(this.collection, {
      wait: true,
      ordering: "strong",
      points: [
        {
          id: stateId("sync", tenant, syncId),
          vector: STATE_VECTOR,
          payload: {
            kind: "sync",
            tenant,
            syncId,
            updatedAt: state.updatedAt,
            ...(state.cursor !== undefined ? { cursor: state.cursor } : {}),
          },
        },
      ],
    });
  }

  /** Removes a sync's record versions and cursor (the chunks are the store's job, done first). */
  async deleteSync(tenant: string, syncId: string): Promise<void> {
    requireTenant(tenant);
    requireId(syncId, "syncId");
    await this.client.delete(this.collection, { wait: true, filter: recordsOf(tenant, syncId) });
    await this.client.delete(this.collection, { wait: true, points: [stateId("sync", tenant, syncId)] });
  }

  async getState(scope: string, key: string): Promise<string | undefined> {
    requireStateKey(scope, key);
    const [point] = await this.client.retrieve(this.collection, {
      ids: [stateId("state", scope, key)],
      with_payload: true,
    });
    return point ? statePayload.parse(point.payload).value : undefined;
  }

  async putState(scope: string, key: string, value: string): Promise<void> {
    requireStateValue(scope, key, value);
    await this.client.upsert(this.collection, {
      wait: true,
      ordering: "strong",
      points: [
        {
          id: stateId("state", scope, key),
          vector: STATE_VECTOR,
          payload: { kind: "state", scope, key, value },
        },
      ],
    });
  }

  async deleteState(scope: string, key: string): Promise<void> {
    requireStateKey(scope, key);
    await this.client.delete(this.collection, {
      wait: true,
      ordering: "strong",
      points: [stateId("state", scope, key)],
    });
  }

  async listState(scope: string): Promise<Map<string, string>> {
    requireId(scope, "state scope");
    const found = new Map<string, string>();
    const filter = { must: [matchValue("kind", "state"), matchValue("scope", scope)] };
    for await (const payload of this.scroll(filter)) {
      const entry = statePayload.parse(payload);
      found.set(entry.key, entry.value);
    }
    return found;
  }

  /**
   * One conditional upsert (Qdrant ≥ 1.16 `update_filter`): a missing lease point is inserted, an
   * existing one is replaced only if expired or ours. Updates to one point are applied in order
   * through the leader (`ordering: strong`), so this is a compare-and-set; a fresh token read back
   * tells whether our write is the one that landed.
   */
  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    requireLease(name, holder, ttlMs);
    const now = Date.now();
    return this.writeLease(name, holder, now + ttlMs, "upsert", {
      should: [{ key: "expiresAt", range: { lt: now } }, matchValue("holder", holder)],
    });
  }

  async renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    requireLease(name, holder, ttlMs);
    return this.writeLease(name, holder, Date.now() + ttlMs, "update_only", {
      must: [matchValue("holder", holder)],
    });
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    requireId(name, "lease name");
    requireId(holder, "lease holder");
    await this.client.delete(this.collection, {
      wait: true,
      ordering: "strong",
      filter: { must: [matchValue("kind", "lease"), matchValue("name", name), matchValue("holder", holder)] },
    });
  }

  /** The payloads of every point the filter matches, page by page. */
  private async *scroll(filter: Schemas["Filter"]): AsyncIterable<unknown> {
    let offset: string | number | undefined;
    do {
      const page = await this.client.scroll(this.collection, {
        filter,
        limit: PAGE,
        with_payload: true,
        ...(offset !== undefined ? { offset } : {}),
      });
      for (const point of page.points) yield point.payload;
      const next = page.next_page_offset;
      offset = typeof next === "string" || typeof next === "number" ? next : undefined;
    } while (offset !== undefined);
  }

  private async writeLease(
    name: string,
    holder: string,
    expiresAt: number,
    mode: "upsert" | "update_only",
    condition: Schemas["Filter"],
  ): Promise<boolean> {
    const id = stateId("lease", name);
    const token = randomUUID();
    await this.client.upsert(this.collection, {
      wait: true,
      ordering: "strong",
      update_mode: mode,
      update_filter: condition,
      points: [{ id, vector: STATE_VECTOR, payload: { kind: "lease", name, holder, token, expiresAt } }],
    });
    const [point] = await this.client.retrieve(this.collection, {
      ids: [id],
      with_payload: true,
      consistency: "all",
    });
    return point !== undefined && leasePayload.parse(point.payload).token === token;
  }
}

/** The record-version points of one tenant's sync. */
function recordsOf(tenant: string, syncId: string): Schemas["Filter"] {
  return { must: [matchValue("kind", "record"), matchValue("tenant", tenant), matchValue("syncId", syncId)] };
}
