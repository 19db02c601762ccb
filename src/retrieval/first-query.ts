import { linkAbort } from "../managed-sync/index.js";
import type { ScoredChunk } from "../store/index.js";
import type { CandidateSource } from "./candidates.js";
import { type QueryRun, refKey } from "./context.js";
import { decide } from "./decide.js";
import type { FilterOutcome } from "./outcome.js";
import { postFilter } from "./post-filter.js";
import { type AllowLists, listsAdmit, loadAllowLists, preFilter } from "./pre-filter.js";
import type { StrategyRun } from "./report.js";

export interface RaceResult {
  outcome: FilterOutcome;
  strategy: StrategyRun;
  /** What happened, appended to the plan's reason. */
  reason: string;
}

/**
 * Candidates the first search fetches per result wanted: enough that a person who sees 10% finds
 * k among them once the allow list is known, for about the cost of a k × 3 search.
 */
const FIRST_PAGE_PER_RESULT = 15;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * The first query of a subject nobody knows. One search fetches a generous first page while the
 * subject's allow lists are fetched; the best k × initialOverFetch candidates of the page are
 * batch-checked meanwhile (a post-filter round), and whichever reaches k first wins:
 * - the round finds k: done (the list fetch is cancelled, unless the follower could vouch for the
 *   lists on later queries);
 * - the lists arrive first and are small: the round is cancelled and they pre-filter the search;
 * - otherwise the lists sift the page already fetched (its first k listed candidates are the best
 *   k the subject may read) and, if it holds fewer, pre-filter the rest.
 * Lists requested during the query need no further check. An incomplete list leaves
 * post-filtering to go on. A person who sees 0.1% costs a list and a filtered search, not the
 * 20–30 post-filter rounds it took before; one who sees everything, one search and one check.
 */
export async function raceFirstQuery(run: QueryRun, source: CandidateSource): Promise<RaceResult> {
  const { ctx, k, tally } = run;
  const listing = new AbortController();
  const round = new AbortController();
  const unlink = [linkAbort(run.signal, listing), linkAbort(run.signal, round)];
  try {
    const listed = settle(loadAllowLists(run, listing.signal, { stranger: true }));
    const roundRun: QueryRun = { ...run, signal: round.signal };
    const limit = k * FIRST_PAGE_PER_RESULT;
    const page = settle(
      source({ limit, offset: 0, signal: round.signal }).then((hits) => {
        tally.candidatesScanned += hits.length;
        return hits;
      }),
    );
    const checked = settle(
      page.then((result) => {
        if (!result.ok) throw result.error;
        return checkTop(roundRun, result.value, limit);
      }),
    );

    const first = await Promise.race([
      checked.then((result) => ({ round: result })),
      listed.then((result) => ({ lists: result })),
    ]);
    if ("lists" in first && first.lists.ok && smallLists(run, first.lists.value)) {
      round.abort(new Error("the allow lists arrived first"));
      return await fromLists(run, source, first.lists.value, [], "the allow lists arrived first");
    }
    const roundResult = "round" in first ? first.round : await checked;
    if (!roundResult.ok) throw roundResult.error;
    const { allowed: found, everything } = roundResult.value;
    if (found.length >= k || everything) {
      if (!(ctx.settings.freshnessMs > 0 && ctx.changes)) listing.abort(new Error("the first round found k"));
      return {
        outcome: { hits: found.slice(0, k), exhausted: found.length < k, budgetHit: null },
        strategy: "race→post",
        reason: everything
          ? "; the first round checked every candidate there is"
          : "; the first post-filter round found k",
      };
    }
    const lists = await listed;
    if (!lists.ok) throw lists.error;
    if (!lists.value.complete) {
      return {
        outcome: await postFilter(run, source),
        strategy: "race→post",
        reason: "; an allow list hit a cap (incomplete), so post-filtering went on",
      };
    }
    return await fromLists(
      run,
      source,
      lists.value,
      roundResult.value.page,
      `the first round found ${found.length} of ${k}`,
    );
  } finally {
    for (const stop of unlink) stop();
  }
}

/**
 * The post-filter round: batch-checks the best k × initialOverFetch candidates of the page; the
 * allowed ones best first, whether they were every candidate the store has, and the page itself.
 */
async function checkTop(
  run: QueryRun,
  page: readonly ScoredChunk[],
  limit: number,
): Promise<{ allowed: ScoredChunk[]; everything: boolean; page: readonly ScoredChunk[] }> {
  const top = page.slice(0, run.k * run.ctx.settings.initialOverFetch);
  await decide(
    run,
    top.map((hit) => ({ syncId: hit.chunk.syncId, recordId: hit.chunk.recordId })),
  );
  const allowed = top.filter((hit) => run.decided.get(refKey(hit.chunk.syncId, hit.chunk.recordId)) === true);
  run.ctx.knowledge.recordScan(run.subject, run.ctx.settings.relation, top.length, allowed.length);
  return { allowed, everything: page.length < limit && top.length === page.length, page };
}

/** Lists a record-id filter can use cheaply. */
function smallLists(run: QueryRun, lists: AllowLists): boolean {
  return (
    lists.complete &&
    lists.sets.every((set) => set.everything || set.recordIds.size <= run.ctx.settings.maxFilterRecordIds)
  );
}

/**
 * The lists decide: the page already fetched is sifted through them first (its first k listed
 * candidates are the best k the subject may read, since the page is the best of everything); when
 * it holds fewer, the lists pre-filter the search.
 */
async function fromLists(
  run: QueryRun,
  source: CandidateSource,
  lists: AllowLists,
  page: readonly ScoredChunk[],
  why: string,
): Promise<RaceResult> {
  const bySync = new Map(lists.sets.map((set) => [set.syncId, set]));
  const listed = page.filter((hit) => listsAdmit(bySync, hit.chunk));
  if (page.length > 0)
    run.ctx.knowledge.recordScan(run.subject, run.ctx.settings.relation, page.length, listed.length);
  // A short page was every candidate there is: what the lists let through is all there is.
  const everything = page.length > 0 && page.length < run.k * FIRST_PAGE_PER_RESULT;
  if (listed.length >= run.k || everything) {
    return {
      outcome: { hits: listed.slice(0, run.k), exhausted: listed.length < run.k, budgetHit: null },
      strategy: "race→pre",
      reason: `; ${why}: the allow lists (${lists.records} records) sifted the first page`,
    };
  }
  return {
    outcome: await preFilter(run, source, lists),
    strategy: "race→pre",
    reason: `; ${why}: pre-filtered by the allow lists (${lists.records} records)`,
  };
}
