// Which records each write to the chunks table changed, kept in the store's state so that every
// store on the folder follows another's writes as it follows its own (chunk-writes.ts): another
// process (`clearance ingest` beside `serve`, a second replica taking the webhooks) writing one
// tenant's records makes the chunk cache and the record memory drop those records, where it used
// to empty both for every tenant. A version with no entry (a compaction, a writer that stopped
// between its write and its entry, a version older than the ring) still empties them. Every entry
// names the chunks table it was written for (table-id.ts): one of a table since recreated, whose
// versions started again at 1, is no entry.
import { z } from "zod";
import type { ChunkStore } from "../types.js";
import type { TouchedRecords } from "./cache-version.js";

/** A cache that answers for one version of the chunks table and follows writes (chunk-cache.ts, record-memory.ts). */
export interface ChangeFollower {
  /** The version its contents answer for; undefined before the first read. */
  readonly answersFor: number | undefined;
  /** The write that made `version` touched these records (moves it on only from `version - 1`). */
  wrote(version: number, touched: TouchedRecords): void;
  /** Drops everything and answers for no version. */
  clear(): void;
}

/** The chunks table's id as the store opened it, and a way to read it as it is now (table-id.ts). */
export interface ChunksTableId {
  readonly opened: string | undefined;
  current(): Promise<string | undefined>;
}

const SCOPE = "clearance:chunk-changes";
/** Entries kept (one slot per version, overwritten in turn): a store further behind empties. */
const RING = 256;
/** A write touching more records is logged as unknown: its entry would be as large as a list. */
const MAX_LOGGED_RECORDS = 1_000;
/** Versions one catch-up reads; a store further behind empties (cheaper than reading them all). */
const MAX_FOLLOWED = 16;

/**
 * One logged write. Read strictly: an entry of another shape (garbled, or written by another
 * Clearance version during a rolling upgrade) is taken as missing, so the reader empties rather
 * than follow a write it cannot read.
 */
const EntrySchema = z.strictObject({
  version: z.number().int().nonnegative(),
  /** The chunks table written to (table-id.ts). */
  table: z.string(),
  /** Per tenant, its touched record ids or "all"; null when the write could not say. */
  tenants: z.record(z.string(), z.union([z.literal("all"), z.array(z.string())])).nullable(),
});
type Entry = z.infer<typeof EntrySchema>;

/** Entries remembered once read. */
const REMEMBERED = 64;

/**
 * The chunks table's change log in the store's state (scope `clearance:chunk-changes`), and the one
 * place the caches hear of writes: this store's own (`wrote`) and, read back, the others' (`follow`).
 *
 * @example
 * await log.wrote(version, touched); // after this store's write that made `version`
 * await log.follow(await table.version()); // before a cache learns the version
 */
export class ChunkChangeLog {
  constructor(
    private readonly state: Pick<ChunkStore, "getState" | "putState">,
    private readonly followers: readonly ChangeFollower[],
    private readonly chunksTable: ChunksTableId,
  ) {
    this.tableId = chunksTable.opened;
  }

  // The chunks table this store's caches were filled from, as far as it knows: its entries name
  // it, and it follows only entries naming it. Learnt again at a catch-up that finds another.
  private tableId: string | undefined;

  // Entries read, by version (an entry never changes once written): a query's reads share them.
  // Only of the table `tableId` names: forgotten when it changes.
  private readonly remembered = new Map<number, TouchedRecords>();

  /**
   * This store's write made `version` and touched these records (undefined: it could not say):
   * the followers drop them, then it is logged for the other stores on the folder. Never throws.
   */
  async wrote(version: number, touched: TouchedRecords | undefined): Promise<void> {
    if (touched) for (const follower of this.followers) follower.wrote(version, touched);
    await this.record(version, touched);
  }

  private async record(version: number, touched: TouchedRecords | undefined): Promise<void> {
    // Without a table id no reader could tell which table it is of: logged as unknown.
    const known = touched && this.tableId !== undefined && loggable(touched);
    const entry: Entry = { version, table: this.tableId ?? "", tenants: known ? toJson(touched) : null };
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
    const table = this.tableId;
    if (table === undefined) {
      // Opened without an id (read-only, on a table made before ids): another store may have given
      // the table one since. Learnt, it is followed from the next catch-up on; until then, empty.
      this.tableChanged(await this.chunksTable.current().catch(() => undefined));
      return;
    }
    // The table's id is read again here, not per query: a catch-up is when another store wrote,
    // and a table recreated under this process (by another one) must not have its versions
    // followed by the removed table's entries, nor its caches answer for them.
    const read = await Promise.all([
      this.chunksTable.current(),
      Promise.all(versions.map((v) => this.read(v, table))),
    ]).catch(() => undefined);
    if (!read) return;
    const [current, entries] = read;
    if (current !== table) {
      this.tableChanged(current);
      return;
    }
    // A catch-up that settled first found the table recreated: these entries are of the removed one.
    if (entries.some((entry) => entry === undefined) || this.tableId !== table) return;
    const touchedAt = new Map(versions.map((v, i) => [v, entries[i]!]));
    for (const follower of this.followers) {
      // wrote() moves a follower only from the version right before; one that moved meanwhile
      // (its own write, another catch-up) is left where it is. One that went back meanwhile (a
      // read that learnt an older version settled late) may need an entry not read here: it stops
      // there and empties when it learns `version`, never moving past a write it was not told of.
      for (let v = (follower.answersFor ?? version) + 1; v <= version; v++) {
        const touched = touchedAt.get(v);
        if (!touched) break;
        follower.wrote(v, touched);
      }
    }
  }

  /**
   * The chunks table was recreated since this store learnt its id: what the caches hold may be of
   * the removed table, at any version (the new one's may reach theirs), so they empty.
   */
  private tableChanged(current: string | undefined): void {
    // Another catch-up saw it first.
    if (current === this.tableId) return;
    this.tableId = current;
    this.remembered.clear();
    for (const follower of this.followers) follower.clear();
  }

  /**
   * The records the write to `table` that made `version` touched; undefined when not logged, not
   * known, or written for another table.
   */
  private async read(version: number, table: string): Promise<TouchedRecords | undefined> {
    const known = this.remembered.get(version);
    if (known && this.tableId === table) return known;
    const value = await this.state.getState(SCOPE, slotOf(version));
    if (value === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      return undefined;
    }
    const entry = EntrySchema.safeParse(json);
    if (!entry.success || entry.data.version !== version || entry.data.table !== table) return undefined;
    if (entry.data.tenants === null) return undefined;
    const touched: TouchedRecords = new Map(
      Object.entries(entry.data.tenants).map(([tenant, ids]) => [
        tenant,
        ids === "all" ? "all" : new Set(ids),
      ]),
    );
    // Not kept when the table changed while it was read: the map holds the current table's only.
    if (this.tableId === table) this.remembered.set(version, touched);
    if (this.remembered.size > REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
    return touched;
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
