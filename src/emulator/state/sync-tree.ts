import { EmulatorStateError } from "./errors.js";
import { baseName, parentPath } from "./paths.js";
import { SeqLog, SyncedItems } from "./seq-log.js";
import type { SyncNode } from "./types.js";

/**
 * The files and folders of one sync, indexed by id, path and parent, plus the active records in
 * pull order (`SeqLog`).
 */
export class SyncTree extends SyncedItems<SyncNode> {
  readonly root: SyncNode;
  private readonly byId = new Map<string, SyncNode>();
  private readonly byPath = new Map<string, SyncNode>();
  private readonly children = new Map<string, Set<SyncNode>>();

  constructor(root: SyncNode, nextSeq = 1) {
    super(nextSeq);
    this.root = root;
    this.index(root);
  }

  /** The node with this record id (the root included), if present. */
  get(id: string): SyncNode | undefined {
    return this.byId.get(id);
  }

  /** The node at this normalised path ("" is the root), if present. */
  getByPath(path: string): SyncNode | undefined {
    return this.byPath.get(path);
  }

  /** Every node, root first, parents before children. */
  *nodes(): Generator<SyncNode> {
    yield* this.subtree(this.root);
  }

  /** A folder's direct children. */
  childrenOf(node: SyncNode): SyncNode[] {
    return [...(this.children.get(node.id) ?? [])];
  }

  /** The node and everything below it, parents before children. */
  *subtree(node: SyncNode): Generator<SyncNode> {
    yield node;
    for (const child of this.children.get(node.id) ?? []) yield* this.subtree(child);
  }

  /** Adds a new node under its `parentId` and gives it the next seq. */
  insert(node: SyncNode): SyncNode {
    if (this.byPath.has(node.path)) {
      throw new EmulatorStateError("PATH_EXISTS", `"${node.path}" already exists: delete or move it first`);
    }
    this.index(node);
    this.stamp(node);
    return node;
  }

  /** Rebuilds a tree exactly as persisted (seqs kept), from its root and the other nodes in any order. */
  static restore(root: SyncNode, others: SyncNode[], nextSeq: number, deletedCount: number): SyncTree {
    const tree = new SyncTree(root, nextSeq);
    const depth = (n: SyncNode) => n.path.split("/").length;
    for (const node of [...others].sort((a, b) => depth(a) - depth(b))) tree.index(node);
    tree.log = SeqLog.restore(others, nextSeq, deletedCount);
    return tree;
  }

  /** Removes a node and its subtree; returns the removed records, parents first. */
  remove(node: SyncNode): SyncNode[] {
    if (node === this.root) throw new EmulatorStateError("PATH_INVALID", "the sync root cannot be deleted");
    const removed = [...this.subtree(node)];
    for (const gone of removed) {
      this.log.remove(gone);
      this.byId.delete(gone.id);
      this.byPath.delete(gone.path);
      this.children.delete(gone.id);
    }
    if (node.parentId !== null) this.children.get(node.parentId)?.delete(node);
    return removed;
  }

  /** Moves/renames a node to `newPath` under `newParent`, re-keying its subtree; returns the subtree. */
  relocate(node: SyncNode, newParent: SyncNode, newPath: string): SyncNode[] {
    if (this.byPath.has(newPath)) {
      throw new EmulatorStateError(
        "PATH_EXISTS",
        `"${newPath}" already exists: delete it first or pick another name`,
      );
    }
    if (newParent === node || newParent.path.startsWith(`${node.path}/`)) {
      throw new EmulatorStateError("PATH_INVALID", `cannot move "${node.path}" into itself`);
    }
    const moved = [...this.subtree(node)];
    const oldPrefix = node.path;
    for (const m of moved) this.byPath.delete(m.path);
    for (const m of moved) {
      m.path = newPath + m.path.slice(oldPrefix.length);
      this.byPath.set(m.path, m);
    }
    if (node.parentId !== null) this.children.get(node.parentId)?.delete(node);
    node.parentId = newParent.id;
    node.name = baseName(newPath);
    this.childSet(newParent.id).add(node);
    return moved;
  }

  private index(node: SyncNode): void {
    if (node.path !== "" && !this.byPath.has(parentPath(node.path))) {
      throw new EmulatorStateError("PATH_NOT_FOUND", `the parent folder of "${node.path}" does not exist`);
    }
    this.byId.set(node.id, node);
    this.byPath.set(node.path, node);
    if (node.parentId !== null) this.childSet(node.parentId).add(node);
  }

  private childSet(id: string): Set<SyncNode> {
    let set = this.children.get(id);
    if (!set) {
      set = new Set();
      this.children.set(id, set);
    }
    return set;
  }
}
