import type { ChunkStore } from "../store/index.js";

/**
 * The records of a sync that failed transiently and must be tried again, each with how many runs
 * in a row failed on it. An incremental pull resumes after the saved cursor, so a record that
 * failed on an earlier page would never come back by itself; its id is kept here (in the store's
 * named state: scope {@link retryScope}, key the sync id, `{ id: runs }` as JSON) and fetched
 * again at the start of the next run.
 */
export class RetryList {
  // Failed runs per record as loaded, and as this run leaves them.
  private readonly before: ReadonlyMap<string, number>;
  private readonly ids: Map<string, number>;
  private dirty = false;

  private constructor(
    private readonly store: ChunkStore,
    private readonly tenant: string,
    private readonly syncId: string,
    saved: Map<string, number>,
  ) {
    this.before = saved;
    this.ids = new Map(saved);
  }

  /** Reads the list saved by earlier runs (empty when none). */
  static async load(store: ChunkStore, tenant: string, syncId: string): Promise<RetryList> {
    const saved = await store.getState(retryScope(tenant), syncId);
    return new RetryList(store, tenant, syncId, parseRuns(saved));
  }

  /** The ids to retry, oldest first. */
  get pending(): string[] {
    return [...this.ids.keys()];
  }

  get size(): number {
    return this.ids.size;
  }

  /** How many runs before this one failed on the record in a row (0 when it is not on the list). */
  failedRuns(recordId: string): number {
    return this.before.get(recordId) ?? 0;
  }

  /**
   * Records the outcome of a record: a transient failure joins (or stays on) the list, anything else
   * leaves it. `read: false` is a failure before the record's content was read (the Sync API served
   * it malformed): it stays on the list but its count starts again, since the count is how many
   * reads in a row failed (three timeouts in a row make a timeout permanent).
   */
  note(recordId: string, failed: boolean, read = true): void {
    if (failed) {
      const runs = read ? this.failedRuns(recordId) + 1 : 0;
      if (this.ids.get(recordId) === runs) return;
      this.ids.set(recordId, runs);
    } else if (!this.ids.delete(recordId)) {
      return;
    }
    this.dirty = true;
  }

  /** Keeps only the ids `keep` accepts (after a full pull: records the sync still has). */
  retain(keep: (recordId: string) => boolean): void {
    for (const id of [...this.ids.keys()]) if (!keep(id)) this.note(id, false);
  }

  /** Writes the list if it changed; call it before the cursor that moves past a failure. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const scope = retryScope(this.tenant);
    if (this.ids.size === 0) await this.store.deleteState(scope, this.syncId);
    else await this.store.putState(scope, this.syncId, JSON.stringify(Object.fromEntries(this.ids)));
    this.dirty = false;
  }
}

/** The state scope of a tenant's retry lists, one key per sync. */
export function retryScope(tenant: string): string {
  return `ingest-retry:${tenant}`;
}

function parseRuns(json: string | undefined): Map<string, number> {
  if (!json) return new Map();
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== "object" || Array.isArray(value)) return new Map();
    return new Map(
      Object.entries(value).filter((entry): entry is [string, number] => Number.isInteger(entry[1])),
    );
  } catch {
    // A corrupt list costs only retries: a full run finds every record again anyway.
    return new Map();
  }
}
