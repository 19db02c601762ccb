import { linkAbort } from "../managed-sync/index.js";
import type { CandidateSource } from "./candidates.js";
import type { QueryRun } from "./context.js";
import type { FilterOutcome } from "./outcome.js";
import { postFilter } from "./post-filter.js";
import { type AllowLists, loadAllowLists, preFilter } from "./pre-filter.js";
import type { StrategyRun } from "./report.js";

export interface RaceResult {
  outcome: FilterOutcome;
  strategy: StrategyRun;
  /** What happened, appended to the plan's reason. */
  reason: string;
}

/**
 * The first query of a subject nobody knows: one post-filter round and the subject's allow lists
 * are fetched at the same time, and whichever reaches k first wins. A round that finds k ends the
 * query (the list fetch is cancelled, unless its lists could serve later queries as proven-current
 * evidence); otherwise the lists pre-filter the search (they were requested during the query, so
 * no result needs another check), and an incomplete one leaves post-filtering to go on. So a
 * person who sees 0.1% costs a round and a list, not the 20–30 rounds a post-filter alone walks.
 */
export async function raceFirstQuery(run: QueryRun, source: CandidateSource): Promise<RaceResult> {
  const { settings } = run.ctx;
  const listing = new AbortController();
  const unlinkListing = linkAbort(run.signal, listing);
  const lists = loadAllowLists(run, listing.signal);
  // Settled here so an early exit never leaves an unhandled rejection behind.
  const listed = lists.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const round = new AbortController();
  const unlinkRound = linkAbort(run.signal, round);
  const first = postFilter({ ...run, signal: round.signal }, source, { rounds: 1 }).then(
    (outcome) => ({ kind: "round" as const, outcome }),
    (error: unknown) => ({ kind: "roundFailed" as const, error }),
  );
  try {
    const winner = await Promise.race([first, listed.then((result) => ({ kind: "lists" as const, result }))]);
    if (winner.kind === "lists" && winner.result.ok && usable(winner.result.value)) {
      round.abort(new Error("the allow lists arrived first"));
      await first; // its calls are counted; its partial hits are found again by the filter
      return fromLists(
        run,
        source,
        winner.result.value,
        "the allow lists arrived before the first round's checks",
      );
    }
    const settled = winner.kind === "lists" ? await first : winner;
    if (settled.kind === "roundFailed") throw settled.error;
    const { outcome } = settled;
    if (outcome.hits.length >= run.k || outcome.exhausted) {
      // Lists the follower can vouch for serve the next queries; otherwise stop the fetch.
      if (!(settings.freshnessMs > 0 && run.ctx.changes)) listing.abort(new Error("the first round found k"));
      return { outcome, strategy: "race→post", reason: "; the first post-filter round found k" };
    }
    const result = await listed;
    if (!result.ok) throw result.error;
    if (usable(result.value)) {
      return fromLists(run, source, result.value, `the first round found ${outcome.hits.length} of ${run.k}`);
    }
    return {
      outcome: await postFilter(run, source),
      strategy: "race→post",
      reason: "; an allow list hit a cap (incomplete), so post-filtering went on",
    };
  } finally {
    unlinkListing();
    unlinkRound();
  }
}

function usable(lists: AllowLists): boolean {
  return lists.complete;
}

/** The lists won: they filter the search (a large one as a sync search checked against it). */
async function fromLists(
  run: QueryRun,
  source: CandidateSource,
  lists: AllowLists,
  why: string,
): Promise<RaceResult> {
  return {
    outcome: await preFilter(run, source, lists),
    strategy: "race→pre",
    reason: `; ${why}: pre-filtered by the allow lists (${lists.records} records)`,
  };
}
