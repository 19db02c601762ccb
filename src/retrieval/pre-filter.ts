import type { AllowSet } from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";
import type { AllowLists } from "./allow-lists.js";
import { budgetExceeded } from "./budget.js";
import {
  type Candidate,
  type CandidateSource,
  candidateStream,
  mergeByScore,
  withChunks,
  withoutChunks,
} from "./candidates.js";
import { firstSight, type QueryRun, refKey } from "./context.js";
import { decide } from "./decide.js";
import { listsAdmit, listTrusted, listUndecided, stillAllowed, verifyUntrusted } from "./list-evidence.js";
import type { FilterOutcome } from "./outcome.js";
import { readUnread } from "./read-unread.js";
import type { BudgetHit } from "./report.js";
import { outOfTime, timeNote } from "./time-budget.js";
import { UndecidedBudget } from "./undecided-budget.js";

/**
 * A sync search checked against a list that keeps less than this share of its candidates asks for
 * an approximate order (`SearchOptions.approximate`): the best k the list keeps come from a page
 * several times k, whose membership does not depend on the re-rank.
 */
const SIFTED_BELOW_SHARE = 0.25;

/**
 * Pre-filter: searches only the records of the subject's complete allow lists (and tenant-wide
 * syncs unfiltered), best first: small lists as a record-id filter, large ones as a search of
 * their sync checked against the list. Hits whose list the query does not trust (`trustedSince`)
 * are re-checked with one batch-check before return; a revoked one is dropped, its list forgotten,
 * and the next candidate taken, so the answer stays k when k exist. An empty allow set yields
 * nothing, never "no filter". A candidate no list could decide (`AllowSet.undecided`) is checked where
 * it ranks, up to the candidates budget of them.
 */
export async function preFilter(
  run: QueryRun,
  source: CandidateSource,
  lists: AllowLists,
): Promise<FilterOutcome> {
  const { ctx, k, tally } = run;
  const bySync = new Map(lists.sets.map((set) => [set.syncId, set]));
  const listed = lists.sets.filter((set) => !set.everything && filterSize(set) > 0);
  const { maxFilterRecordIds } = ctx.settings;
  const held = await heldInMemory(run, listed);
  const filtered = listed.filter((set) => !held.has(set) && filterSize(set) <= maxFilterRecordIds);
  const checked = listed.filter((set) => !held.has(set) && filterSize(set) > maxFilterRecordIds);
  const checkedSyncs = new Set(checked.map((set) => set.syncId));
  let checkedScanned = 0;
  let checkedAllowed = 0;
  const whole = lists.sets.filter((set) => set.everything);
  const pageSize = Math.max(k, 10);
  const signal = run.signal ? { signal: run.signal } : {};
  const streams = [];
  // Each held list gets a stream of its own: joined with a list the store does not hold, or with
  // other held lists past what one scan covers (each list is checked alone), the filter would go
  // to the table with every one of their record ids.
  for (const sets of [filtered, ...[...held].map((set) => [set])]) {
    if (sets.length === 0) continue;
    const recordIds = sets.length === 1 ? filterIdsOf(sets[0] as AllowSet) : sets.flatMap(filterIdsOf);
    const syncIds = sets.map((set) => set.syncId);
    streams.push(candidateStream(withChunks(source), { recordIds, syncIds, ...signal }, pageSize));
  }
  // One stream covering every sync in scope searches the tenant with no sync filter: the filter
  // costs (sync_id has no index; about 6 ms at 100k chunks) and a candidate of a sync without a
  // list is dropped below anyway.
  const only = (sets: AllowSet[]) =>
    sets.length === lists.sets.length ? {} : { syncIds: sets.map((set) => set.syncId) };
  if (checked.length > 0) {
    // Most candidates fail the list for someone who sees little: pages sized from the expected share.
    const known = ctx.knowledge.rate(run.subject, ctx.settings.relation);
    const share = known ?? 0.1;
    const first = Math.min(2_000, Math.max(2 * k, Math.ceil((k / Math.max(share, 0.005)) * 1.5)));
    // When the list is known to keep few of the page, its order need not be exact (no re-rank), and
    // only the chunks kept are read whole (when the source can do that: run.sifted).
    const sifted = known !== undefined && known < SIFTED_BELOW_SHARE;
    const pages = sifted && run.sifted ? withoutChunks(run.sifted) : withChunks(source);
    const approximate = sifted ? { approximate: true } : {};
    streams.push(candidateStream(pages, { ...only(checked), ...approximate, ...signal }, first, 2));
  }
  if (whole.length > 0) {
    streams.push(candidateStream(withChunks(source), { ...only(whole), ...signal }, pageSize));
  }
  // The lists chose what was searched: a short answer may have them re-verified (`reverifyShort`).
  const filteredBy = lists.sets;
  if (streams.length === 0) return { hits: [], exhausted: true, budgetHit: null, filteredBy };
  const heldRecords = [...held].reduce((sum, set) => sum + set.recordIds.size, 0);
  const notes = [
    heldRecords > 0 ? `${heldRecords} listed records searched in the store's memory (exact)` : "",
    checked.length > 0
      ? `a list holds more than ${maxFilterRecordIds} records: its sync searched by tenant, each candidate checked against it`
      : "",
  ].filter(Boolean);

  const candidates = mergeByScore(streams);
  const hits: ScoredChunk[] = [];
  let exhausted = false;
  const undecidedBudget = new UndecidedBudget(run);
  // Widened: each round (preRound) may set it too, which the checker does not follow.
  let budgetHit = null as BudgetHit;
  while (hits.length < k) {
    try {
      if (await preRound()) break;
    } catch (error) {
      // The time budget cancelled the round's search or checks: the rounds before it stand.
      if (!outOfTime(run)) throw error;
      // A round cut short was not the last word, even if its candidates had run out.
      exhausted = false;
      budgetHit = "time";
      notes.push(timeNote(run, "a pre-filter round"));
      break;
    }
  }
  // A sync search checked against a list shows the subject's share, as a post-filter does.
  ctx.knowledge.recordScan(run.subject, ctx.settings.relation, checkedScanned, checkedAllowed);
  if (budgetHit === "candidates" || budgetHit === "permissionCalls")
    notes.push(`candidates no allow list could decide ranked first: checked up to the ${budgetHit} budget`);
  const note = notes.length > 0 ? { note: notes.join("; ") } : {};
  return {
    hits,
    exhausted,
    budgetHit: hits.length < k && !exhausted ? budgetHit : null,
    filteredBy,
    ...note,
  };

  /** One round of candidates the lists admit, decided and read; true when the filter is done. */
  async function preRound(): Promise<boolean> {
    const round: Candidate[] = [];
    const undecided = new Set<Candidate>();
    // A round takes the k − hits next candidates its lists admit and the undecided ones ranked
    // among them (as many as `undecidedBudget` lets it), decided in one check: counted against the
    // k − hits, they left a round of one candidate (and one check) per undecided record once k − 1
    // were found.
    const undecidedMost = undecidedBudget.round;
    while (round.length - undecided.size < k - hits.length && undecided.size < undecidedMost) {
      const next = await candidates.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const { ref } = next.value;
      tally.candidatesScanned += 1;
      // The store filtered on record ids (or only on the sync, for a large list); record ids are
      // only unique within a sync, so confirm the pair (and no newer denial of this query's).
      const listedHere = listsAdmit(run, bySync, ref);
      // A record its list could not decide is decided below, as a check would (denied and reported).
      const undecidedHere = !listedHere && listUndecided(bySync, ref);
      // Once per query: a first query's page, or a post-filter's candidates before this fallback,
      // were counted when they were checked.
      if (checkedSyncs.has(ref.syncId) && firstSight(run, ref.id)) {
        checkedScanned += 1;
        if (listedHere) checkedAllowed += 1;
      }
      if (listedHere || undecidedHere) round.push(next.value);
      if (undecidedHere) undecided.add(next.value);
    }
    const stale = new Set(round.filter((hit) => !undecided.has(hit) && !listTrusted(run, bySync, hit.ref)));
    // The chunks of sifted candidates are read while their records are verified, not after; an
    // undecided one's only once its check allowed it (most are denied).
    const [read] = await Promise.all([
      readUnread(
        run,
        round.filter((hit) => !undecided.has(hit)),
      ),
      verifyUntrusted(
        run,
        [...stale].map((hit) => hit.ref),
      ),
      decide(
        run,
        [...undecided].map((hit) => hit.ref),
      ),
    ]);
    const allowed = (hit: Candidate) => run.decided.get(refKey(hit.ref.syncId, hit.ref.recordId)) === true;
    const decidedIn = [...undecided].filter(allowed);
    const readLate = decidedIn.length > 0 ? await readUnread(run, decidedIn) : undefined;
    for (const hit of round) {
      // Undecided candidates its check allowed ride along with the round's k − hits: the best k stop it.
      if (hits.length >= k) break;
      if (undecided.has(hit) && !allowed(hit)) continue;
      if (stale.has(hit) && !stillAllowed(run, hit.ref)) continue;
      // A chunk deleted since its page was searched is gone: the next candidate takes its place.
      const chunk = hit.chunk ?? read.get(hit.ref.id) ?? readLate?.get(hit.ref.id);
      if (chunk) hits.push({ chunk, score: hit.score });
    }
    if (exhausted) return true;
    budgetHit = undecidedBudget.spent(run, undecided.size, hits.length < k);
    if (budgetHit) return true;
    // Pre-filter rounds past the first only replace revoked hits (and go past undecided records
    // within their budget); only the clock stops them.
    if (hits.length < k && budgetExceeded(run) === "time") {
      budgetHit = "time";
      return true;
    }
    return false;
  }
}

/**
 * The lists whose records the store holds in memory: searched as a record filter whatever their
 * size, an exact scan in memory instead of the index. The store is asked to load the others that
 * were already known before this query, once it has its answer: a list just fetched may be a
 * stranger's who never asks again, and loading it beside their first query made that query twice
 * as slow (a 1 % reader's first query, bench/retrieval.ts: 17 → 33 ms).
 */
async function heldInMemory(run: QueryRun, listed: readonly AllowSet[]): Promise<Set<AllowSet>> {
  const held = new Set<AllowSet>();
  const memory = run.held;
  if (!memory) return held;
  await Promise.all(
    listed.map(async (set) => {
      const recordIds = filterIdsOf(set);
      if (await memory.holds(recordIds)) held.add(set);
      else if (set.requestedAt < run.startedAt) run.afterward.push(() => memory.load(recordIds));
    }),
  );
  return held;
}

// A cached list is used by many queries: its ids as an array once, not a copy per query (25k ids: ~0.3 ms).
const listIds = new WeakMap<AllowSet, string[]>();

/** How many record ids {@link filterIdsOf} names, without building the array (a list may hold 25k). */
export function filterSize(set: AllowSet): number {
  return set.recordIds.size + (set.undecided?.size ?? 0);
}

/**
 * The record ids a search filtered by the list names: its records, and those it could not decide
 * (searched with it, and decided when they rank).
 */
function filterIdsOf(set: AllowSet): string[] {
  let ids = listIds.get(set);
  if (!ids) {
    ids = [...set.recordIds, ...(set.undecided ?? [])];
    listIds.set(set, ids);
  }
  return ids;
}
