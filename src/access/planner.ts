import type { AllowSet } from "./allow-set-cache.js";
import { type Knowledge, rateOf } from "./subject-knowledge.js";

export type StrategyChoice = "auto" | "post" | "pre";

export interface PlannerThresholds {
  /** Auto pre-filters when the subject's complete allow lists hold at most this many records (default 5,000). */
  preMaxRecords: number;
  /** Auto pre-filters when the subject's observed allow rate is below this (default 0.25). */
  preBelowRate: number;
}

export const DEFAULT_PLANNER_THRESHOLDS: PlannerThresholds = { preMaxRecords: 5_000, preBelowRate: 0.25 };

export interface PlanInput {
  requested: StrategyChoice;
  /** Cached lists for every sync in scope, or undefined when any is missing or expired. */
  cachedAllowSets: readonly AllowSet[] | undefined;
  /** Those lists are proven current (they can decide results without the Permissions API). */
  cachedListsTrusted?: boolean;
  /** What is known about the subject (allow rate, list sizes), from memory or the store's state. */
  knowledge: Knowledge | undefined;
  /** The syncs in scope, to tell whether the known list sizes cover them all. */
  syncIds?: readonly string[];
  thresholds: PlannerThresholds;
}

export interface Plan {
  /**
   * `race`: nothing is known about the subject; run a post-filter round and fetch the allow lists
   * at the same time, and go on with whichever reaches k first.
   */
  strategy: "post" | "pre" | "race";
  /** A post-filter that hits its budget may switch to pre-filter within the same query. */
  fallbackToPre: boolean;
  /** Why this plan, in words, for the report. */
  reason: string;
}

/**
 * Chooses how one query is filtered. The auto rule, in order:
 * 1. Every allow list of the subject is cached and complete: pre-filter when together they hold at
 *    most `preMaxRecords` records (a small, exact filter), or when they are proven current (then a
 *    tenant search checked against them costs no permission call); otherwise post-filter.
 * 2. The subject's list sizes are known (this process or another learnt them) and small: pre-filter.
 * 3. The subject's allow rate is known: pre-filter below `preBelowRate` (post-filter would scan
 *    about k / rate candidates and check them over HTTP; measured in bench/retrieval.ts), else
 *    post-filter, falling back to pre-filter if it hits its budget.
 * 4. Nothing known (a stranger): race a post-filter round against the allow-list fetch.
 */
export function planStrategy(input: PlanInput): Plan {
  const { requested, cachedAllowSets, knowledge, thresholds } = input;
  if (requested === "post")
    return { strategy: "post", fallbackToPre: false, reason: "post-filter requested" };
  if (requested === "pre") return { strategy: "pre", fallbackToPre: false, reason: "pre-filter requested" };
  if (cachedAllowSets) {
    const complete = cachedAllowSets.every((set) => set.complete);
    const size = cachedAllowSets.reduce(
      (sum, set) => sum + (set.everything ? Number.POSITIVE_INFINITY : set.recordIds.size),
      0,
    );
    if (complete && size <= thresholds.preMaxRecords) {
      return {
        strategy: "pre",
        fallbackToPre: false,
        reason: `cached allow lists hold ${size} ≤ ${thresholds.preMaxRecords} records`,
      };
    }
    if (complete && input.cachedListsTrusted) {
      return {
        strategy: "pre",
        fallbackToPre: false,
        reason: `cached allow lists are proven current (${size} records)`,
      };
    }
    return {
      strategy: "post",
      fallbackToPre: complete,
      reason: complete
        ? `cached allow lists are large (${size} records)`
        : "a cached allow list is incomplete",
    };
  }
  const sizes = knowledge?.listSizes;
  const syncIds = input.syncIds ?? [];
  if (sizes && syncIds.length > 0 && syncIds.every((id) => sizes[id] !== undefined)) {
    const known = syncIds.reduce((sum, id) => sum + (sizes[id] ?? 0), 0);
    if (known <= thresholds.preMaxRecords) {
      return {
        strategy: "pre",
        fallbackToPre: false,
        reason: `the subject's allow lists held ${known} ≤ ${thresholds.preMaxRecords} records when last fetched`,
      };
    }
  }
  const allowRate = rateOf(knowledge);
  if (allowRate !== undefined && allowRate < thresholds.preBelowRate) {
    return {
      strategy: "pre",
      fallbackToPre: false,
      reason: `observed allow rate ${allowRate.toFixed(4)} < ${thresholds.preBelowRate}`,
    };
  }
  if (allowRate !== undefined) {
    return { strategy: "post", fallbackToPre: true, reason: `observed allow rate ${allowRate.toFixed(4)}` };
  }
  return {
    strategy: "race",
    fallbackToPre: true,
    reason: "nothing known about the subject yet: a post-filter round raced the allow-list fetch",
  };
}
