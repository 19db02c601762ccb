import type { AllowSet } from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";
import { type QueryRun, refKey } from "./context.js";
import { decide } from "./decide.js";
import { listsAdmit, listTrusted, listUndecided, stillAllowed, verifyUntrusted } from "./list-evidence.js";

/**
 * The page's candidates the subject's lists admit (`listsAdmit`), in their order. A list this query
 * does not trust (`trustedSince`: one cached before it, such as a sync's list still cached beside
 * another sync's fetched now) admits nobody on its own: its candidates are decided as a check
 * would (those already decided in this query are not asked again), and a revoked one is dropped
 * and its list forgotten. Only a list fetched during the query admits unchecked. A candidate its
 * list could not decide (`AllowSet.undecided`) is decided as a check would, never admitted by it.
 */
export async function siftByLists(
  run: QueryRun,
  bySync: ReadonlyMap<string, AllowSet>,
  page: readonly ScoredChunk[],
): Promise<ScoredChunk[]> {
  const admitted = new Set(page.filter((hit) => listsAdmit(run, bySync, hit.chunk)));
  const undecided = new Set(page.filter((hit) => !admitted.has(hit) && listUndecided(bySync, hit.chunk)));
  const untrusted = new Set([...admitted].filter((hit) => !listTrusted(run, bySync, hit.chunk)));
  await Promise.all([
    verifyUntrusted(
      run,
      [...untrusted].map((hit) => hit.chunk),
    ),
    decide(
      run,
      [...undecided].map((hit) => hit.chunk),
    ),
  ]);
  return page.filter((hit) =>
    admitted.has(hit)
      ? !untrusted.has(hit) || stillAllowed(run, hit.chunk)
      : run.decided.get(refKey(hit.chunk.syncId, hit.chunk.recordId)) === true && undecided.has(hit),
  );
}
