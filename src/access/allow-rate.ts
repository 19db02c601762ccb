import { LRUCache } from "lru-cache";
import { normalizeSubject } from "./subject.js";
import type { Relation, Subject } from "./types.js";

interface Tally {
  scanned: number;
  allowed: number;
}

/** Below this many scanned candidates a subject's rate is not trusted yet. */
const MIN_SAMPLES = 10;
/** Tallies are halved past this, so the rate follows a subject whose access changes. */
const DECAY_AT = 20_000;

/**
 * The share of candidate chunks each subject was allowed, learnt from post-filter queries. It sizes
 * the next over-fetch and feeds the auto strategy. Bounded: it is the only per-user memory besides
 * the caches.
 */
export class AllowRateTracker {
  readonly #tallies: LRUCache<string, Tally>;

  constructor(options: { maxSubjects?: number; ttlMs?: number } = {}) {
    this.#tallies = new LRUCache<string, Tally>({
      // maxSize, not max: `max` preallocates its slots, and there is one tracker per active tenant.
      maxSize: options.maxSubjects ?? 10_000,
      sizeCalculation: () => 1,
      ttl: options.ttlMs ?? 30 * 60_000,
    });
  }

  record(subject: Subject, relation: Relation, scanned: number, allowed: number): void {
    if (scanned <= 0) return;
    const key = `${normalizeSubject(subject)}\u0000${relation}`;
    const tally = this.#tallies.get(key) ?? { scanned: 0, allowed: 0 };
    tally.scanned += scanned;
    tally.allowed += allowed;
    if (tally.scanned > DECAY_AT) {
      tally.scanned /= 2;
      tally.allowed /= 2;
    }
    this.#tallies.set(key, tally);
  }

  /** The observed allow rate in [0, 1], or undefined while there is too little evidence. */
  rate(subject: Subject, relation: Relation): number | undefined {
    const tally = this.#tallies.get(`${normalizeSubject(subject)}\u0000${relation}`);
    if (!tally || tally.scanned < MIN_SAMPLES) return undefined;
    return tally.allowed / tally.scanned;
  }

  clear(): void {
    this.#tallies.clear();
  }
}
