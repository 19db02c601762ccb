import type { ObjectRef } from "../access/index.js";
import { type QueryRun, refKey } from "./context.js";

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
  const key = refKey(ref.syncId, ref.recordId);
  run.decided.set(key, false);
  run.deniedAt.set(key, cached.requestedAt);
  run.tally.cacheHits += 1;
  return true;
}
