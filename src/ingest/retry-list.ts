import type { ChunkStore } from "../store/index.js";

/**
 * The records of a sync that failed transiently and must be tried again, each with how many runs
 * in a row failed on it. An incremental pull resumes after the saved cursor, so a record that
 * failed on an earlier page would never come back by itself; its id is kept here (in the store's
 * named state: scope {@link retryScope}, key the sync id, `{ id: runs }` or `{ id: { runs, repeat } }`
 * as JSON) and fetched again at the start of the next run.
 */
export class RetryList {
  // Failed runs per record as loaded, and as this run leaves them.
  private readonly before: ReadonlyMap<string, RetryEntry>;
  private readonly ids: Map<string, RetryEntry>;
  private dirty = false;

  private constructor(
    private readonly store: ChunkStore,
    private readonly tenant: string,
    private readonly syncId: string,
    saved: Map<string, RetryEntry>,
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

  /**
   * How many runs before this one failed on the record in a row (0 when it is not on the list).
   * With `repeat` (a failure that becomes lasting when it repeats, see `repeatKey`), only the runs
   * that failed that same way count: a file whose download was refused by an outage twice, then
   * timed out, has timed out once.
   */
  failedRuns(recordId: string, repeat?: string): number {
    const entry = this.before.get(recordId);
    if (!entry) return 0;
    if (repeat === undefined) return entry.runs;
    return entry.repeat === repeat ? entry.runs : 0;
  }

  /**
   * Records the outcome of a record: a transient failure joins (or stays on) the list, anything else
   * leaves it. `read: false` is a failure before the record's content was read (the Sync API served
   * it malformed): it stays on the list but its count starts again, since the count is how many
   * reads in a row failed (three timeouts in a row make a timeout permanent). `repeat` names the
   * way it failed when that way counts towards a lasting verdict; the count is then of that way.
   */
  note(recordId: string, failed: boolean, read = true, repeat?: string): void {
    if (failed) {
      const runs = read ? this.failedRuns(recordId, repeat) + 1 : 0;
      const entry: RetryEntry = read && repeat !== undefined ? { runs, repeat } : { runs };
      const now = this.ids.get(recordId);
      if (now?.runs === entry.runs && now.repeat === entry.repeat) return;
      this.ids.set(recordId, entry);
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
    else {
      const saved = [...this.ids].map(([id, e]) => [id, e.repeat === undefined ? e.runs : e] as const);
      await this.store.putState(scope, this.syncId, JSON.stringify(Object.fromEntries(saved)));
    }
    this.dirty = false;
  }
}

/** The state scope of a tenant's retry lists, one key per sync. */
export function retryScope(tenant: string): string {
  return `ingest-retry:${tenant}`;
}

/**
 * One record on the list: the runs in a row that failed on it, and, when those failures count
 * towards a lasting verdict, which way they failed. Saved as the bare count when there is no
 * `repeat` (the format of lists written before it existed), `{ runs, repeat }` otherwise.
 */
interface RetryEntry {
  runs: number;
  repeat?: string;
}

function parseRuns(json: string | undefined): Map<string, RetryEntry> {
  if (!json) return new Map();
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== "object" || Array.isArray(value)) return new Map();
    const entries = new Map<string, RetryEntry>();
    for (const [id, saved] of Object.entries(value)) {
      if (Number.isInteger(saved)) entries.set(id, { runs: saved as number });
      else if (isEntry(saved)) entries.set(id, { runs: saved.runs, repeat: saved.repeat });
    }
    return entries;
  } catch {
    // A corrupt list costs only retries: a full run finds every record again anyway.
    return new Map();
  }
}

function isEntry(value: unknown): value is Required<RetryEntry> {
  if (!value || typeof value !== "object") return false;
  const { runs, repeat } = value as Record<string, unknown>;
  return Number.isInteger(runs) && typeof repeat === "string";
}
