import {
  type AllowSet,
  type ObjectRef,
  PermissionsTimeoutError,
  PermissionsUnavailableError,
  preciseNow,
} from "../access/index.js";
import { type AllowLists, loadAllowLists } from "./allow-lists.js";
import type { CandidateSource } from "./candidates.js";
import { type QueryRun, refKey, refOf } from "./context.js";
import { decide } from "./decide.js";
import { type FilterOutcome, joinNotes, standing } from "./outcome.js";
import { postFilter } from "./post-filter.js";
import { preFilter } from "./pre-filter.js";
import { renewOwnerLists } from "./renew-owner-lists.js";
import type { ShortReverify } from "./report.js";
import { keeping, withRecords } from "./reverified-hits.js";
import { affordable, callsLeft, listsCost, policiesOf, type StaleDenial } from "./reverify-cost.js";
import { outOfTime, timeNote } from "./time-budget.js";
import { trustedSince } from "./trust.js";

export interface Reverified {
  outcome: FilterOutcome;
  reverified?: ShortReverify;
}

/**
 * The last word before a short answer says `exhausted`. Fewer than k allowed chunks and no more
 * candidates, where part of what excluded candidates was evidence cached by earlier queries and
 * at least `reverifyShortAfterMs` old, which no caught-up follower vouches for: a cached denial of
 * a candidate (reused whatever its age), or a cached allow list a pre-filter searched by (a record
 * it leaves out is never seen). A file shared since would stay hidden for as long as that is
 * cached (30 s, 60 s), the answer short and saying `exhausted`, untrue. So it is asked again, once: the
 * lists fetched anew (the pre-filter then runs again on them), the denials in one batch-check
 * (those a renewed list decides need none: its answer is newer). Only answers requested now
 * admit anything, so nothing a revocation took away comes back. Younger evidence is taken as it
 * is: a person who really sees fewer than k chunks pays the extra call at most once per
 * `reverifyShortAfterMs`, as what it fetches is cached afresh. Within the budgets: what the
 * permission calls left cannot cover is not asked, and the report says the answer may be short.
 */
export async function reverifyShort(
  run: QueryRun,
  source: CandidateSource,
  outcome: FilterOutcome,
): Promise<Reverified> {
  const { k } = run;
  if (outcome.hits.length >= k || !outcome.exhausted) return { outcome };
  const staleLists = (outcome.filteredBy ?? []).filter((set) => stale(run, set.syncId, set.requestedAt));
  const denials = await staleDenials(run);
  if (staleLists.length === 0 && denials.length === 0) return { outcome };
  try {
    return await reverify(run, source, outcome, staleLists, denials);
  } catch (error) {
    if (outOfTime(run)) {
      // The time budget cancelled it: the answer it was to complete stands, less anything this
      // query has since denied, and says the budget stopped it.
      return {
        outcome: standing(
          run,
          outcome,
          "time",
          timeNote(run, `the re-verification of a short answer (${outcome.hits.length} of ${k})`),
        ),
        reverified: { denials: 0, lists: 0, found: 0, stoppedBy: "time" },
      };
    }
    if (!(error instanceof PermissionsUnavailableError || error instanceof PermissionsTimeoutError))
      throw error;
    // Optional work failed: the answer it was to complete stands (its hits were confirmed in this
    // query), but it may be short, so it no longer says exhausted. Failing the whole query (or
    // emptying it under onPermissionError "empty") lost results a blip of the Permissions API
    // had nothing to do with.
    return {
      outcome: standing(
        run,
        outcome,
        null,
        `short of k (${outcome.hits.length} of ${k}) on evidence earlier queries cached; re-verifying it failed (${error.code}): more may exist`,
      ),
      reverified: { denials: 0, lists: 0, found: 0, failed: error.code },
    };
  }
}

async function reverify(
  run: QueryRun,
  source: CandidateSource,
  outcome: FilterOutcome,
  staleLists: readonly AllowSet[],
  denials: readonly StaleDenial[],
): Promise<Reverified> {
  const { ctx } = run;
  const before = outcome.hits.length;
  let stoppedBy: ShortReverify["stoppedBy"] =
    preciseNow() - run.startedAt >= ctx.settings.budget.maxMs ? "time" : undefined;
  // The lists first: a record a renewed list names or leaves out needs no check of its own.
  let renewed: AllowLists | undefined;
  if (!stoppedBy && staleLists.length > 0) {
    renewed = await renewLists(run, staleLists);
    if (!renewed) stoppedBy = "permissionCalls";
  }
  const renewedBySync = new Map(
    renewed?.complete
      ? renewed.sets
          .filter((set) => staleLists.some((old) => old.syncId === set.syncId))
          .map((set) => [set.syncId, set])
      : [],
  );
  const undecided = denials.filter(({ ref }) => !decidesAnew(renewedBySync.get(ref.syncId), run, ref));
  // An owner sync's list, where it costs less than reading its denied records one by one; not
  // one just renewed (what it left undecided, a list fetched again would leave undecided too).
  const ownerLists = stoppedBy
    ? new Map<string, AllowSet>()
    : await renewOwnerLists(
        run,
        undecided.filter(({ ref }) => !renewedBySync.has(ref.syncId)),
      );
  const toCheck = undecided.map((denial) =>
    decidesAnew(ownerLists.get(denial.ref.syncId), run, denial.ref) ? { ...denial, listed: true } : denial,
  );
  const { picked, unaffordable } = stoppedBy ? { picked: [], unaffordable: true } : affordable(run, toCheck);
  if (unaffordable) stoppedBy ??= "permissionCalls";
  const refs = picked.map(({ ref }) => ref);
  await recheck(run, refs);

  let next: FilterOutcome;
  if (renewed) {
    // The renewed lists chose anew what is searched: the pre-filter runs again on them (what this
    // query decided is reused). A list grown past a cap cannot filter: post-filtered instead, from
    // the top, on what the budgets left; the hits it did not reach stay (allowed in this query, as
    // it would have found them), or a spent budget left the answer shorter than without any of this.
    next = renewed.complete
      ? await preFilter(run, source, renewed)
      : keeping(run, outcome.hits, await postFilter(run, source));
    // Cut short by the time budget, the new search may not have reached the earlier hits again.
    if (next.budgetHit === "time") {
      stoppedBy ??= "time";
      next = keeping(run, outcome.hits, next);
    }
  } else {
    const allowed = refs.filter((ref) => run.decided.get(refKey(ref.syncId, ref.recordId)) === true);
    next = { ...outcome, hits: await withRecords(run, source, outcome.hits, allowed) };
  }
  const reverified: ShortReverify = {
    denials: refs.length,
    lists: (renewed ? staleLists.length : 0) + ownerLists.size,
    found: Math.max(0, next.hits.length - before),
    ...(stoppedBy ? { stoppedBy } : {}),
  };
  const short = next.hits.length < run.k;
  const fellToPost = renewed !== undefined && !renewed.complete;
  return {
    outcome: {
      hits: next.hits,
      // Whatever a budget left unasked may hide more: not exhausted, then.
      exhausted: short && !stoppedBy && next.exhausted,
      budgetHit: short ? (stoppedBy ?? next.budgetHit) : null,
      note: joinNotes(next.note, reverifyNote(run, before, reverified, fellToPost)),
    },
    reverified,
  };
}

/**
 * The stale lists' syncs fetched anew (the others' lists as they are), or undefined when the
 * permission calls left do not cover what that costs ({@link listsCost}).
 */
async function renewLists(run: QueryRun, stale: readonly AllowSet[]): Promise<AllowLists | undefined> {
  const policies = await policiesOf(
    run,
    stale.map((set) => set.syncId),
  );
  if (callsLeft(run) < listsCost(stale, policies)) return undefined;
  const renewed = await loadAllowLists(run, run.signal, { renew: new Set(stale.map((set) => set.syncId)) });
  // A renewed list that came back incomplete decides nothing, and neither may the stale one.
  for (const set of renewed.sets) if (!set.complete) run.lists.delete(set.syncId);
  return renewed;
}

/** Forgets the query's denials of `refs` and asks for them anew, never from a cache or older list. */
async function recheck(run: QueryRun, refs: readonly ObjectRef[]): Promise<void> {
  if (refs.length === 0) return;
  for (const ref of refs) {
    const key = refKey(ref.syncId, ref.recordId);
    run.decided.delete(key);
    run.deniedAt.delete(key);
  }
  await decide(run, refs, { requestedSince: run.startedAt });
}

/**
 * Whether evidence of `syncId` requested at `requestedAt` is to be re-verified: it came from an
 * earlier query, is at least `reverifyShortAfterMs` old, and no caught-up follower vouches for it
 * (one that does would have dropped it on a grant).
 */
function stale(run: QueryRun, syncId: string, requestedAt: number): boolean {
  if (requestedAt >= run.startedAt) return false;
  if (run.startedAt - requestedAt < run.ctx.settings.reverifyShortAfterMs) return false;
  const since = trustedSince(run, syncId);
  return !(run.trust.get(syncId)?.through !== undefined && requestedAt >= since);
}

/**
 * The query's denials that rested on stale evidence, best ranked first (the order they were
 * decided in). A `deny` sync's are left out: its answer is always the same.
 */
async function staleDenials(run: QueryRun): Promise<StaleDenial[]> {
  const refs: ObjectRef[] = [];
  for (const [key, requestedAt] of run.deniedAt) {
    const ref = refOf(key);
    if (stale(run, ref.syncId, requestedAt)) refs.push(ref);
  }
  if (refs.length === 0) return [];
  const policies = await policiesOf(
    run,
    refs.map((ref) => ref.syncId),
  );
  return refs.flatMap((ref) => {
    const policy = policies.get(ref.syncId);
    return policy === "deny" ? [] : [{ ref, policy }];
  });
}

/** Whether the renewed list of the record's sync decides it (it names it, or leaves it out). */
function decidesAnew(set: AllowSet | undefined, run: QueryRun, ref: ObjectRef): boolean {
  return set !== undefined && set.requestedAt >= run.startedAt && !set.undecided?.has(ref.recordId);
}

/** The report's words for it, appended to the reason. */
function reverifyNote(run: QueryRun, before: number, done: ShortReverify, fellToPost: boolean): string {
  const { reverifyShortAfterMs } = run.ctx.settings;
  const what = [
    done.denials > 0 ? `${count(done.denials, "cached denial")} checked again` : "",
    done.lists > 0 ? `${count(done.lists, "cached allow list")} fetched again` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const why = `short of k (${before} of ${run.k}), and evidence earlier queries cached (${reverifyShortAfterMs} ms old or more: reverifyShortAfterMs) excluded candidates: a grant made since would be hidden`;
  const post = fellToPost ? " (a renewed list hit a cap: post-filtered)" : "";
  const did = what ? `; re-verified it (${what})${post}: ${done.found} more found` : "";
  const stop = done.stoppedBy
    ? `; the ${done.stoppedBy} budget ${what ? "left the rest unverified" : "is spent, so it was not re-verified"}: more may exist`
    : "";
  return `${why}${did}${stop}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
