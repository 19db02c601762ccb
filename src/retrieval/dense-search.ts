import { storeHeldRecords, vectorSiftedSource, vectorSource } from "./candidates.js";
import type { EnforcementContext } from "./context.js";
import { type EnforceResult, enforce } from "./enforce.js";
import { selectByMmr } from "./mmr.js";
import type { RetrieverShared } from "./retriever-setup.js";

export interface DenseQuery {
  text: string;
  subject: string;
  k: number;
  signal: AbortSignal | undefined;
}

/**
 * The query path of `retrieveWithReport`: embeds the text and pages the store's nearest chunks of
 * the tenant (whole, as refs to sift, and the records the store holds in memory) through
 * enforcement. With `mmr` it fetches `fetchK` allowed candidates, then picks k diverse ones.
 */
export async function denseSearch(
  shared: RetrieverShared,
  ctx: EnforcementContext,
  query: DenseQuery,
): Promise<EnforceResult> {
  const { store, embeddings, searchType, mmr } = shared;
  const { subject, k, signal } = query;
  const vector = await embeddings.embedQuery(query.text);
  const source = vectorSource(store, ctx.tenant, vector);
  const sifted = vectorSiftedSource(store, ctx.tenant, vector);
  const held = storeHeldRecords(store, ctx.tenant);
  if (searchType === "mmr") {
    const fetchK = Math.max(k, mmr.fetchK);
    const { hits, report } = await enforce(ctx, {
      subject,
      k: fetchK,
      source,
      sifted,
      held,
      signal,
    });
    const picked = await selectByMmr(embeddings, vector, hits, k, mmr.lambda);
    return {
      hits: picked,
      report: {
        ...report,
        k,
        returned: picked.length,
        budgetHit: picked.length < k ? report.budgetHit : null,
      },
    };
  }
  return enforce(ctx, { subject, k, source, sifted, held, signal });
}
