import type { StrategyChoice } from "../access/index.js";
import type { PolicyAllow } from "./record-policies.js";

/**
 * Which path produced the results; `a→b` means `a` ran first and handed over to `b` within the
 * query. `race→…`: a stranger's first query, where a post-filter round raced the allow-list fetch.
 */
export type StrategyRun = "post" | "pre" | "post→pre" | "pre→post" | "race→post" | "race→pre";

/** Why fetching stopped before k allowed chunks were found (null: it did not). */
export type BudgetHit = "candidates" | "permissionCalls" | "time" | null;

/** One object the Permissions API could not decide (counted as a deny), or whose chunk the store read back wrong (left out). */
export interface ItemError {
  syncId: string;
  recordId: string;
  reason: string;
}

/**
 * What one retrieval did, so "fewer than k" is never silent. Returned by `retrieveWithReport`,
 * emitted as the `clearance_retrieval_report` custom callback event.
 */
export interface RetrievalReport {
  /** The Connected User whose chunks were searched. */
  tenant: string;
  subject: string;
  requestedStrategy: StrategyChoice;
  strategy: StrategyRun;
  /** The planner's reason for the first path, and the hand-over reason if any. */
  reason: string;
  k: number;
  returned: number;
  candidatesScanned: number;
  /** Permissions API requests sent (batch-check and list-objects). */
  permissionCalls: number;
  /** Objects decided by the Permissions API in this query (not from cache). */
  checks: number;
  /** The store has no more candidates for this subject: fewer than k means fewer than k exist. */
  exhausted: boolean;
  budgetHit: BudgetHit;
  /** Decisions and allow lists served from cache. */
  cacheHits: number;
  /** Results re-checked before return because their evidence was older than `freshnessMs`. */
  verified: number;
  /** Of those, how many the re-check denied (a revocation caught). */
  revokedOnVerify: number;
  /**
   * Objects the Permissions API failed to decide (each counted as a deny), and chunks the store read
   * back as another chunk (left out); the first 20 in `errors`.
   */
  itemErrors: number;
  errors: ItemError[];
  /**
   * The returned chunks of syncs without a Permissions API (CRM, ticketing), each with the record
   * policy that allowed it (`tenant`, `owner`); absent when every result is a file.
   */
  policyAllowed?: PolicyAllow[];
  /**
   * Record syncs whose records ranked among this query's candidates and were denied only because no
   * `records.policies` rule names the sync (denied by default, see docs/records.md): a misspelt
   * rule otherwise looks exactly like "this person may read nothing". Once per sync; absent when none.
   */
  unnamedSyncs?: UnnamedSync[];
  /**
   * Set when the answer was about to come back short of k on evidence cached by earlier queries
   * (see `ShortReverify`): what was re-verified, what it found, and whether a budget stopped it.
   */
  reverified?: ShortReverify;
  /** How current the permission evidence behind the results is, and why (see `FreshnessReport`). */
  freshness: FreshnessReport;
  /** Set when `onPermissionError: "empty"` turned a Permissions API failure into no results. */
  permissionError?: { code: string; message: string };
  elapsedMs: number;
}

/**
 * A short answer's re-verification. Fewer than k allowed chunks and no more candidates, where part
 * of what excluded candidates was evidence cached by earlier queries (a denial of a candidate, an
 * allow list a pre-filter searched by), at least `reverifyShortAfterMs` old and not vouched for by
 * a caught-up follower: "exhausted" would rest on it, and a file shared since would stay hidden
 * for as long as it is cached. It is asked again once, in the query (one batch-check, the lists
 * fetched again), within the permission-call and time budgets.
 */
export interface ShortReverify {
  /** Cached denials of the query's candidates checked again. */
  denials: number;
  /** Cached allow lists fetched again (the pre-filter then ran again on them). */
  lists: number;
  /** Results it added: chunks that stale evidence had hidden (a new grant). */
  found: number;
  /**
   * The budget that stopped it before all of that evidence was re-verified: the answer may be short
   * although more exist (the report's `exhausted` is false and `budgetHit` says the same).
   */
  stoppedBy?: "permissionCalls" | "time";
  /**
   * The Permissions API error that stopped it (`PERMISSIONS_UNAVAILABLE`, `PERMISSIONS_TIMEOUT`):
   * the answer stands as confirmed, but may be short (`exhausted` false).
   */
  failed?: string;
}

/** A record sync no record policy rule names, whose records ranked in a query and were denied. */
export interface UnnamedSync {
  syncId: string;
  integration?: string;
  pipeline: string;
  configurationName?: string;
  /** In words, for the operator: what happened and what to do. */
  message: string;
}

/**
 * How current the evidence behind a query's results was. `confirmed`: every result was confirmed
 * by the Permissions API during the query. `follower`: cached evidence was used where the
 * permission-changes follower proved it current (`stalenessBoundMs` bounds how stale), and
 * `unverified` lists syncs it could not vouch for (their results were all checked). `age`: cached
 * evidence younger than `freshnessMs` was used on age alone (no follower).
 */
export interface FreshnessReport {
  mode: "confirmed" | "follower" | "age";
  /** Upper bound on how old the permission truth behind any result may be, in ms (0: confirmed now). */
  stalenessBoundMs: number;
  /** In words, e.g. "staleness ≤ 1.3 s: the permission-changes follower is caught up". */
  summary: string;
  unverified?: { syncId: string; reason: string }[];
}

/** The running tally one query fills in. */
export interface Tally {
  candidatesScanned: number;
  permissionCalls: number;
  checks: number;
  cacheHits: number;
  verified: number;
  revokedOnVerify: number;
  itemErrors: number;
  errors: ItemError[];
}

export const MAX_REPORTED_ERRORS = 20;

export function newTally(): Tally {
  return {
    candidatesScanned: 0,
    permissionCalls: 0,
    checks: 0,
    cacheHits: 0,
    verified: 0,
    revokedOnVerify: 0,
    itemErrors: 0,
    errors: [],
  };
}
