// Which records each write to the chunks table changed, kept in the store's state so that every
// store on the folder follows another's writes as it follows its own (chunk-writes.ts): another
// process (`clearance ingest` beside `serve`, a second replica taking the webhooks) writing one
// tenant's records makes the chunk cache and the record memory drop those records, where it used
// to empty both for every tenant. A version with no entry (a compaction, a writer that stopped
// between its write and its entry, a version older than the ring) still empties them.

/** The records of each tenant a write changed ("all": any of its records). */
export type TouchedRecords = ReadonlyMap<string, ReadonlySet<string> | "all">;

/** A cache that answers for one version of the chunks table and follows writes (chunk-cache.ts, record-memory.ts). */
export interface ChangeFollower {
  /** The version its contents answer for; undefined before the first read. */
  readonly answersFor: number | undefined;
  /** The write that made `version` touched these records (moves it on only from `version - 1`). */
  wrote(version: number, touched: TouchedRecords): void;
}

/** What the log needs of the store's named state. */
export interface ChangeLogState {
  getState(scope: string, key: string): Promise<string | undefined>;
  putState(scope: string, key: string, value: string): Promise<void>;
}

const SCOPE = "chunk-changes";
/** Entries kept (one slot per version, overwritten in turn): a store further behind empties. */
const RING = 256;
/** A write touching more records is logged as unknown: its entry would be as large as a list. */
const MAX_LOGGED_RECORDS = 1_000;
/** Versions one catch-up reads; a store further behind empties (cheaper than reading them all). */
const MAX_FOLLOWED = 16;

interface Entry {
  version: number;
  /** Per tenant, its touched record ids or "all"; null when the write could not say. */
  tenants: Record<string, string[] | "all"> | null;
}

/**
 * The chunks table's change log in the store's state (scope `chunk-changes`).
 *
 * @example
 * await log.record(version, touched); // after a write that made `version`
 * await log.follow(await table.version()); // before a cache learns the version
 */
export class ChunkChangeLog {
  constructor(
    private readonly state: ChangeLogState,
    private readonly followers: readonly ChangeFollower[],
  ) {}

  /** Records what the write that made `version` touched (undefined: it could not say). Never throws. */
  async record(version: number, touched: TouchedRecords | undefined): Promise<void> {
    const entry: Entry = { version, tenants: touched && loggable(touched) ? toJson(touched) : null };
    // A lost entry costs readers an emptied cache, never a stale one: not worth failing the write.
    await this.state.putState(SCOPE, slotOf(version), JSON.stringify(entry)).catch(() => undefined);
  }

  /**
   * Moves every follower behind `version` on to it by the logged writes in between, when each of
   * them is logged and says what it touched; otherwise leaves them, and they empty when they learn
   * `version`. Never throws.
   */
  async follow(version: number): Promise<void> {
    const behind = this.followers
      .map((follower) => follower.answersFor)
      .filter((at): at is number => at !== undefined && at < version);
    if (behind.length === 0) return;
    const from = Math.min(...behind);
    if (version - from > MAX_FOLLOWED) return;
    const versions = Array.from({ length: version - from }, (_, i) => from + 1 + i);
    const entries = await Promise.all(versions.map((v) => this.read(v))).catch(() => undefined);
    if (!entries || entries.some((entry) => entry === undefined)) return;
    const touchedAt = new Map(versions.map((v, i) => [v, entries[i]!]));
    for (const follower of this.followers) {
      // wrote() moves a follower only from the version right before; one that moved meanwhile
      // (its own write, another catch-up) is left where it is.
      for (let v = (follower.answersFor ?? version) + 1; v <= version; v++) {
        follower.wrote(v, touchedAt.get(v)!);
      }
    }
  }

  /** The records the write that made `version` touched; undefined when not logged or not known. */
  private async read(version: number): Promise<TouchedRecords | undefined> {
    const value = await this.state.getState(SCOPE, slotOf(version));
    if (value === undefined) return undefined;
    const entry = JSON.parse(value) as Entry;
    if (entry.version !== version || entry.tenants === null) return undefined;
    return new Map(
      Object.entries(entry.tenants).map(([tenant, ids]) => [tenant, ids === "all" ? "all" : new Set(ids)]),
    );
  }
}

function slotOf(version: number): string {
  return String(version % RING);
}

function loggable(touched: TouchedRecords): boolean {
  let records = 0;
  for (const ids of touched.values()) records += ids === "all" ? 1 : ids.size;
  return records <= MAX_LOGGED_RECORDS;
}

function toJson(touched: TouchedRecords): Record<string, string[] | "all"> {
  return Object.fromEntries([...touched].map(([tenant, ids]) => [tenant, ids === "all" ? "all" : [...ids]]));
}
