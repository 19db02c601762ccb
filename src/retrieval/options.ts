import { z } from "zod";
import { DEFAULT_PLANNER_THRESHOLDS } from "../access/index.js";

/** Limits on how much one query may spend looking for k allowed chunks. */
export const budgetSchema = z.object({
  /** Candidate chunks read from the store by post-filtering (default 3,000). */
  maxCandidates: z.number().int().positive().default(3_000),
  /** Permissions API requests per query; checked between rounds, so one round may overshoot (default 40). */
  maxPermissionCalls: z.number().int().positive().default(40),
  /**
   * Wall time one query may take (default 5,000 ms): permission calls and searches still in flight
   * when it runs out are cancelled, and the query ends with what it confirmed by then
   * (`budgetHit: "time"`, `exhausted: false`). The embedding of the query text is not counted.
   */
  maxMs: z.number().int().positive().default(5_000),
});
export type RetrievalBudget = z.infer<typeof budgetSchema>;

/** Tunables of the retriever, validated once at construction. */
export const retrievalSettingsSchema = z.object({
  /** Results wanted. */
  k: z.number().int().positive().max(1_000).default(6),
  /** `auto` picks per query (see `planStrategy`); `post` and `pre` force one path. */
  strategy: z.enum(["auto", "post", "pre"]).default("auto"),
  budget: budgetSchema.default(budgetSchema.parse({})),
  /** The permission relation required (default `can_read`). */
  relation: z.enum(["can_read", "can_write", "is_owner"]).default("can_read"),
  /** How long a subject's allow lists are reused (default 60 s; 0: one list-objects per query). */
  allowSetTtlMs: z.number().int().nonnegative().default(60_000),
  /**
   * How stale the permission evidence behind a returned chunk may be. Default 0: every result is
   * confirmed by an answer requested during the query, so a revocation takes effect on the next
   * query; a new grant, without a follower and whatever F, shows once the cached denial or list
   * that hides it is reverifyShortAfterMs old (a short answer re-verifies it), at the latest after
   * decisionCacheTtlMs or allowSetTtlMs. With F > 0 and a permission-changes follower (`changes`), cached evidence is used while
   * the follower proves it current (caught up less than F ago); otherwise every result is
   * confirmed, and the report says why. With F > 0 and no follower, cached evidence younger than F
   * is used on age alone: a revocation can then take up to min(F, decisionCacheTtlMs) (post-filter)
   * or min(F, allowSetTtlMs) (pre-filter) unless `invalidate`/`invalidateRecord` is called.
   */
  freshnessMs: z.number().int().nonnegative().default(0),
  /**
   * An answer about to come back short of k (the tenant has no more candidates) whose exclusions
   * rested partly on evidence cached by earlier queries (a cached denial of a candidate, or a cached
   * allow list a pre-filter searched by) re-verifies that evidence once, in the same query, when it
   * is at least this old and no permission-changes follower vouches for it: one batch-check of the
   * denials and/or the lists fetched again. A file just shared with someone then reaches them on
   * their next query instead of after decisionCacheTtlMs or allowSetTtlMs. Younger evidence is
   * taken as it is, so a person who really sees fewer than k chunks pays for it at most once per
   * this interval: a permission call per sync whose denials (200 per call) or list are asked again
   * (none for a `tenant` or `deny` sync's list; an `owner` sync's denials by its owner list, a call
   * per 1,000 records of the sync, or a record read each where that costs less), within
   * maxPermissionCalls (default 5 s; 0: every short answer re-verifies).
   */
  reverifyShortAfterMs: z.number().int().nonnegative().default(5_000),
  /** How long allow/deny answers are reused (default 30 s; 0 turns the decision cache off). */
  decisionCacheTtlMs: z.number().int().nonnegative().default(30_000),
  decisionCacheMaxEntries: z.number().int().positive().default(100_000),
  /** On a Permissions API failure: throw a typed error (default), or return no results with the reason in the report. */
  onPermissionError: z.enum(["throw", "empty"]).default("throw"),
  /** Auto's thresholds (see `planStrategy`). */
  preMaxRecords: z.number().int().nonnegative().default(DEFAULT_PLANNER_THRESHOLDS.preMaxRecords),
  preBelowRate: z.number().min(0).max(1).default(DEFAULT_PLANNER_THRESHOLDS.preBelowRate),
  /**
   * A pre-filter searches at most this many listed records as a record-id filter (cheap: the store
   * scans those rows exactly); a larger list is searched by sync and checked against the list in
   * memory, since a filter of tens of thousands of ids costs more than the search (default 1,000).
   */
  maxFilterRecordIds: z.number().int().positive().default(1_000),
  /** Candidates fetched per allowed result wanted when nothing is known about the subject (default 3). */
  initialOverFetch: z.number().min(1).default(3),
});
export type RetrievalSettings = z.infer<typeof retrievalSettingsSchema>;
export type RetrievalSettingsInput = z.input<typeof retrievalSettingsSchema>;
