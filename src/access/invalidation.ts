import { preciseNow } from "./clock.js";
import type { Subject } from "./types.js";

/**
 * What a permission change may have made stale, within one sync. An omitted field means "every":
 * `{ syncId, recordId }` is one record for every subject, `{ syncId, subject }` every record of that
 * subject, `{ syncId }` the whole sync. Subjects are normalised (`normalizeSubject`).
 */
export interface Invalidation {
  syncId: string;
  recordId?: string;
  subject?: Subject;
}

/**
 * When the last invalidation happened. Evidence is stamped with the time its request was SENT; an
 * answer requested before an invalidation may predate the change behind it, so it must not enter
 * a cache that the invalidation already cleared (it still serves the query that asked for it).
 * Deliberately coarse (one instant for every scope): an answer in flight during any invalidation is
 * simply not cached, which costs a repeated request at worst and never a stale allow.
 */
export class InvalidationWatermark {
  #at = Number.NEGATIVE_INFINITY;

  /** Records an invalidation now. */
  bump(): void {
    this.#at = preciseNow();
  }

  /** Whether evidence requested at `requestedAt` is older than the last invalidation. */
  predates(requestedAt: number): boolean {
    return requestedAt <= this.#at;
  }
}
