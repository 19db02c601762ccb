import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { maximalMarginalRelevance } from "@langchain/core/utils/math";
import type { ScoredChunk } from "../store/index.js";

/**
 * Picks k diverse chunks among already-allowed candidates (maximal marginal relevance). It only
 * reorders and drops: permission enforcement happened before, on every candidate.
 */
export async function selectByMmr(
  embeddings: EmbeddingsInterface,
  queryVector: number[],
  allowed: readonly ScoredChunk[],
  k: number,
  lambda: number,
): Promise<ScoredChunk[]> {
  if (allowed.length <= 1) return allowed.slice(0, k);
  // The store does not hand vectors back; the texts are re-embedded (cheap next to the search).
  const vectors = await embeddings.embedDocuments(allowed.map((hit) => hit.chunk.text));
  const picked = maximalMarginalRelevance(queryVector, vectors, lambda, k);
  return picked.flatMap((index) => {
    const hit = allowed[index];
    return hit ? [hit] : [];
  });
}
