import type { ContentStore } from "./content-store.js";
import { type Directory, samePrincipal } from "./directory.js";
import { EmulatorStateError } from "./errors.js";
import { deriveExternalId, recordIdFor, syncIdFor } from "./ids.js";
import { FOLDER_MIME_TYPE, mimeTypeFor } from "./mime.js";
import { baseName, normalizePath, parentPath } from "./paths.js";
import { SyncTree } from "./sync-tree.js";
import type {
  ChangeEvent,
  Grant,
  Group,
  GroupMember,
  NodeType,
  Person,
  Principal,
  SharingGraph,
  SyncNode,
  SyncStatus,
} from "./types.js";
import { providerUrl } from "./urls.js";

/** One sync of one Connected User; `tree` is the synced copy of the source's files. */
export interface SyncEntry {
  readonly id: string;
  readonly tenant: string;
  readonly integration: string;
  readonly pipeline: string;
  readonly configurationName: string;
  configuration: Record<string, unknown>;
  credentialId: string | null;
  status: SyncStatus;
  /** Deleted syncs keep their source files so re-enabling brings them back under the same ids. */
  deleted: boolean;
  dateCreated: string;
  dateUpdated: string;
  lastSyncedAt: string | null;
  /** Owner of files created without one. */
  defaultOwner: string;
  readonly tree: SyncTree;
}

export interface SyncDefinition {
  tenant: string;
  integration: string;
  pipeline: string;
  configurationName: string;
  configuration?: Record<string, unknown>;
  credentialId?: string | null;
  owner: string;
}

/** Optional fields a new file or folder can be created with (the corpus pins these). */
export interface NodeOptions {
  externalId?: string;
  url?: string;
  createdAt?: string;
  updatedAt?: string;
  mimeType?: string;
  owner?: string;
  grants?: Grant[];
}

type Listener = (event: ChangeEvent) => void;

/**
 * Everything the emulator knows about one project: people and groups, the Connected Users'
 * syncs and their files. Every change goes through a method here and is announced as a
 * `ChangeEvent` (`state.on("change", …)`), which persistence, webhooks and the permission engine use.
 */
export class EmulatorState {
  readonly projectId: string;
  readonly directory: Directory;
  readonly content: ContentStore;
  private readonly syncsById = new Map<string, SyncEntry>();
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

  // ── syncs ────────────────────────────────────────────────────────────────────────────

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
        "PATH_EXISTS",
        `${def.tenant} already has a ${def.integration}/${def.pipeline} sync named "${def.configurationName}"`,
      );
    }
    const externalId = deriveExternalId(id, "");
    const root: SyncNode = {
      id: recordIdFor(def.integration, externalId),
      externalId,
      type: "folder",
      name: "",
      path: "",
      parentId: null,
      mimeType: FOLDER_MIME_TYPE,
      size: 0,
      hash: null,
      url: providerUrl(def.integration, "folder", externalId),
      createdAt: now,
      updatedAt: now,
      seq: 0,
      owner: def.owner,
      grants: [],
    };
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
      numRecords: sync.tree.recordCount,
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
  findRecord(tenant: string, recordId: string): { sync: SyncEntry; node: SyncNode } | undefined {
    for (const sync of this.syncsOf(tenant)) {
      const node = sync.tree.get(recordId);
      if (node && node !== sync.tree.root) return { sync, node };
    }
    return undefined;
  }

  // ── files and folders ────────────────────────────────────────────────────────────────

  /** Creates a file (and any missing folders) or replaces its content; either way it gets a new seq. */
  putFile(syncId: string, path: string, bytes: Uint8Array, options: NodeOptions = {}): SyncNode {
    const sync = this.requireSync(syncId);
    const clean = this.requireNonRoot(path);
    const existing = sync.tree.getByPath(clean);
    const hash = this.content.put(bytes);
    if (existing) {
      if (existing.type !== "file") {
        throw new EmulatorStateError(
          "NOT_A_FILE",
          `"${clean}" is a folder: delete it first to put a file there`,
        );
      }
      existing.hash = hash;
      existing.size = bytes.byteLength;
      if (options.mimeType) existing.mimeType = options.mimeType;
      existing.updatedAt = options.updatedAt ?? new Date().toISOString();
      this.touched(sync, existing, "record_updated");
      return existing;
    }
    const parent = this.ensureFolder(sync, parentPath(clean), {});
    const node = this.newNode(sync, parent, clean, "file", options);
    node.hash = hash;
    node.size = bytes.byteLength;
    sync.tree.insert(node);
    this.touched(sync, node, "record_created");
    return node;
  }

  /** Creates a folder and any missing parents; returns the existing one when it is there. */
  makeFolder(syncId: string, path: string, options: NodeOptions = {}): SyncNode {
    return this.ensureFolder(this.requireSync(syncId), this.requireNonRoot(path), options);
  }

  /** Moves or renames a file or folder (missing target folders are created); the moved subtree gets new seqs. */
  move(syncId: string, from: string, to: string): SyncNode {
    const sync = this.requireSync(syncId);
    const node = this.requireNode(sync, this.requireNonRoot(from));
    const target = this.requireNonRoot(to);
    const parent = this.ensureFolder(sync, parentPath(target), {});
    const moved = sync.tree.relocate(node, parent, target);
    node.updatedAt = new Date().toISOString();
    // Every record below a moved folder shows a new path, so each is re-announced.
    for (const m of moved) this.touched(sync, m, "record_updated");
    return node;
  }

  /** Deletes a file or a folder with everything below it; returns how many records went. */
  remove(syncId: string, path: string): number {
    const sync = this.requireSync(syncId);
    const removed = sync.tree.remove(this.requireNode(sync, this.requireNonRoot(path)));
    sync.lastSyncedAt = new Date().toISOString();
    for (const node of removed) this.emitRecord(sync, node, "record_deleted");
    return removed.length;
  }

  /** The bytes of a file record. */
  contentOf(node: SyncNode): Uint8Array | undefined {
    return node.hash ? this.content.get(node.hash.sha256) : undefined;
  }

  /** The node at a path of a sync ("" is the root). */
  nodeAt(syncId: string, path: string): SyncNode {
    const sync = this.requireSync(syncId);
    return this.requireNode(sync, normalizePath(path));
  }

  // ── sharing ──────────────────────────────────────────────────────────────────────────

  /** Adds a grant, or changes the role of the grant the principal already has. Not a record change. */
  share(syncId: string, path: string, grant: Grant): SyncNode {
    this.directory.requireGrant(grant);
    return this.changeSharing(syncId, path, (node) => {
      node.grants = node.grants.filter((g) => !samePrincipal(g.principal, grant.principal));
      node.grants.push(structuredClone(grant));
    });
  }

  /** Removes the principal's grant; returns false when it had none. */
  unshare(syncId: string, path: string, principal: Principal): boolean {
    let removed = false;
    this.changeSharing(syncId, path, (node) => {
      const kept = node.grants.filter((g) => !samePrincipal(g.principal, principal));
      removed = kept.length !== node.grants.length;
      node.grants = kept;
    });
    return removed;
  }

  /** Makes `email` the owner of a file or folder. */
  setOwner(syncId: string, path: string, email: string): SyncNode {
    this.directory.requirePerson(email);
    return this.changeSharing(syncId, path, (node) => {
      node.owner = email;
    });
  }

  // ── people and groups ────────────────────────────────────────────────────────────────

  addPerson(person: Person): void {
    this.directory.addPerson(person);
    this.emit({ type: "person_added", email: person.email });
  }

  putGroup(group: Group): void {
    this.directory.putGroup(group);
    this.emit({ type: "group_changed", groupId: group.id });
  }

  addGroupMember(groupId: string, member: GroupMember): boolean {
    const added = this.directory.addMember(groupId, member);
    if (added) this.emit({ type: "group_changed", groupId });
    return added;
  }

  removeGroupMember(groupId: string, member: GroupMember): boolean {
    const removed = this.directory.removeMember(groupId, member);
    if (removed) this.emit({ type: "group_changed", groupId });
    return removed;
  }

  /** The neutral sharing structure of every live sync, for the permission engine. A fresh copy each call. */
  sharingGraph(): SharingGraph {
    const nodes: SharingGraph["nodes"] = [];
    for (const sync of this.allSyncs()) {
      if (sync.deleted) continue;
      for (const node of sync.tree.nodes()) {
        nodes.push({
          syncId: sync.id,
          tenant: sync.tenant,
          id: node.id,
          type: node.type,
          record: node !== sync.tree.root,
          parentId: node.parentId,
          owner: node.owner,
          grants: structuredClone(node.grants),
        });
      }
    }
    return {
      domain: this.directory.domain,
      people: structuredClone(this.directory.people),
      groups: structuredClone(this.directory.groups),
      nodes,
    };
  }

  // ── internals ────────────────────────────────────────────────────────────────────────

  private setStatus(sync: SyncEntry, status: SyncStatus): SyncEntry {
    sync.status = status;
    sync.dateUpdated = new Date().toISOString();
    this.emit({ type: "sync_changed", tenant: sync.tenant, syncId: sync.id, status });
    return sync;
  }

  private ensureFolder(sync: SyncEntry, path: string, options: NodeOptions): SyncNode {
    const existing = sync.tree.getByPath(path);
    if (existing) {
      if (existing.type !== "folder") {
        throw new EmulatorStateError("NOT_A_FOLDER", `"${path}" is a file, so nothing can be put below it`);
      }
      return existing;
    }
    const parent = this.ensureFolder(sync, parentPath(path), {});
    const folder = this.newNode(sync, parent, path, "folder", options);
    sync.tree.insert(folder);
    this.touched(sync, folder, "record_created");
    return folder;
  }

  private newNode(
    sync: SyncEntry,
    parent: SyncNode,
    path: string,
    type: NodeType,
    options: NodeOptions,
  ): SyncNode {
    const externalId = options.externalId ?? deriveExternalId(sync.id, path);
    const owner = options.owner ?? sync.defaultOwner;
    for (const grant of options.grants ?? []) this.directory.requireGrant(grant);
    const updatedAt = options.updatedAt ?? new Date().toISOString();
    return {
      id: recordIdFor(sync.integration, externalId),
      externalId,
      type,
      name: baseName(path),
      path,
      parentId: parent.id,
      mimeType: type === "folder" ? FOLDER_MIME_TYPE : (options.mimeType ?? mimeTypeFor(path)),
      size: 0,
      hash: null,
      url: options.url ?? providerUrl(sync.integration, type, externalId),
      createdAt: options.createdAt ?? updatedAt,
      updatedAt,
      seq: 0,
      owner,
      grants: structuredClone(options.grants ?? []),
    };
  }

  private changeSharing(syncId: string, path: string, change: (node: SyncNode) => void): SyncNode {
    const sync = this.requireSync(syncId);
    const node = this.requireNode(sync, normalizePath(path));
    change(node);
    this.emit({ type: "sharing_changed", tenant: sync.tenant, syncId, recordId: node.id });
    return node;
  }

  private touched(sync: SyncEntry, node: SyncNode, type: "record_created" | "record_updated"): void {
    if (type === "record_updated") sync.tree.stamp(node);
    sync.lastSyncedAt = new Date().toISOString();
    this.emitRecord(sync, node, type);
  }

  private emitRecord(
    sync: SyncEntry,
    node: SyncNode,
    type: Extract<ChangeEvent, { recordId: string }>["type"],
  ): void {
    if (type === "sharing_changed") return;
    this.emit({
      type,
      tenant: sync.tenant,
      syncId: sync.id,
      integration: sync.integration,
      recordId: node.id,
      model: sync.pipeline,
    });
  }

  private requireNonRoot(path: string): string {
    const clean = normalizePath(path);
    if (clean === "") throw new EmulatorStateError("PATH_INVALID", "give a path below the sync root");
    return clean;
  }

  private requireNode(sync: SyncEntry, path: string): SyncNode {
    const node = sync.tree.getByPath(path);
    if (!node)
      throw new EmulatorStateError("PATH_NOT_FOUND", `no file or folder "${path}" in sync ${sync.id}`);
    return node;
  }

  private emit(event: ChangeEvent): void {
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
