import { LRUCache } from "lru-cache";
import { normalizeSubject } from "./subject.js";
import type { ObjectRef, Relation, Subject } from "./types.js";

/** A remembered answer and when the Permissions API gave it (epoch ms). */
export interface CachedDecision {
  allowed: boolean;
  decidedAt: number;
}

export interface DecisionCacheOptions {
  /** How long an answer is reused; 0 turns the cache off. */
  ttlMs: number;
  /** Entries kept at most (default 100,000); the least recently used go first. */
  maxEntries?: number;
}

/**
 * Bounded, expiring memory of allow/deny answers per (subject, relation, sync, record). Errors are
 * never stored. Ingest and webhook handlers call `invalidateRecord` when a record or its sharing
 * changes, so a revocation does not wait for the TTL.
 */
export class DecisionCache {
  readonly #cache: LRUCache<string, CachedDecision> | undefined;
  // Side indexes so invalidation by record or subject does not scan the whole cache.
  readonly #byRecord = new Map<string, Set<string>>();
  readonly #bySubject = new Map<string, Set<string>>();

  constructor(options: DecisionCacheOptions) {
    if (options.ttlMs > 0) {
      this.#cache = new LRUCache<string, CachedDecision>({
        max: options.maxEntries ?? 100_000,
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

  set(subject: Subject, relation: Relation, object: ObjectRef, decision: CachedDecision): void {
    if (!this.#cache) return;
    const normalized = normalizeSubject(subject);
    const key = keyOf(normalized, relation, object);
    this.#cache.set(key, decision);
    index(this.#byRecord, object.recordId, key);
    index(this.#bySubject, normalized, key);
  }

  /** Forgets every answer about `recordId`, for every subject (its content or sharing changed). */
  invalidateRecord(recordId: string): void {
    this.#deleteAll(this.#byRecord.get(recordId));
  }

  /** Forgets every answer for `subject` (their group membership changed, they left). */
  invalidateSubject(subject: Subject): void {
    this.#deleteAll(this.#bySubject.get(normalizeSubject(subject)));
  }

  clear(): void {
    this.#cache?.clear();
    this.#byRecord.clear();
    this.#bySubject.clear();
  }

  #deleteAll(keys: Set<string> | undefined): void {
    if (!keys) return;
    for (const key of [...keys]) this.#cache?.delete(key);
  }

  #unindex(key: string): void {
    const [subject, , , recordId] = key.split("\u0000");
    if (recordId !== undefined) unindex(this.#byRecord, recordId, key);
    if (subject !== undefined) unindex(this.#bySubject, subject, key);
  }
}

function keyOf(subject: string, relation: Relation, object: ObjectRef): string {
  return `${subject}\u0000${relation}\u0000${object.syncId}\u0000${object.recordId}`;
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
