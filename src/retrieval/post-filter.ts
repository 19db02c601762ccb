import type { ScoredChunk } from "../store/index.js";
import { budgetExceeded } from "./budget.js";
import type { CandidateSource } from "./candidates.js";
import { firstSight, type QueryRun, refKey } from "./context.js";
import { decide } from "./decide.js";
import type { FilterOutcome } from "./outcome.js";
import { outOfTime, timeNote } from "./time-budget.js";

/** Never ask for fewer candidates than this per round, to keep round trips few. */
const MIN_PAGE = 10;
/** Never ask for more than this per round, so one round cannot blow the budget by much. */
export const MAX_PAGE = 5_000;
/** Over-fetch margin on top of the estimate, so a round usually suffices. */
const SAFETY = 1.5;

/**
 * Post-filter: pages through the best candidates, checks their records, keeps the allowed, until k
 * are found, the store is exhausted, a budget is hit, or `rounds` rounds ran. Each round is sized
 * from the allow rate seen so far in this query, or the subject's rate from earlier queries. Where
 * a trusted complete allow list is at hand (`run.lists`) it decides without the Permissions API:
 * a tenant search checked against the list.
 */
export async function postFilter(
  run: QueryRun,
  source: CandidateSource,
  options: { rounds?: number } = {},
): Promise<FilterOutcome> {
  const { ctx, subject, k, tally } = run;
  const relation = ctx.settings.relation;
  const prior = ctx.knowledge.rate(subject, relation);
  let rounds = options.rounds ?? Number.POSITIVE_INFINITY;
  const hits: ScoredChunk[] = [];
  const seen = new Set<string>();
  let offset = 0;
  let scanned = 0;
  let allowedSeen = 0;
  // What is new to what is known about the subject: a post-filter after the first query's round
  // searches its page again from the top.
  let learntScanned = 0;
  let learntAllowed = 0;
  let exhausted = false;
  let budgetHit = budgetExceeded(run);
  let cut = false;
  while (hits.length < k && !budgetHit && rounds-- > 0) {
    try {
      if (await postRound()) break;
    } catch (error) {
      // The time budget cancelled the round's search or check: what earlier rounds allowed stands.
      if (!outOfTime(run)) throw error;
      budgetHit = "time";
      cut = true;
      break;
    }
    if (hits.length < k) budgetHit = budgetExceeded(run);
  }
  ctx.knowledge.recordScan(subject, relation, learntScanned, learntAllowed);
  return { hits, exhausted, budgetHit, ...(cut ? { note: timeNote(run, "a post-filter round") } : {}) };

  /** One round: a page searched and checked, its allowed hits kept; true when it was the last page. */
  async function postRound(): Promise<boolean> {
    const limit = Math.min(
      nextPageSize(k - hits.length, scanned, allowedSeen, prior, ctx.settings.initialOverFetch),
      ctx.settings.budget.maxCandidates - tally.candidatesScanned,
    );
    const page = await source({ limit, offset, ...(run.signal ? { signal: run.signal } : {}) });
    offset += page.length;
    tally.candidatesScanned += page.length;
    const fresh = page.filter((hit) => !seen.has(hit.chunk.id));
    for (const hit of fresh) seen.add(hit.chunk.id);
    await decide(
      run,
      fresh.map((hit) => ({ syncId: hit.chunk.syncId, recordId: hit.chunk.recordId })),
    );
    for (const hit of fresh) {
      scanned += 1;
      const allowed = run.decided.get(refKey(hit.chunk.syncId, hit.chunk.recordId)) === true;
      if (firstSight(run, hit.chunk.id)) {
        learntScanned += 1;
        if (allowed) learntAllowed += 1;
      }
      if (!allowed) continue;
      allowedSeen += 1;
      if (hits.length < k) hits.push(hit);
    }
    exhausted = page.length < limit;
    return exhausted;
  }
}

/**
 * How many candidates to fetch to find `need` more allowed ones: need / rate with a margin, using
 * this query's rate once it has seen an allow, else the subject's prior (never below
 * `initialOverFetch` per result), else `initialOverFetch`.
 * With nothing allowed yet, it grows geometrically.
 */
function nextPageSize(
  need: number,
  scanned: number,
  allowedSeen: number,
  prior: number | undefined,
  initialOverFetch: number,
): number {
  let size: number;
  if (allowedSeen > 0) size = ((need * scanned) / allowedSeen) * SAFETY;
  else if (scanned > 0) size = scanned * 4;
  // The first page is never below k × initialOverFetch: an approximate index finds the true top k
  // more reliably when asked for more, and it costs one check request either way.
  else if (prior !== undefined && prior > 0)
    size = Math.max(need * initialOverFetch, (need / prior) * SAFETY);
  else size = need * initialOverFetch;
  return Math.min(MAX_PAGE, Math.max(MIN_PAGE, need, Math.ceil(size)));
}
