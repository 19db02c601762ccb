import type { AllowSet } from "./allow-set-cache.js";

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
  /** The subject's observed allow rate, when known. */
  allowRate: number | undefined;
  thresholds: PlannerThresholds;
}

export interface Plan {
  strategy: "post" | "pre";
  /** A post-filter that hits its budget may switch to pre-filter within the same query. */
  fallbackToPre: boolean;
  /** Why this plan, in words, for the report. */
  reason: string;
}

/**
 * Chooses how one query is filtered. The auto rule, in order:
 * 1. Every allow list of the subject is cached: pre-filter when all are complete and together hold
 *    at most `preMaxRecords` records (a small, exact filter); otherwise post-filter.
 * 2. Else, the subject's observed allow rate is below `preBelowRate`: pre-filter (post-filter
 *    would scan about k / rate candidates and check them over HTTP, while a cached allow list makes
 *    each later query one filtered search plus one verification call; measured in
 *    bench/retrieval.ts, pre wins from about 10% down). The list fetched then feeds rule 1.
 * 3. Else post-filter (nothing known, or the subject sees much).
 * A post-filter chosen by auto falls back to pre-filter when it hits its candidate or
 * permission-call budget, so a subject who sees little still gets k results on a first query.
 */
export function planStrategy(input: PlanInput): Plan {
  const { requested, cachedAllowSets, allowRate, thresholds } = input;
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
    return {
      strategy: "post",
      fallbackToPre: complete,
      reason: complete
        ? `cached allow lists are large (${size} records)`
        : "a cached allow list is incomplete",
    };
  }
  if (allowRate !== undefined && allowRate < thresholds.preBelowRate) {
    return {
      strategy: "pre",
      fallbackToPre: false,
      reason: `observed allow rate ${allowRate.toFixed(4)} < ${thresholds.preBelowRate}`,
    };
  }
  return {
    strategy: "post",
    fallbackToPre: true,
    reason:
      allowRate === undefined
        ? "no knowledge of the subject yet"
        : `observed allow rate ${allowRate.toFixed(4)}`,
  };
}
