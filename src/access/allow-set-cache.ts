import { LRUCache } from "lru-cache";
import { preciseNow } from "./clock.js";
import { type Invalidation, InvalidationWatermark } from "./invalidation.js";
import { normalizeSubject } from "./subject.js";
import type { AllowList, Relation, Subject } from "./types.js";

/** An allow list as cached: a set for membership tests, and when its request was sent (epoch ms). */
export interface AllowSet {
  syncId: string;
  recordIds: ReadonlySet<string>;
  complete: boolean;
  everything: boolean;
  /** A stranger's probe cut at the endpoint's cap (`AllowList.partial`): incomplete, never cached. */
  partial?: boolean;
  /** Records the list could not decide (`AllowList.undecided`): not in `recordIds`, checked when they rank. */
  undecided?: ReadonlySet<string>;
  requestedAt: number;
}

export interface AllowSetCacheOptions {
  /** How long a list is reused; 0 fetches one per query. */
  ttlMs: number;
  /** Lists kept at most (default 1,000). */
  maxEntries?: number;
}

interface InFlight {
  requestedAt: number;
  promise: Promise<AllowSet>;
}

/**
 * Allow lists per (subject, relation, sync), stamped with the time their request was sent.
 * Concurrent queries for the same list share one fetch, unless an invalidation happened since it
 * was sent. Errors are never cached, nor is a list requested before the last invalidation.
 */
export class AllowSetCache {
  readonly #cache: LRUCache<string, AllowSet> | undefined;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #watermark = new InvalidationWatermark();

  constructor(options: AllowSetCacheOptions) {
    if (options.ttlMs > 0) {
      // maxSize, not max: `max` preallocates its slots, and there is one cache per active tenant.
      this.#cache = new LRUCache<string, AllowSet>({
        maxSize: options.maxEntries ?? 1_000,
        sizeCalculation: () => 1,
        ttl: options.ttlMs,
      });
    }
  }

  /** The cached list, if any and not expired; never fetches. */
  peek(subject: Subject, relation: Relation, syncId: string): AllowSet | undefined {
    return this.#cache?.get(keyOf(normalizeSubject(subject), relation, syncId));
  }

  /**
   * The cached list, or one fetched with `fetch` (shared with any concurrent caller). A `partial`
   * answer serves its caller only (not cached), and a concurrent caller only when it too asked for
   * a probe (`partialOk`): one that needs the whole list fetches its own. `requestedSince`: a
   * cached or in-flight list requested before that instant is not used (a list re-verified), and
   * the one fetched instead replaces it in the cache.
   */
  async get(
    subject: Subject,
    relation: Relation,
    syncId: string,
    fetch: () => Promise<AllowList>,
    options: { partialOk?: boolean; requestedSince?: number } = {},
  ): Promise<{ set: AllowSet; fetched: boolean; calls: number }> {
    const key = keyOf(normalizeSubject(subject), relation, syncId);
    const since = options.requestedSince ?? Number.NEGATIVE_INFINITY;
    const cached = this.#cache?.get(key);
    if (cached && cached.requestedAt >= since) return { set: cached, fetched: false, calls: 0 };
    const pending = this.#inFlight.get(key);
    // A list requested before an invalidation may miss the change behind it: ask again instead.
    if (pending && pending.requestedAt >= since && !this.#watermark.predates(pending.requestedAt)) {
      try {
        const shared = await pending.promise;
        // A stranger's probe joined by a query that needs the whole list (a pre-filter, the race's
        // second fetch) would leave that query post-filtering on a budget: fewer than k.
        if (!shared.partial || options.partialOk) return { set: shared, fetched: false, calls: 0 };
      } catch {
        // The sharer's fetch failed or was cancelled by its own caller: fetch our own (a real
        // outage fails that one too).
      }
    }
    let calls = 0;
    const requestedAt = preciseNow();
    const promise = fetch().then((list) => {
      calls = list.calls;
      const set: AllowSet = {
        syncId,
        recordIds: new Set(list.recordIds),
        complete: list.complete,
        everything: list.everything === true,
        ...(list.partial ? { partial: true } : {}),
        ...(list.undecided?.length ? { undecided: new Set(list.undecided) } : {}),
        requestedAt,
      };
      // A partial list (a stranger's probe) is not the subject's list: the next query asks again.
      // Nor does a list replace one requested after it (a re-verified list, asked for while this
      // fetch was in flight and back first): the newer request is the later word.
      const newer = this.#cache?.get(key);
      if (
        !(list.partial || this.#watermark.predates(requestedAt) || (newer && newer.requestedAt > requestedAt))
      )
        this.#cache?.set(key, set);
      return set;
    });
    const entry = { requestedAt, promise };
    this.#inFlight.set(key, entry);
    try {
      return { set: await promise, fetched: true, calls };
    } finally {
      if (this.#inFlight.get(key) === entry) this.#inFlight.delete(key);
    }
  }

  /** Drops one list, e.g. after a verification found it stale. */
  delete(subject: Subject, relation: Relation, syncId: string): void {
    this.#cache?.delete(keyOf(normalizeSubject(subject), relation, syncId));
  }

  /**
   * Drops every list a change in `scope` may have made stale: the lists of its sync (of its
   * subject, when it names one). A change to one record may grant it as well as revoke it, so
   * lists without the record go too.
   */
  invalidate(scope: Invalidation): void {
    this.#watermark.bump();
    if (!this.#cache) return;
    const subject = scope.subject === undefined ? undefined : normalizeSubject(scope.subject);
    for (const [key, set] of [...this.#cache.entries()]) {
      if (set.syncId !== scope.syncId) continue;
      if (subject !== undefined && subjectOf(key) !== subject) continue;
      this.#cache.delete(key);
    }
  }

  /** Drops every list of `subject`, in every sync. */
  invalidateSubject(subject: Subject): void {
    this.#watermark.bump();
    if (!this.#cache) return;
    const normalized = normalizeSubject(subject);
    for (const key of [...this.#cache.keys()]) if (subjectOf(key) === normalized) this.#cache.delete(key);
  }

  clear(): void {
    this.#watermark.bump();
    this.#cache?.clear();
  }
}

function keyOf(subject: string, relation: Relation, syncId: string): string {
  return `${subject}\u0000${relation}\u0000${syncId}`;
}

function subjectOf(key: string): string {
  return key.slice(0, key.indexOf("\u0000"));
}
