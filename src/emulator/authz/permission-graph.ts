import { diffTuples, type TupleKey } from "../../authz/index.js";
import type { ChangeEvent, EmulatorState, SyncEntry } from "../state/index.js";
import { SyncGraph } from "./sync-graph.js";
import { groupTuples, personTuple } from "./tuples.js";

/**
 * The bridge between the emulator's state and the authz engine: one `SyncGraph` per sync, built
 * from the state on first use and then kept current by applying each change event as it fires
 * (synchronously, inside the change), so the very next request sees a share, an unshare, a group
 * change, a move or a delete. Tuples are derived from the state and never stored on their own:
 * they persist with the state (its `stateDir`) and are rebuilt from it after a restart.
 */
export class PermissionGraph {
  private readonly state: EmulatorState;
  private readonly graphs = new Map<string, SyncGraph>();
  private readonly groups = new Map<string, TupleKey[]>();
  private readonly unsubscribe: () => void;

  constructor(state: EmulatorState) {
    this.state = state;
    for (const group of state.directory.groups) this.groups.set(group.id, groupTuples(group));
    this.unsubscribe = state.on("change", (event) => this.onChange(event));
  }

  /** The graph of a live sync (the caller has checked that the sync is the caller's). */
  of(sync: SyncEntry): SyncGraph {
    let graph = this.graphs.get(sync.id);
    if (!graph) {
      graph = new SyncGraph(sync, this.directoryTuples());
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
    this.graphs.clear();
  }

  private directoryTuples(): TupleKey[] {
    return [...[...this.groups.values()].flat(), ...this.state.directory.people.map(personTuple)];
  }

  private onChange(event: ChangeEvent): void {
    switch (event.type) {
      case "record_created":
      case "record_updated":
      case "sharing_changed": {
        const graph = this.graphs.get(event.syncId);
        if (!graph) return;
        const node = this.state.sharingNodeOf(event.syncId, event.recordId);
        if (node) graph.setNode(node);
        else graph.removeNode(event.recordId);
        return;
      }
      case "record_deleted":
        this.graphs.get(event.syncId)?.removeNode(event.recordId);
        return;
      case "group_changed": {
        const group = this.state.directory.group(event.groupId);
        const next = group ? groupTuples(group) : [];
        const change = diffTuples(this.groups.get(event.groupId) ?? [], next);
        this.groups.set(event.groupId, next);
        // A graph that fails to apply would keep stale tuples (a removed member keeping access), and
        // listener errors are only logged: drop it so the next request rebuilds it from the state.
        for (const [syncId, graph] of this.graphs) {
          try {
            graph.apply(change);
          } catch {
            this.graphs.delete(syncId);
          }
        }
        return;
      }
      case "person_added": {
        const person = this.state.directory.person(event.email);
        if (!person) return;
        for (const graph of this.graphs.values()) graph.apply({ writes: [personTuple(person)], deletes: [] });
        return;
      }
      case "sync_changed":
      case "sync_complete":
        // Deleted, re-enabled or recreated: the next request rebuilds the sync's graph from the state.
        this.graphs.delete(event.syncId);
        return;
    }
  }
}
