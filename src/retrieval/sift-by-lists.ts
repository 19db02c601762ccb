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
 * list could not decide (`AllowSet.undecided`) is decided as a check would, never admitted by it,
 * and only when it ranks above the k-th one admitted: below it, it could not be in the answer, and
 * each check may be a record read (the owner policy) on a page of k × 15.
 */
export async function siftByLists(
  run: QueryRun,
  bySync: ReadonlyMap<string, AllowSet>,
  page: readonly ScoredChunk[],
): Promise<ScoredChunk[]> {
  const admitted = page.filter((hit) => listsAdmit(run, bySync, hit.chunk));
  const untrusted = admitted.filter((hit) => !listTrusted(run, bySync, hit.chunk));
  await verifyUntrusted(
    run,
    untrusted.map((hit) => hit.chunk),
  );
  const revoked = new Set(untrusted.filter((hit) => !stillAllowed(run, hit.chunk)));
  const kept = new Set(admitted.filter((hit) => !revoked.has(hit)));
  const kth = [...kept][run.k - 1];
  const cutoff = kth === undefined ? page.length : page.indexOf(kth);
  // An undecided record is never admitted (listsAdmit), so none of these is in `kept`.
  const undecided = new Set(page.slice(0, cutoff).filter((hit) => listUndecided(bySync, hit.chunk)));
  await decide(
    run,
    [...undecided].map((hit) => hit.chunk),
  );
  return page.filter(
    (hit) =>
      kept.has(hit) ||
      (undecided.has(hit) && run.decided.get(refKey(hit.chunk.syncId, hit.chunk.recordId)) === true),
  );
}
