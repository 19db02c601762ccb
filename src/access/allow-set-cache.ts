import { LRUCache } from "lru-cache";
import { preciseNow } from "./clock.js";
import { normalizeSubject } from "./subject.js";
import type { AllowList, Relation, Subject } from "./types.js";

/** An allow list as cached: a set for membership tests, and when it was fetched (epoch ms). */
export interface AllowSet {
  syncId: string;
  recordIds: ReadonlySet<string>;
  complete: boolean;
  everything: boolean;
  fetchedAt: number;
}

export interface AllowSetCacheOptions {
  /** How long a list is reused; 0 fetches one per query. */
  ttlMs: number;
  /** Lists kept at most (default 1,000). */
  maxEntries?: number;
}

/**
 * Allow lists per (subject, relation, sync) with their fetch time. Concurrent queries for the same
 * list share one fetch. Errors are never cached.
 */
export class AllowSetCache {
  readonly #cache: LRUCache<string, AllowSet> | undefined;
  readonly #inFlight = new Map<string, Promise<AllowSet>>();

  constructor(options: AllowSetCacheOptions) {
    if (options.ttlMs > 0) {
      this.#cache = new LRUCache<string, AllowSet>({ max: options.maxEntries ?? 1_000, ttl: options.ttlMs });
    }
  }

  /** The cached list, if any and not expired; never fetches. */
  peek(subject: Subject, relation: Relation, syncId: string): AllowSet | undefined {
    return this.#cache?.get(keyOf(normalizeSubject(subject), relation, syncId));
  }

  /** The cached list, or one fetched with `fetch` (shared with any concurrent caller). */
  async get(
    subject: Subject,
    relation: Relation,
    syncId: string,
    fetch: () => Promise<AllowList>,
  ): Promise<{ set: AllowSet; fetched: boolean; calls: number }> {
    const key = keyOf(normalizeSubject(subject), relation, syncId);
    const cached = this.#cache?.get(key);
    if (cached) return { set: cached, fetched: false, calls: 0 };
    const pending = this.#inFlight.get(key);
    if (pending) return { set: await pending, fetched: false, calls: 0 };
    let calls = 0;
    const promise = fetch().then((list) => {
      calls = list.calls;
      const set: AllowSet = {
        syncId,
        recordIds: new Set(list.recordIds),
        complete: list.complete,
        everything: list.everything === true,
        fetchedAt: preciseNow(),
      };
      this.#cache?.set(key, set);
      return set;
    });
    this.#inFlight.set(key, promise);
    try {
      return { set: await promise, fetched: true, calls };
    } finally {
      this.#inFlight.delete(key);
    }
  }

  /** Drops one list, e.g. after a verification found it stale. */
  delete(subject: Subject, relation: Relation, syncId: string): void {
    this.#cache?.delete(keyOf(normalizeSubject(subject), relation, syncId));
  }

  /** Drops every list that contains `recordId` (a revocation), and with `syncId` every list of that sync (a grant). */
  invalidateRecord(recordId: string, syncId?: string): void {
    if (!this.#cache) return;
    for (const [key, set] of [...this.#cache.entries()]) {
      if (set.recordIds.has(recordId) || set.syncId === syncId) this.#cache.delete(key);
    }
  }

  invalidateSubject(subject: Subject): void {
    if (!this.#cache) return;
    const prefix = `${normalizeSubject(subject)}\u0000`;
    for (const key of [...this.#cache.keys()]) if (key.startsWith(prefix)) this.#cache.delete(key);
  }

  clear(): void {
    this.#cache?.clear();
  }
}

function keyOf(subject: string, relation: Relation, syncId: string): string {
  return `${subject}\u0000${relation}\u0000${syncId}`;
}
