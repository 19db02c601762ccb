// What a short answer's hits become once its re-verification (reverify-short.ts) has run: the
// records it allowed merged in, the earlier hits a fallback did not reach kept, or, when it
// failed, the earlier hits this query has not since taken back.
import type { ObjectRef } from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";
import { type CandidateSource, candidateStream, withChunks } from "./candidates.js";
import { type QueryRun, refKey } from "./context.js";
import type { FilterOutcome } from "./outcome.js";

/**
 * The hits a failed re-verification leaves: none the query has since denied, nor one a list
 * requested during the query leaves out (what it learnt before failing still counts).
 */
export function stillAllowed(run: QueryRun, hits: readonly ScoredChunk[]): ScoredChunk[] {
  return hits.filter(({ chunk }) => {
    if (run.decided.get(refKey(chunk.syncId, chunk.recordId)) === false) return false;
    const list = run.lists.get(chunk.syncId);
    if (!list?.complete || list.everything || list.requestedAt < run.startedAt) return true;
    return list.recordIds.has(chunk.recordId);
  });
}

/**
 * The hits with the best chunks of the records just allowed, k at most, best first. The answer
 * was exhausted, so every candidate was seen: the allowed ones are the hits and these records.
 */
export async function withRecords(
  run: QueryRun,
  source: CandidateSource,
  hits: readonly ScoredChunk[],
  allowed: readonly ObjectRef[],
): Promise<ScoredChunk[]> {
  if (allowed.length === 0) return [...hits];
  const { k, tally } = run;
  const have = new Set(hits.map((hit) => hit.chunk.id));
  const more: ScoredChunk[] = [];
  const stream = candidateStream(
    withChunks(source),
    {
      recordIds: [...new Set(allowed.map((ref) => ref.recordId))],
      syncIds: [...new Set(allowed.map((ref) => ref.syncId))],
      ...(run.signal ? { signal: run.signal } : {}),
    },
    Math.max(k, 10),
  );
  for await (const candidate of stream) {
    tally.candidatesScanned += 1;
    const { chunk, ref } = candidate;
    // Record ids are unique only within a sync: the pair is what was allowed.
    if (!chunk || have.has(ref.id) || run.decided.get(refKey(ref.syncId, ref.recordId)) !== true) continue;
    more.push({ chunk, score: candidate.score });
    if (more.length >= k) break;
  }
  return [...hits, ...more].sort((a, b) => b.score - a.score).slice(0, k);
}

/**
 * The outcome with the `earlier` hits it lacks merged in by score, k at most; only those still
 * allowed ({@link stillAllowed}: a list admitted one unchecked, the post-filter's check did not).
 */
export function keeping(
  run: QueryRun,
  earlier: readonly ScoredChunk[],
  outcome: FilterOutcome,
): FilterOutcome {
  const have = new Set(outcome.hits.map((hit) => hit.chunk.id));
  const missing = stillAllowed(run, earlier).filter(({ chunk }) => !have.has(chunk.id));
  if (missing.length === 0) return outcome;
  const hits = [...outcome.hits, ...missing].sort((a, b) => b.score - a.score).slice(0, run.k);
  return { ...outcome, hits };
}
