import type { ChunkStore } from "../store/index.js";

/**
 * The records of a sync that failed and must be tried again. An incremental pull resumes after the
 * saved cursor, so a record that failed on an earlier page would never come back by itself; its id
 * is kept here (in the store's named state: scope {@link retryScope}, key the sync id, the ids as
 * JSON) and fetched again at the start of the next run.
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
    const saved = await store.getState(retryScope(tenant), syncId);
    return new RetryList(store, tenant, syncId, parseIds(saved));
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
    const scope = retryScope(this.tenant);
    if (this.ids.size === 0) await this.store.deleteState(scope, this.syncId);
    else await this.store.putState(scope, this.syncId, JSON.stringify(this.pending));
    this.dirty = false;
  }
}

/** The state scope of a tenant's retry lists, one key per sync. */
export function retryScope(tenant: string): string {
  return `ingest-retry:${tenant}`;
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
