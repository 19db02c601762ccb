import { AuthzEngine, diffTuples, loadDriveModel, type TupleKey } from "../../authz/index.js";
import type { SyncEntry } from "../state/index.js";
import { nodeTuples, type TupleSource } from "./tuples.js";

/**
 * One sync's permission graph: an authz engine over the drive model holding the sync's node tuples
 * plus the project's directory tuples (groups, domains). It remembers which tuples each node gave,
 * so a change to one node is a small write/delete, never a rebuild.
 */
export class SyncGraph {
  readonly engine = new AuthzEngine(loadDriveModel());
  readonly rootId: string;
  private readonly byNode = new Map<string, TupleKey[]>();

  constructor(sync: SyncEntry, directory: Iterable<TupleKey>) {
    this.rootId = sync.tree.root.id;
    // One write for the whole sync: far cheaper than a diff per node.
    const tuples = [...directory];
    for (const node of sync.tree.nodes()) {
      const own = nodeTuples(node);
      this.byNode.set(node.id, own);
      tuples.push(...own);
    }
    this.engine.write(tuples);
  }

  /** Brings one node's tuples in line with its current sharing and place. */
  setNode(node: TupleSource): void {
    const next = nodeTuples(node);
    const { writes, deletes } = diffTuples(this.byNode.get(node.id) ?? [], next);
    this.engine.delete(deletes);
    this.engine.write(writes);
    this.byNode.set(node.id, next);
  }

  /** Drops a deleted node's tuples. */
  removeNode(id: string): void {
    this.engine.delete(this.byNode.get(id) ?? []);
    this.byNode.delete(id);
  }

  /** Applies a directory change (group membership, a new person). */
  apply(change: { writes: TupleKey[]; deletes: TupleKey[] }): void {
    this.engine.delete(change.deletes);
    this.engine.write(change.writes);
  }
}
