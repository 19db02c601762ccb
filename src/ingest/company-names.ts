import { LRUCache } from "lru-cache";

export interface CompanyNameCacheOptions {
  /** How long an index is trusted (default 10 minutes). */
  ttlMs?: number;
  /** Indexes kept at most, one per tenant and integration (default 256; least recently used go first). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Company names by external id, per tenant and integration, kept for `ttlMs` (default 10 minutes)
 * and shared across runs: a webhook worker runs one small ingest per event batch, and without it
 * every deal event would pull the whole companies sync again. A rename shows after the TTL (and a
 * `full` run re-renders the deals that name it). Bounded, so a long-lived worker's memory does not
 * grow with every tenant that ever sent a deal event.
 */
export class CompanyNameCache {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries: LRUCache<string, { at: number; names: Promise<Map<string, string>> }>;

  constructor(options: CompanyNameCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#entries = new LRUCache({ max: Math.max(1, options.maxEntries ?? 256) });
  }

  /** Indexes held now (fresh or not yet evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /** The cached index for `key`, or the one `load` makes (a failed load is not kept). */
  get(key: string, load: () => Promise<Map<string, string>>): Promise<Map<string, string>> {
    const entry = this.#entries.get(key);
    if (entry && this.#now() - entry.at <= this.#ttlMs) return entry.names;
    const fresh = { at: this.#now(), names: load() };
    this.#entries.set(key, fresh);
    fresh.names.catch(() => {
      if (this.#entries.peek(key) === fresh) this.#entries.delete(key);
    });
    return fresh.names;
  }
}
