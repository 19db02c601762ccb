import { preciseNow, type RecordPolicyName } from "../access/index.js";
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
 *   nothing cached counts (the report says why). It proves nothing about a sync decided by a
 *   record policy (see {@link weighTrust}): nothing cached of such a sync counts.
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

/**
 * Weighs every sync in scope at the query's start, with what trust needs to know about each: the
 * record policy that decides it, if any. The Permission Changes feed carries tuple changes only;
 * a CRM owner reassigned, or a member leaving a directory, is no change there, so a caught-up
 * follower vouches for nothing cached of a record-policy sync (a `tenant` check reads nothing; an
 * `owner` check reads the record, as the policy promises: a reassigned deal follows its new owner
 * on the next query).
 */
export async function weighTrust(run: QueryRun, syncIds: readonly string[]): Promise<void> {
  const { ctx } = run;
  const followed = ctx.settings.freshnessMs > 0 && ctx.changes !== undefined;
  const policyOf = ctx.access.policyOf?.bind(ctx.access);
  const policies =
    followed && policyOf ? await Promise.all(syncIds.map((syncId) => policyOf(syncId, run.signal))) : [];
  syncIds.forEach((syncId, index) => {
    if (!run.trust.has(syncId)) run.trust.set(syncId, trustOf(run, syncId, policies[index] ?? "none"));
  });
}

function trustOf(
  run: QueryRun,
  syncId: string,
  policy: RecordPolicyName | "none" | "unknown" = "unknown",
): SyncTrust {
  const { freshnessMs } = run.ctx.settings;
  // A `deny` sync's caches hold only denials: nothing to vouch for.
  const recordPolicy =
    run.ctx.changes !== undefined && run.ctx.access.policyOf && policy !== "none" && policy !== "deny";
  // Asked even when nothing will be trusted: it marks the sync in use, so it gets followed (a
  // record-policy sync's feed would prove nothing).
  const coverage = recordPolicy ? undefined : run.ctx.changes?.coverage(syncId);
  if (freshnessMs === 0) return { since: run.startedAt };
  if (recordPolicy) {
    return {
      since: run.startedAt,
      unverified:
        policy === "unknown"
          ? `sync ${syncId} was not among the tenant's syncs weighed when the query started: its record policy, if any, is unknown`
          : `sync ${syncId} is decided by the ${policy} record policy, whose changes the permission-changes feed does not carry`,
    };
  }
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
