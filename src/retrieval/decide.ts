import { type ObjectRef, preciseNow } from "../access/index.js";
import { type QueryRun, refKey } from "./context.js";
import { MAX_REPORTED_ERRORS } from "./report.js";
import { trustedSince } from "./trust.js";

/**
 * Decides every object not yet decided in this query: a trusted complete allow list at hand
 * decides by membership (save the records it could not decide: `AllowSet.undecided`); a cached deny, or a cached allow the query trusts (`trustedSince`), is
 * reused; the rest go to the Permissions API in one batch-check (one request set per sync).
 * Results land in `run.decided`. An error decision is a deny, counted and reported, never cached.
 * `requestedSince`: no list or cached answer requested before that instant decides (evidence
 * being re-verified); the answers asked for replace the cached ones.
 */
export async function decide(
  run: QueryRun,
  objects: readonly ObjectRef[],
  options: { requestedSince?: number } = {},
): Promise<void> {
  const { ctx, subject, tally } = run;
  const since = options.requestedSince ?? Number.NEGATIVE_INFINITY;
  const relation = ctx.settings.relation;
  const toAsk: ObjectRef[] = [];
  const asked = new Set<string>();
  for (const object of objects) {
    const key = refKey(object.syncId, object.recordId);
    if (run.decided.has(key) || asked.has(key)) continue;
    if (!object.syncId || !object.recordId) {
      // A chunk that cannot be traced to a record cannot be checked: deny.
      run.decided.set(key, false);
      noteError(run, object, "the chunk has no record id or sync id");
      continue;
    }
    const list = run.lists.get(object.syncId);
    if (
      list?.complete &&
      !list.undecided?.has(object.recordId) &&
      list.requestedAt >= Math.max(since, trustedSince(run, object.syncId))
    ) {
      const listed = list.everything || list.recordIds.has(object.recordId);
      // A denial cached since the list was asked for is the newer word.
      if (!(listed && takeNewerDenial(run, object, list.requestedAt)))
        settle(run, key, listed, list.requestedAt);
      continue;
    }
    const cached = ctx.decisions.get(subject, relation, object);
    if (
      cached &&
      cached.requestedAt >= since &&
      (!cached.allowed || cached.requestedAt >= trustedSince(run, object.syncId))
    ) {
      settle(run, key, cached.allowed, cached.requestedAt);
      tally.cacheHits += 1;
      continue;
    }
    asked.add(key);
    toAsk.push(object);
  }
  if (toAsk.length === 0) return;
  // An answer is as fresh as its request: stamped before sending, never on arrival.
  const requestedAt = preciseNow();
  const { decisions, calls } = await ctx.access.batchCheck(subject, toAsk, relation, run.signal);
  // One request is one round trip; a larger check is several (RoundTrips compares a round trip).
  if (calls === 1) ctx.roundTrips.checked(preciseNow() - requestedAt);
  tally.permissionCalls += calls;
  tally.checks += toAsk.length;
  toAsk.forEach((object, index) => {
    const decision = decisions[index] ?? { kind: "error" as const, reason: "no decision returned" };
    const key = refKey(object.syncId, object.recordId);
    if (decision.kind === "error") {
      run.decided.set(key, false);
      noteError(run, object, decision.reason);
      return;
    }
    const allowed = decision.kind === "allow";
    settle(run, key, allowed, requestedAt);
    ctx.decisions.set(subject, relation, object, { allowed, requestedAt });
  });
}

/**
 * A cached denial of the record requested after `listedAt` (the list that names it): the newer
 * word, taken as this query's denial (true when there is one). A list asked for before a
 * revocation and back after the check asked for since (or joined late, or cached while the check
 * was in flight) named the record; taken over the denial, later queries returned the revoked file
 * for as long as the list was cached, as a late allow answer did before the decision cache
 * refused it.
 */
export function takeNewerDenial(run: QueryRun, ref: ObjectRef, listedAt: number): boolean {
  const { ctx, subject } = run;
  const cached = ctx.decisions.get(subject, ctx.settings.relation, ref);
  if (!cached || cached.allowed || cached.requestedAt <= listedAt) return false;
  settle(run, refKey(ref.syncId, ref.recordId), false, cached.requestedAt);
  run.tally.cacheHits += 1;
  return true;
}

/** Records a decision and, for a denial, when its evidence was requested (`QueryRun.deniedAt`). */
function settle(run: QueryRun, key: string, allowed: boolean, requestedAt: number): void {
  run.decided.set(key, allowed);
  if (!allowed) run.deniedAt.set(key, requestedAt);
}

/** Counts an object denied because it could not be decided (or read back), reporting the first few. */
export function noteError(run: QueryRun, object: ObjectRef, reason: string): void {
  run.tally.itemErrors += 1;
  if (run.tally.errors.length < MAX_REPORTED_ERRORS) {
    run.tally.errors.push({ syncId: object.syncId, recordId: object.recordId, reason });
  }
}
