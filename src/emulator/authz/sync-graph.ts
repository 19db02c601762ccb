import { AuthzEngine, loadDriveModel, type TupleKey } from "../../authz/index.js";
import type { SyncEntry } from "../state/index.js";
import type { TupleDiff } from "./tuple-ledger.js";

/**
 * One sync's permission graph: an authz engine over the drive model holding the sync's tuples (its
 * nodes' and the project's directory tuples, from the `TupleLedger`), kept current by applying
 * each change's small write/delete, never a rebuild.
 */
export class SyncGraph {
  readonly engine = new AuthzEngine(loadDriveModel());
  readonly rootId: string;

  constructor(sync: SyncEntry, tuples: readonly TupleKey[]) {
    this.rootId = sync.tree.root.id;
    // One write for the whole sync: far cheaper than a diff per node.
    this.engine.write(tuples);
  }

  /** Applies one change's deletes, then its writes. */
  apply(change: TupleDiff): void {
    this.engine.delete(change.deletes);
    this.engine.write(change.writes);
  }
}
