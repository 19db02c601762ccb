import type { TupleKey } from "../../authz/index.js";

/** One tuple write or delete, as the Permission Changes feed reports it. */
export interface TupleChange {
  /** Position in the sync's log; the next read starts after it. */
  seq: number;
  operation: "write" | "delete";
  tuple: TupleKey;
  /** When the change happened (epoch ms). */
  at: number;
}

/** A page read from a log: the matching changes and the position to read from next. */
export interface LogPage {
  changes: TupleChange[];
  next: number;
}

/**
 * One sync's chronological log of tuple writes and deletes, the emulator's side of
 * `GET /api/permissions/{syncId}/changes`. It starts with the writes of the sync's tuples when the
 * log began, so replaying it from the start rebuilds the sync's tuple set; changes older than the
 * retention window are dropped, and a position before the oldest kept change can no longer be read.
 */
export class ChangeLog {
  readonly #entries: TupleChange[] = [];
  /** Seq of the first entry kept (equal to `#nextSeq` when none is kept). */
  #firstSeq = 0;
  #nextSeq = 0;

  constructor(readonly retention: { ms: number }) {}

  /** The position a reader that has seen everything is at. */
  get end(): number {
    return this.#nextSeq;
  }

  /** The oldest position that can still be read. */
  get start(): number {
    this.#prune(Date.now());
    return this.#firstSeq;
  }

  /** Appends one change's deletes then writes, in that order (the order they were applied in). */
  append(diff: { writes: readonly TupleKey[]; deletes: readonly TupleKey[] }, at = Date.now()): void {
    for (const tuple of diff.deletes) this.#push("delete", tuple, at);
    for (const tuple of diff.writes) this.#push("write", tuple, at);
    this.#prune(at);
  }

  /** The first position whose change happened at or after `time` (epoch ms). */
  positionAt(time: number): number {
    this.#prune(Date.now());
    const index = this.#entries.findIndex((entry) => entry.at >= time);
    return index < 0 ? this.#nextSeq : this.#entries[index]!.seq;
  }

  /**
   * Up to `limit` changes from `position` on whose tuple object has the type `type` (any when
   * undefined). `position` must be within [start, end]: the caller checks it against `start`.
   */
  read(position: number, limit: number, type: string | undefined): LogPage {
    const changes: TupleChange[] = [];
    let index = Math.max(0, position - this.#firstSeq);
    for (; index < this.#entries.length && changes.length < limit; index++) {
      const entry = this.#entries[index]!;
      if (type === undefined || entry.tuple.object.startsWith(`${type}:`)) changes.push(entry);
    }
    return { changes, next: index + this.#firstSeq };
  }

  #push(operation: TupleChange["operation"], tuple: TupleKey, at: number): void {
    this.#entries.push({ seq: this.#nextSeq++, operation, tuple, at });
  }

  #prune(now: number): void {
    const cutoff = now - this.retention.ms;
    let drop = 0;
    while (drop < this.#entries.length && this.#entries[drop]!.at < cutoff) drop++;
    if (drop === 0) return;
    this.#entries.splice(0, drop);
    this.#firstSeq = this.#entries[0]?.seq ?? this.#nextSeq;
  }
}
