import { preciseNow } from "../access/index.js";
import type { QueryRun } from "./context.js";
import type { FreshnessReport } from "./report.js";

/** How far one query trusts one sync's cached evidence. */
export interface SyncTrust {
  /** Cached evidence requested before this instant (epoch ms) is re-checked before return. */
  since: number;
  /** When the follower last proved the sync's caches current (follower mode only). */
  through?: number;
  /** Why this sync's caches are not trusted at all (a follower that is not caught up). */
  unverified?: string;
}

/**
 * From when one sync's cached evidence counts as current for this query:
 * - `freshnessMs: 0`: nothing cached counts; every result is confirmed during the query.
 * - a permission-changes follower attached: what it proves, and only while it proves it: caught up
 *   less than `freshnessMs` ago, evidence requested since it started following. Otherwise
 *   nothing cached counts (the report says why).
 * - no follower: evidence younger than `freshnessMs` (age alone, unproven; the report says so).
 */
export function trustedSince(run: QueryRun, syncId: string): number {
  let trust = run.trust.get(syncId);
  if (!trust) {
    trust = trustOf(run, syncId);
    run.trust.set(syncId, trust);
  }
  return trust.since;
}

function trustOf(run: QueryRun, syncId: string): SyncTrust {
  const { freshnessMs } = run.ctx.settings;
  // Asked even when nothing will be trusted: it marks the sync in use, so it gets followed.
  const coverage = run.ctx.changes?.coverage(syncId);
  if (freshnessMs === 0) return { since: run.startedAt };
  if (!coverage) return { since: run.startedAt - freshnessMs };
  if (!coverage.verified) return { since: run.startedAt, unverified: coverage.reason };
  const age = run.startedAt - coverage.through;
  if (age > freshnessMs) {
    return {
      since: run.startedAt,
      unverified: `the permission-changes follower last caught up ${seconds(age)} ago, more than freshnessMs (${seconds(freshnessMs)})`,
    };
  }
  return { since: coverage.since, through: coverage.through };
}

/** What the query's report says about freshness, from the syncs whose evidence it weighed. */
export function freshnessReport(run: QueryRun): FreshnessReport {
  const { freshnessMs } = run.ctx.settings;
  if (freshnessMs === 0) {
    return {
      mode: "confirmed",
      stalenessBoundMs: 0,
      summary: "freshnessMs 0: every result was confirmed by the Permissions API during the query",
    };
  }
  if (!run.ctx.changes) {
    return {
      mode: "age",
      stalenessBoundMs: freshnessMs,
      summary: `staleness ≤ ${seconds(freshnessMs)} by age alone (no permission-changes follower): a revocation can take that long unless invalidated`,
    };
  }
  const trusts = [...run.trust.entries()];
  const unverified = trusts.flatMap(([syncId, t]) =>
    t.unverified ? [{ syncId, reason: t.unverified }] : [],
  );
  const oldest = Math.min(...trusts.flatMap(([, t]) => (t.through === undefined ? [] : [t.through])));
  const bound = Number.isFinite(oldest) ? Math.max(0, preciseNow() - oldest) : 0;
  const summary =
    unverified.length === 0
      ? `staleness ≤ ${seconds(bound)}: the permission-changes follower is caught up`
      : `caches unverified for ${unverified.length} sync(s) (${unverified[0]!.reason}): their results were all checked during the query${Number.isFinite(oldest) ? `; elsewhere staleness ≤ ${seconds(bound)}` : ""}`;
  return {
    mode: "follower",
    stalenessBoundMs: Math.round(bound),
    summary,
    ...(unverified.length > 0 ? { unverified } : {}),
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
