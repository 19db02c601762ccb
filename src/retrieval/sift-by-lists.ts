import type { AllowSet } from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";
import type { QueryRun } from "./context.js";
import { listsAdmit, listTrusted, stillAllowed, verifyUntrusted } from "./list-evidence.js";

/**
 * The page's candidates the subject's lists admit (`listsAdmit`), in their order. A list this query
 * does not trust (`trustedSince`: one cached before it, such as a sync's list still cached beside
 * another sync's fetched now) admits nobody on its own: its candidates are decided as a check
 * would (those already decided in this query are not asked again), and a revoked one is dropped
 * and its list forgotten. Only a list fetched during the query admits unchecked.
 */
export async function siftByLists(
  run: QueryRun,
  bySync: ReadonlyMap<string, AllowSet>,
  page: readonly ScoredChunk[],
): Promise<ScoredChunk[]> {
  const admitted = page.filter((hit) => listsAdmit(run, bySync, hit.chunk));
  const untrusted = new Set(admitted.filter((hit) => !listTrusted(run, bySync, hit.chunk)));
  await verifyUntrusted(
    run,
    [...untrusted].map((hit) => hit.chunk),
  );
  return admitted.filter((hit) => !untrusted.has(hit) || stillAllowed(run, hit.chunk));
}
