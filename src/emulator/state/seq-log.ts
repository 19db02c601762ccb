/** Anything a sync serves in pull order. */
export interface Sequenced {
  seq: number;
}

/**
 * The active records of one sync ordered by `seq`, so a page after a cursor is a binary search and
 * a slice, never a scan. Files (`SyncTree`) and CRM/ticket records (`RecordTable`) both page
 * through one of these, so cursors, totals and deletions behave the same for every pipeline.
 */
export class SeqLog<T extends Sequenced> {
  /** Records deleted since the sync was created (they no longer appear in pulls). */
  deletedCount = 0;
  private nextSeq: number;
  private readonly ordered: T[] = [];

  constructor(nextSeq = 1) {
    this.nextSeq = nextSeq;
  }

  /** Rebuilds a log exactly as persisted: items keep their seqs. */
  static restore<T extends Sequenced>(items: readonly T[], nextSeq: number, deletedCount: number): SeqLog<T> {
    const log = new SeqLog<T>(nextSeq);
    log.ordered.push(...[...items].sort((a, b) => a.seq - b.seq));
    log.deletedCount = deletedCount;
    return log;
  }

  /** Active records. */
  get size(): number {
    return this.ordered.length;
  }

  /** The seq of the newest record, 0 when there is none. */
  get lastSeq(): number {
    return this.ordered.at(-1)?.seq ?? 0;
  }

  /** The next seq this log hands out (persisted so cursors stay valid across restarts). */
  get seqCounter(): number {
    return this.nextSeq;
  }

  /** Gives an item the next seq (adding it if new), so a pull from an older cursor returns it again. */
  stamp(item: T): void {
    this.drop(item);
    item.seq = this.nextSeq++;
    this.ordered.push(item);
  }

  /** Takes a deleted item out of pulls and counts it as deleted. */
  remove(item: T): void {
    if (this.drop(item)) this.deletedCount++;
  }

  /** Active items with seq > `afterSeq`, oldest first, at most `limit`, and how many remain after them. */
  pageAfter(afterSeq: number, limit: number): { records: T[]; remaining: number } {
    const start = this.firstAfter(afterSeq);
    const records = this.ordered.slice(start, start + limit);
    return { records, remaining: this.ordered.length - start - records.length };
  }

  /** How many active items have seq > `afterSeq`. */
  countAfter(afterSeq: number): number {
    return this.ordered.length - this.firstAfter(afterSeq);
  }

  private drop(item: T): boolean {
    const at = this.firstAfter(item.seq - 1);
    if (this.ordered[at] !== item) return false;
    this.ordered.splice(at, 1);
    return true;
  }

  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ordered[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * What a sync serves, seen as its records in pull order: the part `SyncTree` (files) and
 * `RecordTable` (CRM/ticket records) share. Subclasses index their items and keep `log` current.
 */
export abstract class SyncedItems<T extends Sequenced> {
  protected log: SeqLog<T>;

  protected constructor(nextSeq: number) {
    this.log = new SeqLog(nextSeq);
  }

  /** Active records. */
  get recordCount(): number {
    return this.log.size;
  }

  /** The seq of the newest record, 0 when there is none. */
  get lastSeq(): number {
    return this.log.lastSeq;
  }

  /** The next seq handed out (persisted so cursors stay valid across restarts). */
  get seqCounter(): number {
    return this.log.seqCounter;
  }

  /** Records deleted since the sync was created (they no longer appear in pulls). */
  get deletedCount(): number {
    return this.log.deletedCount;
  }

  /** Gives a new or changed record the next seq, so a pull from an older cursor returns it again. */
  stamp(item: T): void {
    this.log.stamp(item);
  }

  /** Active records with seq > `afterSeq`, oldest first, at most `limit`, and how many remain after them. */
  pageAfter(afterSeq: number, limit: number): { records: T[]; remaining: number } {
    return this.log.pageAfter(afterSeq, limit);
  }

  /** How many active records have seq > `afterSeq`. */
  countAfter(afterSeq: number): number {
    return this.log.countAfter(afterSeq);
  }
}
