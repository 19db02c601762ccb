import { samePrincipal } from "./directory.js";
import { EmulatorStateError } from "./errors.js";
import { newNode } from "./node-factory.js";
import { normalizePath, parentPath } from "./paths.js";
import { RecordSyncs } from "./record-syncs.js";
import { sharingNode } from "./sharing-view.js";
import type { NodeOptions, SyncEntry } from "./sync-entry.js";
import type {
  Grant,
  Group,
  GroupMember,
  NodeType,
  Person,
  Principal,
  SharingGraph,
  SharingNode,
  SyncNode,
} from "./types.js";

/**
 * Everything the emulator knows about one project: people and groups, the Connected Users'
 * syncs, their files and their CRM/ticketing records (`RecordSyncs`). Every change goes through a
 * method here and is announced as a `ChangeEvent` (`state.on("change", …)`), which persistence,
 * webhooks and the permission engine use.
 */
export class EmulatorState extends RecordSyncs {
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
    const node = this.createNode(sync, parent, clean, "file", options);
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
      for (const node of sync.tree.nodes()) nodes.push(sharingNode(sync, node));
    }
    return {
      domain: this.directory.domain,
      people: structuredClone(this.directory.people),
      groups: structuredClone(this.directory.groups),
      nodes,
    };
  }

  /**
   * The record ids of a node and everything below it, parents first (the sync root itself is not a
   * record); empty when the sync is deleted or the node is gone.
   */
  recordIdsBelow(syncId: string, nodeId: string): string[] {
    const sync = this.syncsById.get(syncId);
    const node = sync && !sync.deleted ? sync.tree.get(nodeId) : undefined;
    if (!sync || !node) return [];
    const ids: string[] = [];
    for (const n of sync.tree.subtree(node)) if (n !== sync.tree.root) ids.push(n.id);
    return ids;
  }

  /**
   * One node's sharing, to apply a change event without rebuilding the graph (after
   * record_created/updated, which may have moved it, or sharing_changed); undefined once deleted.
   */
  sharingNodeOf(syncId: string, recordId: string): SharingNode | undefined {
    const sync = this.syncsById.get(syncId);
    const node = sync && !sync.deleted ? sync.tree.get(recordId) : undefined;
    return sync && node ? sharingNode(sync, node) : undefined;
  }

  // ── internals ────────────────────────────────────────────────────────────────────────

  private ensureFolder(sync: SyncEntry, path: string, options: NodeOptions): SyncNode {
    const existing = sync.tree.getByPath(path);
    if (existing) {
      if (existing.type !== "folder") {
        throw new EmulatorStateError("NOT_A_FOLDER", `"${path}" is a file, so nothing can be put below it`);
      }
      return existing;
    }
    const parent = this.ensureFolder(sync, parentPath(path), {});
    const folder = this.createNode(sync, parent, path, "folder", options);
    sync.tree.insert(folder);
    this.touched(sync, folder, "record_created");
    return folder;
  }

  private createNode(
    sync: SyncEntry,
    parent: SyncNode,
    path: string,
    type: NodeType,
    options: NodeOptions,
  ): SyncNode {
    for (const grant of options.grants ?? []) this.directory.requireGrant(grant);
    return newNode(sync, parent, path, type, options);
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
    type: "record_created" | "record_updated" | "record_deleted",
  ): void {
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
    if (node) return node;
    throw new EmulatorStateError("PATH_NOT_FOUND", `no file or folder "${path}" in sync ${sync.id}`);
  }
}
