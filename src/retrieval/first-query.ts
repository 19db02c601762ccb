import { preciseNow } from "../access/index.js";
import { linkAbort } from "../managed-sync/index.js";
import type { ScoredChunk } from "../store/index.js";
import { type AllowLists, loadAllowLists } from "./allow-lists.js";
import type { CandidateSource } from "./candidates.js";
import { firstSight, type QueryRun, refKey } from "./context.js";
import { decide } from "./decide.js";
import type { FilterOutcome } from "./outcome.js";
import { MAX_PAGE, postFilter } from "./post-filter.js";
import { filterSize, preFilter } from "./pre-filter.js";
import type { StrategyRun } from "./report.js";
import { siftByLists } from "./sift-by-lists.js";
import { outOfTime, timeNote } from "./time-budget.js";

export interface RaceResult {
  outcome: FilterOutcome;
  strategy: StrategyRun;
  /** What happened, appended to the plan's reason. */
  reason: string;
}

/**
 * Candidates per result wanted in the page searched when the best k × initialOverFetch hold
 * fewer than k and the probe says the person sees much: enough that one who sees 10% finds k.
 */
const FIRST_PAGE_PER_RESULT = 15;

/**
 * The most ids a stranger's probe streams where a check takes longer than the larger search (see
 * `AccessContext.streamUpTo`). With every call 20 ms late (scratch A/B on the bench world, 100k
 * chunks), a 10 % reader's whole list (2,500 ids) came back in 30–38 ms, before the page's check
 * (42–49 ms): their first query went from 45 to 36 ms, and an everything reader's, whose stream is
 * cut here and cancelled, from 44 to 48 ms.
 */
const STREAMED_PROBE_IDS = 5_000;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * The first query of a subject nobody knows. One search fetches the best k × initialOverFetch
 * candidates while one capped list request per sync probes the subject's allow lists; the
 * candidates are batch-checked as soon as they arrive, and whichever reaches k first wins:
 * - the probe comes back complete and small first: the round is cancelled and the lists
 *   pre-filter the search;
 * - the best candidates hold k (a person who sees much): done, one search and one check;
 * - the probe was cut at its cap (a person who sees much, though not all of the best), failed, or
 *   is not back after as long again as the round took: a page of k × 15 is searched and its rest
 *   checked; if it holds k, done, no list needed;
 * - otherwise the lists (fetched whole now when the probe was cut at the cap) sift the candidates
 *   and, if they hold fewer, pre-filter the rest.
 * The larger page is searched only when needed: searched first, it cost a person who sees
 * everything ~13 ms against ~6 for the k × 3 (100k chunks), and its search competed with the
 * probe. Where a check takes longer than that search (a distant Permissions API, `RoundTrips`),
 * the round searches the larger page first and checks it in one request: the round trip it saves
 * a person who sees little is worth more there than the larger search costs one who sees all.
 * There the probe also streams the list, up to {@link STREAMED_PROBE_IDS} ids: a whole list that is
 * back before the page's check sifts the page instead, one round trip in all for a person who
 * sees a few thousand records. Elsewhere a person who sees everything never has their list
 * streamed: computing and reading tens of thousands of ids competed with this very query for the
 * CPU and delayed its check on the server (on loopback).
 * Lists requested during the query need no further check; an incomplete list leaves
 * post-filtering to go on. A person who sees 0.1% costs a list and a filtered search, not the
 * 20–30 post-filter rounds it took before.
 */
export async function raceFirstQuery(run: QueryRun, source: CandidateSource): Promise<RaceResult> {
  const { ctx, k, tally } = run;
  const listing = new AbortController();
  const round = new AbortController();
  const unlink = [linkAbort(run.signal, listing), linkAbort(run.signal, round)];
  // What the round's checks allowed so far: the answer when the time budget ends the race.
  let confirmed: ScoredChunk[] = [];
  try {
    const roundRun: QueryRun = { ...run, signal: round.signal };
    // Capped as a post-filter round is: k may be up to 1,000, and a store's page at most 10,000.
    const large = Math.min(k * FIRST_PAGE_PER_RESULT, MAX_PAGE);
    // Where a check takes longer than the larger search, the larger page goes first (RoundTrips).
    // Only at the retriever's own k: the larger searches measured were of its page size.
    const ownK = k === ctx.settings.k;
    const largeFirst = ownK ? ctx.roundTrips.largePageFirst(large) : undefined;
    // There, the probe streams the list up to a few thousand ids: one who sees a few thousand
    // records gets it whole in the probe's round trip, and it sifts the page without its check.
    const streamUpTo = largeFirst ? STREAMED_PROBE_IDS : undefined;
    const listed = settle(
      loadAllowLists(run, listing.signal, {
        stranger: true,
        ...(streamUpTo === undefined ? {} : { streamUpTo }),
      }),
    );
    const largeFirstNote = largeFirst ? largeFirstWhy(largeFirst) : "";
    // Rounded up: initialOverFetch may be fractional, a page's limit may not. Capped as the larger
    // page is: initialOverFetch has no upper bound, and k × 20 of a k of 1,000 failed every query.
    const top = Math.min(
      MAX_PAGE,
      Math.max(Math.ceil(k * ctx.settings.initialOverFetch), largeFirst ? large : 0),
    );
    const search = async (limit: number) => {
      const started = preciseNow();
      // Only the candidates asked for: a custom source may hand back more, and a candidate kept
      // past `top` unchecked would be taken for checked when the larger page is de-duplicated.
      const hits = (await source({ limit, offset: 0, signal: round.signal })).slice(0, limit);
      if (ownK && limit === large) ctx.roundTrips.searchedLargePage(preciseNow() - started, large);
      tally.candidatesScanned += hits.length;
      return hits;
    };
    const paged = search(top);
    const best = settle(paged.then(async (page) => ({ page, allowed: await allowedOf(roundRun, page) })));

    const first = await Promise.race([
      best.then((result) => ({ round: result })),
      listed.then((result) => ({ lists: result })),
    ]);
    if ("lists" in first && first.lists.ok && smallLists(run, first.lists.value)) {
      round.abort(new Error("the allow lists arrived first"));
      return await fromLists(run, source, first.lists.value, [], top, "the allow lists arrived first");
    }
    if ("lists" in first && first.lists.ok && first.lists.value.complete && streamUpTo !== undefined) {
      // The whole lists came back in the probe's round trip, before the page's check: they sift the
      // page instead (the check is cancelled), as a list requested during the query needs no check.
      const page = await paged;
      round.abort(new Error("the allow lists arrived before the check"));
      for (const hit of page) firstSight(run, hit.chunk.id);
      return await fromLists(
        run,
        source,
        first.lists.value,
        page,
        top,
        `the allow lists arrived first${largeFirstNote}`,
        false,
      );
    }
    const bestResult = "round" in first ? first.round : await best;
    if (!bestResult.ok) throw bestResult.error;
    let fetched = bestResult.value.page;
    let found = bestResult.value.allowed;
    confirmed = found;
    let checked = fetched.length;
    let limit = top;
    // A short page was every candidate there is; checked whole, what it allowed is all there is.
    let everything = fetched.length < limit;
    let lists: Settled<AllowLists> | undefined;
    if (found.length < k && !everything && limit < large) {
      // The probe is back by now, as a rule: a small list decides from here. Only a person whose
      // list passed the probe's cap (who sees much) has the rest of a generous page searched and
      // checked; it is asked for only now, as a search of it beside the round's held up a person
      // who sees everything (the page of k × 3 takes ~6 ms, one of k × 15 ~13 ms and more).
      // A probe not back yet is waited for as long again as the round took: both left together,
      // so it is back by then as a rule (a small list then decides, with no larger search), and one
      // that hangs until its timeout (30 s) holds up a person the larger page answers without it
      // no longer than that; the page is then searched as if the probe were cut.
      lists = await within(listed, preciseNow() - run.startedAt);
      // A failed probe fails the query below, unless this page finds k without it.
      if (lists === undefined || !lists.ok || lists.value.partial) {
        limit = large;
        const page = await search(limit);
        // The larger page is searched from the top, not from an offset: an index's pages of
        // different sizes may order their candidates differently, and none may be skipped.
        const seen = new Set(fetched.map((hit) => hit.chunk.id));
        const rest = page.filter((hit) => !seen.has(hit.chunk.id));
        tally.candidatesScanned -= page.length - rest.length;
        found = [...found, ...(await allowedOf(roundRun, rest))].sort((a, b) => b.score - a.score);
        confirmed = found;
        checked += rest.length;
        fetched = [...fetched, ...rest].sort((a, b) => b.score - a.score);
        everything = page.length < limit;
      }
    }
    // Every candidate checked so far is new to this query (the first thing it learns).
    for (const hit of fetched) firstSight(run, hit.chunk.id);
    ctx.knowledge.recordScan(run.subject, ctx.settings.relation, checked, found.length);
    if (found.length >= k || everything) {
      round.abort(new Error("the first round found k"));
      if (!(ctx.settings.freshnessMs > 0 && ctx.changes)) listing.abort(new Error("the first round found k"));
      return {
        outcome: { hits: found.slice(0, k), exhausted: found.length < k, budgetHit: null },
        strategy: "race→post",
        reason: `${
          everything
            ? "; the first round checked every candidate there is"
            : checked > top
              ? "; the first round found k in the whole first page"
              : "; the first post-filter round found k"
        }${largeFirstNote}`,
      };
    }
    lists ??= await listed;
    if (!lists.ok) throw lists.error;
    if (lists.value.partial) {
      // The probe was cut at the endpoint's cap: the whole list is needed now.
      const atLeast = new Map(
        lists.value.sets.filter((set) => set.partial).map((set) => [set.syncId, set.recordIds.size + 1]),
      );
      lists = await settle(loadAllowLists(run, run.signal, { atLeast }));
      if (!lists.ok) throw lists.error;
    }
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
      fetched,
      limit,
      `the first round found ${found.length} of ${k}${largeFirstNote}`,
    );
  } catch (error) {
    if (!outOfTime(run)) throw error;
    return {
      outcome: {
        hits: confirmed.slice(0, k),
        exhausted: false,
        budgetHit: "time",
        note: timeNote(run, "the first query's race"),
      },
      strategy: "race→post",
      reason: "",
    };
  } finally {
    for (const stop of unlink) stop();
  }
}

/** Why the round searched the larger page first, for the report. */
function largeFirstWhy({ checkMs, searchMs }: { checkMs: number; searchMs: number }): string {
  return ` (its page of k × ${FIRST_PAGE_PER_RESULT} searched first: a check takes ${Math.round(checkMs)} ms here, longer than that search, ${Math.round(searchMs)} ms)`;
}

/** The promise's outcome if it settles within `ms`, else undefined (the timer is cleared either way). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Part of the post-filter round: batch-checks the candidates; the allowed ones, in their order. */
async function allowedOf(run: QueryRun, hits: readonly ScoredChunk[]): Promise<ScoredChunk[]> {
  if (hits.length > 0)
    await decide(
      run,
      hits.map((hit) => ({ syncId: hit.chunk.syncId, recordId: hit.chunk.recordId })),
    );
  return hits.filter((hit) => run.decided.get(refKey(hit.chunk.syncId, hit.chunk.recordId)) === true);
}

/** Lists a record-id filter can use cheaply (it names the records they could not decide too). */
function smallLists(run: QueryRun, lists: AllowLists): boolean {
  const { maxFilterRecordIds } = run.ctx.settings;
  return lists.complete && lists.sets.every((set) => set.everything || filterSize(set) <= maxFilterRecordIds);
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
  limit: number,
  why: string,
  pageChecked = true,
): Promise<RaceResult> {
  const bySync = new Map(lists.sets.map((set) => [set.syncId, set]));
  const listed = await siftByLists(run, bySync, page);
  // A page the round checked was recorded in what is known about the subject already; one the
  // lists sifted in its place shows the subject's share as a check of it would have.
  if (!pageChecked)
    run.ctx.knowledge.recordScan(run.subject, run.ctx.settings.relation, page.length, listed.length);
  // A short page was every candidate there is: what the lists let through is all there is.
  const everything = page.length > 0 && page.length < limit;
  if (listed.length >= run.k || everything) {
    return {
      outcome: {
        hits: listed.slice(0, run.k),
        exhausted: listed.length < run.k,
        budgetHit: null,
        filteredBy: lists.sets,
      },
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
