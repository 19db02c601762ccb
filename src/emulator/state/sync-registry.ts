import type { ContentStore } from "./content-store.js";
import type { Directory } from "./directory.js";
import { EmulatorStateError } from "./errors.js";
import { syncIdFor } from "./ids.js";
import { rootNode } from "./node-factory.js";
import { RecordTable } from "./record-table.js";
import { isFileSync, type SyncDefinition, type SyncEntry, syncedItems } from "./sync-entry.js";
import { SyncTree } from "./sync-tree.js";
import type { ChangeEvent, SyncNode, SyncRecord, SyncStatus } from "./types.js";

type Listener = (event: ChangeEvent) => void;

/**
 * The Connected Users' syncs and their lifecycle (enable, disable, re-enable, delete), plus the
 * change listeners. `EmulatorState` adds files, sharing and people on top.
 */
export class SyncRegistry {
  readonly projectId: string;
  readonly directory: Directory;
  readonly content: ContentStore;
  protected readonly syncsById = new Map<string, SyncEntry>();
  private readonly listeners = new Set<Listener>();

  constructor(init: { projectId: string; directory: Directory; content: ContentStore }) {
    this.projectId = init.projectId;
    this.directory = init.directory;
    this.content = init.content;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  on(_event: "change", listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every sync, deleted ones included (for persistence and the admin view). */
  allSyncs(): SyncEntry[] {
    return [...this.syncsById.values()];
  }

  /** A Connected User's live syncs. */
  syncsOf(tenant: string): SyncEntry[] {
    return this.allSyncs().filter((s) => s.tenant === tenant && !s.deleted);
  }

  /** Connected Users that have at least one sync. */
  tenants(): string[] {
    return [...new Set(this.allSyncs().map((s) => s.tenant))];
  }

  /** A live sync by id regardless of owner (admin use); throws when unknown or deleted. */
  requireSync(syncId: string): SyncEntry {
    const sync = this.syncsById.get(syncId);
    if (!sync)
      throw new EmulatorStateError("SYNC_NOT_FOUND", `no sync "${syncId}": list syncs with GET /api/syncs`);
    if (sync.deleted) {
      throw new EmulatorStateError(
        "SYNC_DELETED",
        `sync "${syncId}" is deleted: enable it again with POST /api/syncs`,
      );
    }
    return sync;
  }

  /** A live sync that belongs to `tenant`; another user's sync is "not found", as in Paragon. */
  requireOwnSync(tenant: string, syncId: string): SyncEntry {
    const sync = this.syncsById.get(syncId);
    if (!sync || sync.deleted || sync.tenant !== tenant) {
      throw new EmulatorStateError("SYNC_NOT_FOUND", "Sync not found");
    }
    return sync;
  }

  /** Adds a sync with an empty source (the corpus loader and `enableSync` fill it). */
  createSync(def: SyncDefinition, now = new Date().toISOString()): SyncEntry {
    const id = syncIdFor(def.tenant, def.integration, def.pipeline, def.configurationName);
    if (this.syncsById.has(id)) {
      throw new EmulatorStateError(
        "SYNC_EXISTS",
        `${def.tenant} already has a ${def.integration}/${def.pipeline} sync named "${def.configurationName}"`,
      );
    }
    const root = rootNode(id, def.integration, def.owner, now);
    const sync: SyncEntry = {
      id,
      tenant: def.tenant,
      integration: def.integration,
      pipeline: def.pipeline,
      configurationName: def.configurationName,
      configuration: def.configuration ?? {},
      credentialId: def.credentialId ?? null,
      status: "IDLE",
      deleted: false,
      dateCreated: now,
      dateUpdated: now,
      lastSyncedAt: now,
      defaultOwner: def.owner,
      tree: new SyncTree(root),
      table: new RecordTable(),
    };
    this.syncsById.set(id, sync);
    return sync;
  }

  /** Puts back a sync exactly as persisted. */
  adoptSync(sync: SyncEntry): void {
    this.syncsById.set(sync.id, sync);
  }

  /**
   * POST /api/syncs: returns the live sync with this identity, brings a deleted one back (same id,
   * every record re-synced with a new seq), or creates an empty one.
   */
  enableSync(
    tenant: string,
    request: Omit<SyncDefinition, "tenant" | "owner">,
  ): { sync: SyncEntry; created: boolean } {
    const id = syncIdFor(tenant, request.integration, request.pipeline, request.configurationName);
    const now = new Date().toISOString();
    const existing = this.syncsById.get(id);
    if (existing && !existing.deleted) return { sync: existing, created: false };
    let sync: SyncEntry;
    if (existing) {
      sync = existing;
      sync.deleted = false;
      sync.status = "IDLE";
      sync.configuration = request.configuration ?? {};
      sync.credentialId = request.credentialId ?? null;
      sync.dateUpdated = now;
      sync.lastSyncedAt = now;
      for (const node of [...sync.tree.nodes()]) if (node !== sync.tree.root) sync.tree.stamp(node);
      for (const record of sync.table.all()) sync.table.stamp(record);
    } else {
      const owner =
        this.syncsOf(tenant)[0]?.defaultOwner ??
        this.directory.people[0]?.email ??
        `admin@${this.directory.domain}`;
      sync = this.createSync({ ...request, tenant, owner }, now);
    }
    this.emit({ type: "sync_changed", tenant, syncId: id, status: sync.status });
    this.emit({
      type: "sync_complete",
      tenant,
      syncId: id,
      integration: sync.integration,
      model: sync.pipeline,
      numRecords: syncedItems(sync).recordCount,
      syncedAt: now,
    });
    return { sync, created: true };
  }

  /** POST /api/syncs/{id}/disable. */
  disableSync(tenant: string, syncId: string): SyncEntry {
    return this.setStatus(this.requireOwnSync(tenant, syncId), "DISABLED");
  }

  /** POST /api/syncs/{id}/reenable. */
  reenableSync(tenant: string, syncId: string): SyncEntry {
    return this.setStatus(this.requireOwnSync(tenant, syncId), "IDLE");
  }

  /** DELETE /api/syncs/{id}: the sync and its records disappear; the source files stay for a re-enable. */
  deleteSync(tenant: string, syncId: string): void {
    const sync = this.requireOwnSync(tenant, syncId);
    sync.deleted = true;
    sync.dateUpdated = new Date().toISOString();
    this.emit({ type: "sync_changed", tenant, syncId, status: "DELETED" });
  }

  /** PATCH /api/syncs/{id}: binds another credential. */
  setCredential(tenant: string, syncId: string, credentialId: string): SyncEntry {
    const sync = this.requireOwnSync(tenant, syncId);
    sync.credentialId = credentialId;
    sync.dateUpdated = new Date().toISOString();
    this.emit({ type: "sync_changed", tenant, syncId, status: sync.status });
    return sync;
  }

  /** A record of one of `tenant`'s syncs by record id (for the alias routes, which name no sync). */
  findRecord(tenant: string, recordId: string): { sync: SyncEntry; item: SyncNode | SyncRecord } | undefined {
    for (const sync of this.syncsOf(tenant)) {
      const item = this.itemOf(sync, recordId);
      if (item) return { sync, item };
    }
    return undefined;
  }

  /** A record a sync serves (a file or folder, or a CRM/ticket record); undefined when it has none by that id. */
  itemOf(sync: SyncEntry, recordId: string): SyncNode | SyncRecord | undefined {
    if (!isFileSync(sync)) return sync.table.get(recordId);
    const node = sync.tree.get(recordId);
    return node === sync.tree.root ? undefined : node;
  }

  private setStatus(sync: SyncEntry, status: SyncStatus): SyncEntry {
    sync.status = status;
    sync.dateUpdated = new Date().toISOString();
    this.emit({ type: "sync_changed", tenant: sync.tenant, syncId: sync.id, status });
    return sync;
  }

  protected emit(event: ChangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken subscriber must not undo or block a change that already happened.
        console.error("emulator: a change listener threw", error);
      }
    }
  }
}
