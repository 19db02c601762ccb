import {
  type AllowSet,
  normalizeSubject,
  PermissionsTimeoutError,
  PermissionsUnavailableError,
  planStrategy,
  preciseNow,
} from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";
import { loadAllowLists, prefetchAllowLists } from "./allow-lists.js";
import type { CandidateSource, HeldRecords, SiftedSource } from "./candidates.js";
import type { EnforcementContext, QueryRun } from "./context.js";
import { NoSubjectError } from "./errors.js";
import { raceFirstQuery } from "./first-query.js";
import { type FilterOutcome, standing } from "./outcome.js";
import { postFilter } from "./post-filter.js";
import { preFilter } from "./pre-filter.js";
import { newTally, type RetrievalReport, type ShortReverify, type StrategyRun } from "./report.js";
import { reverifyShort } from "./reverify-short.js";
import { keepSiftedToTenant, keepToTenant } from "./tenant-guard.js";
import { outOfTime, timeBudget, timeNote } from "./time-budget.js";
import { freshnessReport, trustedSince, weighTrust } from "./trust.js";
import { unnamedSyncs } from "./unnamed-syncs.js";

export interface EnforceRequest {
  subject: string | undefined;
  k: number;
  /** Candidates best first, within the retriever's tenant. */
  source: CandidateSource;
  /** The same candidates as refs, read whole only once kept (dense search has them). */
  sifted?: SiftedSource | undefined;
  /** What the store holds in memory of the tenant's records (the embedded store can). */
  held?: HeldRecords | undefined;
  signal?: AbortSignal | undefined;
}

export interface EnforceResult {
  /** Allowed chunks, best first, at most k. */
  hits: ScoredChunk[];
  report: RetrievalReport;
}

/**
 * THE enforcement point. Every search path (dense similarity, MMR, the agent tool, any future
 * keyword or hybrid source) gets its chunks from here and nowhere else: it picks post- or
 * pre-filtering, runs it until k allowed chunks, exhaustion or a budget, verifies stale evidence,
 * and reports what it did. Nothing leaves without an allow decision for `subject`.
 */
export async function enforce(ctx: EnforcementContext, request: EnforceRequest): Promise<EnforceResult> {
  const subject = request.subject === undefined ? "" : normalizeSubject(request.subject);
  if (subject === "") throw new NoSubjectError();
  const startedAt = preciseNow();
  const source = keepToTenant(request.source, ctx.tenant);
  // Every permission call and search of the query carries it: maxMs bounds the query, not only
  // when its rounds start.
  const deadline = timeBudget(request.signal, ctx.settings.budget.maxMs);
  const run: QueryRun = {
    ctx,
    subject,
    k: request.k,
    signal: deadline.signal,
    deadline,
    startedAt,
    trust: new Map(),
    tally: newTally(),
    decided: new Map(),
    deniedAt: new Map(),
    lists: new Map(),
    learnt: new Set(),
    afterward: [],
    sifted: keepSiftedToTenant(request.sifted, ctx.tenant),
    held: request.held,
  };
  const { settings } = ctx;
  let strategy: StrategyRun = "post";
  let reason = "";
  let outcome: FilterOutcome = { hits: [], exhausted: false, budgetHit: null };
  let reverified: ShortReverify | undefined;
  try {
    const syncIds = ctx.syncIds ? await ctx.syncIds(run.signal) : undefined;
    if (syncIds) await weighTrust(run, syncIds);
    const cached = syncIds ? cachedAllowSets(run, syncIds) : undefined;
    const cachedTrusted = cached?.every((set) => set.requestedAt >= trustedSince(run, set.syncId)) ?? false;
    const plan = planStrategy({
      requested: syncIds ? settings.strategy : "post",
      cachedAllowSets: cached,
      cachedListsTrusted: cachedTrusted,
      knowledge: await ctx.knowledge.recall(subject, settings.relation),
      ...(syncIds ? { syncIds } : {}),
      thresholds: { preMaxRecords: settings.preMaxRecords, preBelowRate: settings.preBelowRate },
    });
    reason = syncIds ? plan.reason : "post-filter (no sync list: pre-filtering unavailable)";
    if (plan.strategy === "race") {
      const race = await raceFirstQuery(run, source);
      ({ outcome, strategy } = race);
      reason += race.reason;
    } else if (plan.strategy === "post") {
      if (syncIds && !cachedTrusted && prefetchAllowLists(run, syncIds))
        reason +=
          "; the allow lists are fetched in the background for the next queries (the follower vouches for them)";
      outcome = await postFilter(run, source);
      const stuck = outcome.budgetHit === "candidates" || outcome.budgetHit === "permissionCalls";
      if (outcome.hits.length < run.k && stuck && plan.fallbackToPre) {
        const lists = await loadAllowLists(run);
        if (lists.complete) {
          strategy = "post→pre";
          reason += `; post-filter hit its ${outcome.budgetHit} budget, switched to pre-filter`;
          outcome = await preFilter(run, source, lists);
        } else {
          reason += "; post-filter hit its budget and an allow list is incomplete: no pre-filter fallback";
        }
      }
    } else {
      const lists = await loadAllowLists(run);
      if (!lists.complete) {
        strategy = "pre→post";
        reason += "; an allow list hit a cap (incomplete), so it is not used as a filter: post-filtered";
        outcome = await postFilter(run, source);
      } else {
        strategy = "pre";
        // A list of undecided records only is not empty: they are searched, and checked where they rank.
        if (lists.records === 0 && lists.sets.every((set) => !set.everything && !set.undecided?.size))
          reason += "; the allow set is empty";
        outcome = await preFilter(run, source, lists);
      }
    }
    // Before "exhausted" goes out on evidence earlier queries cached: a grant since may hide behind it.
    ({ outcome, reverified } = await reverifyShort(run, source, outcome));
  } catch (error) {
    if (outOfTime(run)) {
      // A step outside the filters' rounds (a list fetch, the sync list) was cancelled by the time
      // budget: the answer is what the query had confirmed before it.
      outcome = standing(run, outcome, "time", timeNote(run, "the query"));
    } else {
      const failed = error instanceof PermissionsUnavailableError || error instanceof PermissionsTimeoutError;
      if (!failed || settings.onPermissionError !== "empty") throw error;
      return {
        hits: [],
        report: {
          ...buildReport(run, strategy, reason, { hits: [], exhausted: false, budgetHit: null }),
          permissionError: { code: error.code, message: error.message },
        },
      };
    }
  } finally {
    deadline.dispose();
    // Once the answer is out: the work is the next moment's, never this query's.
    if (run.afterward.length > 0) {
      setImmediate(() => {
        for (const task of run.afterward) {
          // Nobody awaits it: a throw (a custom store's) would be uncaught and end the process.
          try {
            task();
          } catch {
            // The work was optional (loading a list ahead of the next query).
          }
        }
      });
    }
  }
  // The query's own signal may have fired on the clock: these lookups answer to the caller's.
  const unnamed = await unnamedSyncs({ ...run, signal: request.signal });
  const report = { ...buildReport(run, strategy, reason, outcome), ...(reverified ? { reverified } : {}) };
  return { hits: outcome.hits, report: unnamed.length > 0 ? { ...report, unnamedSyncs: unnamed } : report };
}

/**
 * The subject's cached allow list in every sync, or undefined when any is missing. Complete ones
 * join `run.lists` (they decide wherever the query trusts them). Weighing every sync's trust here
 * fixes it for the whole query, puts each sync in the report, and starts following a sync from the
 * tenant's first query on.
 */
function cachedAllowSets(run: QueryRun, syncIds: readonly string[]): AllowSet[] | undefined {
  const { ctx } = run;
  for (const syncId of syncIds) trustedSince(run, syncId);
  const sets = syncIds.map((syncId) => ctx.allowSets.peek(run.subject, ctx.settings.relation, syncId));
  for (const set of sets) if (set?.complete) run.lists.set(set.syncId, set);
  return sets.every((set) => set !== undefined) ? (sets as AllowSet[]) : undefined;
}

function buildReport(
  run: QueryRun,
  strategy: StrategyRun,
  reason: string,
  outcome: FilterOutcome,
): RetrievalReport {
  const { tally } = run;
  return {
    tenant: run.ctx.tenant,
    subject: run.subject,
    requestedStrategy: run.ctx.settings.strategy,
    strategy,
    reason: outcome.note ? `${reason}; ${outcome.note}` : reason,
    k: run.k,
    returned: outcome.hits.length,
    candidatesScanned: tally.candidatesScanned,
    permissionCalls: tally.permissionCalls,
    checks: tally.checks,
    exhausted: outcome.exhausted,
    budgetHit: outcome.hits.length < run.k ? outcome.budgetHit : null,
    cacheHits: tally.cacheHits,
    verified: tally.verified,
    revokedOnVerify: tally.revokedOnVerify,
    itemErrors: tally.itemErrors,
    errors: tally.errors,
    freshness: freshnessReport(run),
    elapsedMs: Math.round((preciseNow() - run.startedAt) * 10) / 10,
  };
}
