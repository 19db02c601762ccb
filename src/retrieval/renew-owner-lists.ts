import type { AllowSet } from "../access/index.js";
import type { QueryRun } from "./context.js";
import { callsLeft, type StaleDenial } from "./reverify-cost.js";

/**
 * The `owner` syncs' allow lists fetched anew for the subject, where that is cheaper than reading
 * each of the sync's stale denied records (one record read each): the list reads the sync's
 * records a page of 1,000 per request, so a sync of a few hundred deals is one request however many
 * of its denials a short answer re-verifies, where the reads spent up to the whole
 * `maxPermissionCalls` on every short answer. A list's cost is what the sync's last list took
 * (`ListCosts`), or one request before any was fetched; a sync with no more denials than that
 * is read record by record, as before. Within the calls left; a list that comes back complete
 * joins `run.lists`, where `decide` takes its answer for every record it names or leaves out (the
 * records it could not decide are still read). By sync id.
 */
export async function renewOwnerLists(
  run: QueryRun,
  denials: readonly StaleDenial[],
): Promise<Map<string, AllowSet>> {
  const { ctx, subject, tally } = run;
  const relation = ctx.settings.relation;
  const perSync = new Map<string, number>();
  for (const { ref, policy } of denials)
    if (policy === "owner") perSync.set(ref.syncId, (perSync.get(ref.syncId) ?? 0) + 1);
  let left = callsLeft(run);
  const cheaper: string[] = [];
  for (const [syncId, count] of perSync) {
    const cost = ctx.listCosts.expected(syncId) ?? 1;
    if (count <= cost || cost > left) continue;
    left -= cost;
    cheaper.push(syncId);
  }
  const results = await Promise.all(
    cheaper.map((syncId) =>
      ctx.allowSets.get(
        subject,
        relation,
        syncId,
        () => ctx.access.listObjects(subject, relation, syncId, run.signal),
        // Requested during this query: an older list, cached or in flight, is not the answer.
        { requestedSince: run.startedAt },
      ),
    ),
  );
  const renewed = new Map<string, AllowSet>();
  for (const { set, fetched, calls } of results) {
    if (fetched) {
      tally.permissionCalls += calls;
      ctx.listCosts.observed(set.syncId, calls);
    } else tally.cacheHits += 1;
    if (!set.complete) continue;
    run.lists.set(set.syncId, set);
    renewed.set(set.syncId, set);
  }
  return renewed;
}
