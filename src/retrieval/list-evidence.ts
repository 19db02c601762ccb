import type { AllowSet, ObjectRef } from "../access/index.js";
import { type QueryRun, refKey } from "./context.js";
import { decide, takeNewerDenial } from "./decide.js";
import { trustedSince } from "./trust.js";

/**
 * Whether the allow list of the candidate's sync lists it (record ids are unique only within a
 * sync), and this query has not denied it on evidence requested at or after that list: a list
 * asked for at the query's start, a revocation, then a check of the record is the later word. An
 * error decision or an older (cached) denial leaves the list to decide. A record the list names
 * undecided is never admitted, even if a custom `AccessControl` also lists it or says `everything`.
 */
export function listsAdmit(run: QueryRun, bySync: ReadonlyMap<string, AllowSet>, ref: ObjectRef): boolean {
  const set = bySync.get(ref.syncId);
  if (set === undefined || set.undecided?.has(ref.recordId)) return false;
  if (!(set.everything || set.recordIds.has(ref.recordId))) return false;
  const key = refKey(ref.syncId, ref.recordId);
  if (!run.decided.has(key)) takeNewerDenial(run, ref, set.requestedAt);
  const deniedAt = run.deniedAt.get(key);
  return deniedAt === undefined || deniedAt < set.requestedAt;
}

/**
 * Whether the candidate's list could not decide it (`AllowSet.undecided`): it is not admitted, but
 * searched with the list and decided as a check would, so it is reported rather than left out.
 */
export function listUndecided(bySync: ReadonlyMap<string, AllowSet>, ref: ObjectRef): boolean {
  return bySync.get(ref.syncId)?.undecided?.has(ref.recordId) === true;
}

/** Whether the candidate's list is one this query trusts (`trustedSince`); one cached before it may not be. */
export function listTrusted(run: QueryRun, bySync: ReadonlyMap<string, AllowSet>, ref: ObjectRef): boolean {
  return (bySync.get(ref.syncId)?.requestedAt ?? 0) >= trustedSince(run, ref.syncId);
}

/** Decides, as a check would, the candidates admitted by lists this query does not trust. */
export async function verifyUntrusted(run: QueryRun, refs: readonly ObjectRef[]): Promise<void> {
  if (refs.length === 0) return;
  await decide(
    run,
    refs.map(({ syncId, recordId }) => ({ syncId, recordId })),
  );
  run.tally.verified += refs.length;
}

/**
 * After {@link verifyUntrusted}: whether a candidate its untrusted list admitted is still allowed.
 * A revoked one is counted and its list forgotten: the next query fetches a new one.
 */
export function stillAllowed(run: QueryRun, ref: ObjectRef): boolean {
  if (run.decided.get(refKey(ref.syncId, ref.recordId)) === true) return true;
  run.tally.revokedOnVerify += 1;
  run.ctx.allowSets.delete(run.subject, run.ctx.settings.relation, ref.syncId);
  return false;
}
