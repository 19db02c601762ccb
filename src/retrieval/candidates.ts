import type { ChunkStore, ScoredChunk } from "../store/index.js";

/** One page request: which candidates, restricted how. The tenant is bound by the source. */
export interface CandidatePage {
  limit: number;
  offset: number;
  recordIds?: readonly string[];
  syncIds?: readonly string[];
  /** Most of the page will be dropped (sifted through an allow list): its order may be approximate (`SearchOptions.approximate`). */
  approximate?: boolean;
  signal?: AbortSignal;
}

/**
 * Where candidates come from, best first, always within one tenant. Dense search is one source; a
 * keyword or hybrid search would be another. Every source is consumed by `enforce`, never directly.
 */
export type CandidateSource = (page: CandidatePage) => Promise<ScoredChunk[]>;

/** Dense candidates for one query vector, ANDed with the tenant on every page. */
export function vectorSource(
  store: Pick<ChunkStore, "search">,
  tenant: string,
  vector: readonly number[] | Float32Array,
): CandidateSource {
  return (page) =>
    store.search(vector, {
      tenant,
      limit: page.limit,
      offset: page.offset,
      ...(page.recordIds ? { recordIds: page.recordIds } : {}),
      ...(page.syncIds ? { syncIds: page.syncIds } : {}),
      ...(page.approximate ? { approximate: true } : {}),
      ...(page.signal ? { signal: page.signal } : {}),
    });
}

/**
 * Candidates matching one filter, in score order, fetched `pageSize` at a time (each page `grow`
 * times the last, up to 5,000); a chunk is never yielded twice.
 */
export async function* candidateStream(
  source: CandidateSource,
  filter: Pick<CandidatePage, "recordIds" | "syncIds" | "approximate" | "signal">,
  firstPage: number,
  grow = 1,
): AsyncGenerator<ScoredChunk> {
  const seen = new Set<string>();
  for (let offset = 0, pageSize = firstPage; ; pageSize = Math.min(5_000, Math.ceil(pageSize * grow))) {
    const page = await source({ ...filter, limit: pageSize, offset });
    for (const hit of page) {
      if (seen.has(hit.chunk.id)) continue;
      seen.add(hit.chunk.id);
      yield hit;
    }
    if (page.length < pageSize) return;
    offset += page.length;
  }
}

/** Merges streams that are each in descending score order into one that is too. */
export async function* mergeByScore(streams: AsyncGenerator<ScoredChunk>[]): AsyncGenerator<ScoredChunk> {
  const heads = await Promise.all(streams.map((stream) => stream.next()));
  for (;;) {
    let best = -1;
    heads.forEach((head, index) => {
      if (head.done) return;
      const current = best >= 0 ? heads[best] : undefined;
      if (!current || current.done || head.value.score > current.value.score) best = index;
    });
    if (best < 0) return;
    const head = heads[best];
    if (!head || head.done) return;
    yield head.value;
    heads[best] = await streams[best]!.next();
  }
}
