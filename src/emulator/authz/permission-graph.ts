import type { EmulatorState, SyncEntry } from "../state/index.js";
import { SyncGraph } from "./sync-graph.js";
import { type LedgerEvent, TupleLedger } from "./tuple-ledger.js";

/**
 * The bridge between the emulator's state and the authz engine: one `SyncGraph` per sync, built
 * from the `TupleLedger` on first use and then kept current by applying each change's tuple diff
 * as it fires (synchronously, inside the change), so the very next request sees a share, an
 * unshare, a group change, a move or a delete. Tuples are derived from the state and never stored
 * on their own: they persist with the state (its `stateDir`) and are rebuilt from it after a restart.
 * The same ledger keeps each sync's Permission Changes feed (`changes`).
 */
export class PermissionGraph {
  /** Every sync's tuples and change log. */
  readonly changes: TupleLedger;
  private readonly state: EmulatorState;
  private readonly graphs = new Map<string, SyncGraph>();
  private readonly unsubscribe: () => void;

  constructor(state: EmulatorState) {
    this.state = state;
    this.changes = new TupleLedger(state);
    this.unsubscribe = this.changes.on((event) => this.onChange(event));
  }

  /** The graph of a live sync (the caller has checked that the sync is the caller's). */
  of(sync: SyncEntry): SyncGraph {
    let graph = this.graphs.get(sync.id);
    if (!graph) {
      graph = new SyncGraph(sync, this.changes.tuplesOf(sync));
      this.graphs.set(sync.id, graph);
    }
    return graph;
  }

  /** Whether `email` is a person the project knows (anyone else has access to nothing). */
  knows(email: string): boolean {
    return this.state.directory.person(email) !== undefined;
  }

  /** Every person's email, lowercased. */
  people(): string[] {
    return this.state.directory.people.map((person) => person.email.toLowerCase());
  }

  /** Stops following the state's changes. */
  close(): void {
    this.unsubscribe();
    this.changes.close();
    this.graphs.clear();
  }

  private onChange(event: LedgerEvent): void {
    const graph = this.graphs.get(event.syncId);
    if (!graph) return;
    if (event.type === "reset") {
      // Deleted, re-enabled or recreated: the next request rebuilds the sync's graph.
      this.graphs.delete(event.syncId);
      return;
    }
    // A graph that fails to apply would keep stale tuples (a removed member keeping access), and
    // listener errors are only logged: drop it so the next request rebuilds it from the ledger.
    try {
      graph.apply(event.diff);
    } catch {
      this.graphs.delete(event.syncId);
    }
  }
}
