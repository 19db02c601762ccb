import type { ChunkStore } from "../store/index.js";

/**
 * The records of a sync that failed and must be tried again. An incremental pull resumes after the
 * saved cursor, so a record that failed on an earlier page would never come back by itself; its id
 * is kept here (in the store, beside the cursor) and fetched again at the start of the next run.
 *
 * The store's `SyncState` has only a cursor, so the list lives in a second sync-state row keyed
 * `<syncId>#retry` whose cursor field holds the ids as JSON.
 */
export class RetryList {
  private readonly ids: Set<string>;
  private dirty = false;

  private constructor(
    private readonly store: ChunkStore,
    private readonly tenant: string,
    private readonly syncId: string,
    ids: Iterable<string>,
  ) {
    this.ids = new Set(ids);
  }

  /** Reads the list saved by earlier runs (empty when none). */
  static async load(store: ChunkStore, tenant: string, syncId: string): Promise<RetryList> {
    const state = await store.getSyncState(tenant, retryKey(syncId));
    return new RetryList(store, tenant, syncId, parseIds(state?.cursor));
  }

  /** The ids to retry, oldest first. */
  get pending(): string[] {
    return [...this.ids];
  }

  get size(): number {
    return this.ids.size;
  }

  /** Records the outcome of a record: failures join the list, anything else leaves it. */
  note(recordId: string, failed: boolean): void {
    if (failed === this.ids.has(recordId)) return;
    if (failed) this.ids.add(recordId);
    else this.ids.delete(recordId);
    this.dirty = true;
  }

  /** Keeps only the ids `keep` accepts (after a full pull: records the sync still has). */
  retain(keep: (recordId: string) => boolean): void {
    for (const id of this.ids) if (!keep(id)) this.note(id, false);
  }

  /** Writes the list if it changed; call it before the cursor that moves past a failure. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    await this.store.putSyncState(this.tenant, retryKey(this.syncId), {
      cursor: JSON.stringify(this.pending),
      updatedAt: new Date().toISOString(),
    });
    this.dirty = false;
  }
}

function retryKey(syncId: string): string {
  return `${syncId}#retry`;
}

function parseIds(json: string | undefined): string[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
  } catch {
    // A corrupt list costs only retries: a full run finds every record again anyway.
    return [];
  }
}
