import { LRUCache } from "lru-cache";
import { type Invalidation, InvalidationWatermark } from "./invalidation.js";
import { normalizeSubject } from "./subject.js";
import type { ObjectRef, Relation, Subject } from "./types.js";

/** A remembered answer and when the request that produced it was sent (epoch ms). */
export interface CachedDecision {
  allowed: boolean;
  requestedAt: number;
}

export interface DecisionCacheOptions {
  /** How long an answer is reused; 0 turns the cache off. */
  ttlMs: number;
  /** Entries kept at most (default 100,000); the least recently used go first. */
  maxEntries?: number;
}

/**
 * Bounded, expiring memory of allow/deny answers per (subject, relation, sync, record). Errors are
 * never stored. Ingest, webhook handlers and the permission-changes follower call `invalidate` when
 * a record, its sharing or a subject's groups change, so a revocation does not wait for the TTL; an
 * answer requested before such an invalidation is refused (see `InvalidationWatermark`).
 */
export class DecisionCache {
  readonly #cache: LRUCache<string, CachedDecision> | undefined;
  readonly #watermark = new InvalidationWatermark();
  // Side indexes so invalidation by record, subject or sync does not scan the whole cache.
  readonly #byRecord = new Map<string, Set<string>>();
  readonly #bySubject = new Map<string, Set<string>>();
  readonly #bySync = new Map<string, Set<string>>();

  constructor(options: DecisionCacheOptions) {
    if (options.ttlMs > 0) {
      this.#cache = new LRUCache<string, CachedDecision>({
        // maxSize, not max: lru-cache preallocates `max` slots up front, and a deployment holds one
        // cache per active tenant; counted entries grow only as they are used.
        maxSize: options.maxEntries ?? 100_000,
        sizeCalculation: () => 1,
        ttl: options.ttlMs,
        dispose: (_value, key) => this.#unindex(key),
      });
    }
  }

  /** False when built with TTL 0. */
  get enabled(): boolean {
    return this.#cache !== undefined;
  }

  get size(): number {
    return this.#cache?.size ?? 0;
  }

  get(subject: Subject, relation: Relation, object: ObjectRef): CachedDecision | undefined {
    return this.#cache?.get(keyOf(normalizeSubject(subject), relation, object));
  }

  /**
   * Remembers an answer, unless its request was sent before the last invalidation, or before the
   * request behind the answer already cached: a slow answer arriving after a newer one (an allow
   * asked for before a revocation, back after the denial asked for since) is the older word.
   */
  set(subject: Subject, relation: Relation, object: ObjectRef, decision: CachedDecision): void {
    if (!this.#cache || this.#watermark.predates(decision.requestedAt)) return;
    const normalized = normalizeSubject(subject);
    const key = keyOf(normalized, relation, object);
    // peek: a refused answer must not count as a use of the newer one (LRU order, TTL).
    const newer = this.#cache.peek(key);
    if (newer && newer.requestedAt > decision.requestedAt) return;
    this.#cache.set(key, decision);
    index(this.#byRecord, recordKey(object.syncId, object.recordId), key);
    index(this.#bySubject, normalized, key);
    index(this.#bySync, object.syncId, key);
  }

  /** Forgets every answer a change in `scope` may have made stale. */
  invalidate(scope: Invalidation): void {
    this.#watermark.bump();
    const subject = scope.subject === undefined ? undefined : normalizeSubject(scope.subject);
    const candidates =
      scope.recordId !== undefined
        ? this.#byRecord.get(recordKey(scope.syncId, scope.recordId))
        : subject !== undefined
          ? this.#bySubject.get(subject)
          : this.#bySync.get(scope.syncId);
    if (!candidates) return;
    for (const key of [...candidates]) {
      const parts = partsOf(key);
      if (parts.syncId !== scope.syncId) continue;
      if (subject !== undefined && parts.subject !== subject) continue;
      this.#cache?.delete(key);
    }
  }

  /** Forgets every answer for `subject` in every sync (their group membership changed, they left). */
  invalidateSubject(subject: Subject): void {
    this.#watermark.bump();
    this.#deleteAll(this.#bySubject.get(normalizeSubject(subject)));
  }

  clear(): void {
    this.#watermark.bump();
    this.#cache?.clear();
    this.#byRecord.clear();
    this.#bySubject.clear();
    this.#bySync.clear();
  }

  #deleteAll(keys: Set<string> | undefined): void {
    if (!keys) return;
    for (const key of [...keys]) this.#cache?.delete(key);
  }

  #unindex(key: string): void {
    const { subject, syncId, recordId } = partsOf(key);
    unindex(this.#byRecord, recordKey(syncId, recordId), key);
    unindex(this.#bySubject, subject, key);
    unindex(this.#bySync, syncId, key);
  }
}

const SEP = "\u0000";

function keyOf(subject: string, relation: Relation, object: ObjectRef): string {
  return [subject, relation, object.syncId, object.recordId].join(SEP);
}

function partsOf(key: string): { subject: string; syncId: string; recordId: string } {
  const [subject = "", , syncId = "", recordId = ""] = key.split(SEP);
  return { subject, syncId, recordId };
}

function recordKey(syncId: string, recordId: string): string {
  return `${syncId}${SEP}${recordId}`;
}

function index(map: Map<string, Set<string>>, id: string, key: string): void {
  const keys = map.get(id);
  if (keys) keys.add(key);
  else map.set(id, new Set([key]));
}

function unindex(map: Map<string, Set<string>>, id: string, key: string): void {
  const keys = map.get(id);
  if (!keys) return;
  keys.delete(key);
  if (keys.size === 0) map.delete(id);
}
