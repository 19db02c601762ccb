import { diffTuples, type TupleKey } from "../../authz/index.js";
import type { ChangeEvent, EmulatorState, SyncEntry } from "../state/index.js";
import { ChangeLog } from "./change-log.js";
import { groupTuples, nodeTuples, personTuple } from "./tuples.js";

/** The tuple writes and deletes one change caused in one sync. */
export interface TupleDiff {
  writes: TupleKey[];
  deletes: TupleKey[];
}

/** What becomes of a sync's permission tuples, for `TupleLedger.on` listeners. */
export type LedgerEvent =
  | { type: "diff"; syncId: string; diff: TupleDiff }
  /** The sync was deleted, re-enabled or recreated: anything built from its tuples is rebuilt. */
  | { type: "reset"; syncId: string };

/** Default for how long the Permission Changes feed keeps a change: 7 days. */
export const DEFAULT_CHANGE_RETENTION_MS = 7 * 24 * 60 * 60_000;

interface Tracked {
  byNode: Map<string, TupleKey[]>;
  log: ChangeLog;
}

/**
 * Every sync's permission tuples as the state implies them (its nodes' parent, owner and grant
 * tuples, plus the project's group and domain memberships), kept current from the state's change
 * events. Each change becomes, per sync, the exact tuple writes and deletes it caused: appended to
 * that sync's change log (the Permission Changes feed) and announced to listeners (the engines).
 * The one place state changes turn into tuples, so the feed and the engines cannot disagree.
 */
export class TupleLedger {
  readonly retention = { ms: DEFAULT_CHANGE_RETENTION_MS };
  readonly #state: EmulatorState;
  readonly #syncs = new Map<string, Tracked>();
  readonly #groups = new Map<string, TupleKey[]>();
  readonly #listeners = new Set<(event: LedgerEvent) => void>();
  readonly #unsubscribe: () => void;

  constructor(state: EmulatorState) {
    this.#state = state;
    for (const group of state.directory.groups) this.#groups.set(group.id, groupTuples(group));
    for (const sync of state.allSyncs()) if (!sync.deleted) this.#track(sync);
    this.#unsubscribe = state.on("change", (event) => this.#onChange(event));
  }

  /** Subscribes to tuple diffs and resets; returns the unsubscribe function. */
  on(listener: (event: LedgerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every tuple of a sync now. */
  tuplesOf(sync: SyncEntry): TupleKey[] {
    const tracked = this.#track(sync);
    return [...this.#directory(), ...[...tracked.byNode.values()].flat()];
  }

  /** The sync's change log (the feed). */
  logOf(sync: SyncEntry): ChangeLog {
    return this.#track(sync).log;
  }

  close(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #directory(): TupleKey[] {
    return [...[...this.#groups.values()].flat(), ...this.#state.directory.people.map(personTuple)];
  }

  /** Starts following a sync: its log begins with the writes of every tuple it has now. */
  #track(sync: SyncEntry): Tracked {
    let tracked = this.#syncs.get(sync.id);
    if (tracked) return tracked;
    const byNode = new Map<string, TupleKey[]>();
    for (const node of sync.tree.nodes()) byNode.set(node.id, nodeTuples(node));
    tracked = { byNode, log: new ChangeLog(this.retention) };
    this.#syncs.set(sync.id, tracked);
    tracked.log.append({ writes: this.tuplesOf(sync), deletes: [] });
    return tracked;
  }

  #record(syncId: string, diff: TupleDiff): void {
    const tracked = this.#syncs.get(syncId);
    if (!tracked || (diff.writes.length === 0 && diff.deletes.length === 0)) return;
    tracked.log.append(diff);
    this.#emit({ type: "diff", syncId, diff });
  }

  /** Re-derives one node's tuples (undefined: the node is gone) and records the difference. */
  #setNode(syncId: string, nodeId: string, next: TupleKey[] | undefined): void {
    const tracked = this.#syncs.get(syncId);
    if (!tracked) return;
    const diff = diffTuples(tracked.byNode.get(nodeId) ?? [], next ?? []);
    if (next) tracked.byNode.set(nodeId, next);
    else tracked.byNode.delete(nodeId);
    this.#record(syncId, diff);
  }

  #onChange(event: ChangeEvent): void {
    switch (event.type) {
      case "record_created":
      case "record_updated":
      case "sharing_changed": {
        const sync = this.#liveSync(event.syncId);
        if (!sync) return;
        if (!this.#syncs.has(sync.id)) {
          this.#track(sync); // its first tuples already include this change
          return;
        }
        const node = sync.tree.get(event.recordId);
        this.#setNode(sync.id, event.recordId, node ? nodeTuples(node) : undefined);
        return;
      }
      case "record_deleted":
        this.#setNode(event.syncId, event.recordId, undefined);
        return;
      case "group_changed": {
        const group = this.#state.directory.group(event.groupId);
        const next = group ? groupTuples(group) : [];
        const diff = diffTuples(this.#groups.get(event.groupId) ?? [], next);
        this.#groups.set(event.groupId, next);
        for (const syncId of this.#syncs.keys()) this.#record(syncId, diff);
        return;
      }
      case "person_added": {
        const person = this.#state.directory.person(event.email);
        if (!person) return;
        for (const syncId of this.#syncs.keys())
          this.#record(syncId, { writes: [personTuple(person)], deletes: [] });
        return;
      }
      case "sync_changed":
      case "sync_complete": {
        const sync = this.#liveSync(event.syncId);
        // Re-enabled (every node re-stamped) or recreated: bring the tuples in line with the state.
        if (sync && this.#syncs.has(sync.id)) this.#resync(sync);
        else if (sync) this.#track(sync);
        this.#emit({ type: "reset", syncId: event.syncId });
        return;
      }
    }
  }

  #resync(sync: SyncEntry): void {
    const tracked = this.#syncs.get(sync.id);
    if (!tracked) return;
    const before = [...tracked.byNode.values()].flat();
    tracked.byNode.clear();
    for (const node of sync.tree.nodes()) tracked.byNode.set(node.id, nodeTuples(node));
    this.#record(sync.id, diffTuples(before, [...tracked.byNode.values()].flat()));
  }

  #liveSync(syncId: string): SyncEntry | undefined {
    return this.#state.allSyncs().find((sync) => sync.id === syncId && !sync.deleted);
  }

  #emit(event: LedgerEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
