import type { AllowSet } from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";
import { deniedSince, type QueryRun, refKey } from "./context.js";
import { decide } from "./decide.js";
import { listsAdmit } from "./pre-filter.js";
import { trustedSince } from "./trust.js";

/**
 * The page's candidates the subject's lists admit, in their order. A list this query does not
 * trust (`trustedSince`: one cached before it, such as a sync's list still cached beside another
 * sync's fetched now) admits nobody on its own: its candidates are decided as a check would (those
 * already decided in this query are not asked again), and a revoked one is dropped and its list
 * forgotten. Only a list fetched during the query admits unchecked, and never a candidate this query
 * already denied.
 */
export async function siftByLists(
  run: QueryRun,
  bySync: ReadonlyMap<string, AllowSet>,
  page: readonly ScoredChunk[],
): Promise<ScoredChunk[]> {
  // A candidate this query denied on evidence newer than its list stays denied (the list asked for
  // at the query's start, a revocation, then the page's check). An older denial (a cached one) or
  // an error decision is no answer to the list: dropping it left fewer than k that exist.
  const admitted = page.filter(
    (hit) =>
      listsAdmit(bySync, hit.chunk) &&
      !deniedSince(run, hit.chunk.syncId, hit.chunk.recordId, bySync.get(hit.chunk.syncId)!.requestedAt),
  );
  const stale = admitted.filter(
    (hit) => (bySync.get(hit.chunk.syncId)?.requestedAt ?? 0) < trustedSince(run, hit.chunk.syncId),
  );
  if (stale.length === 0) return admitted;
  await decide(
    run,
    stale.map((hit) => ({ syncId: hit.chunk.syncId, recordId: hit.chunk.recordId })),
  );
  run.tally.verified += stale.length;
  const staleIds = new Set(stale.map((hit) => hit.chunk.id));
  return admitted.filter((hit) => {
    const { syncId, recordId } = hit.chunk;
    if (!staleIds.has(hit.chunk.id) || run.decided.get(refKey(syncId, recordId)) === true) return true;
    run.tally.revokedOnVerify += 1;
    // The list no longer tells the truth: the next query fetches a new one.
    run.ctx.allowSets.delete(run.subject, run.ctx.settings.relation, syncId);
    return false;
  });
}
