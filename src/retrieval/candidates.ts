import type { Chunk, ChunkRef, ChunkStore, ScoredChunk, ScoredRef, SearchOptions } from "../store/index.js";

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
  return (page) => store.search(vector, searchOptions(tenant, page));
}

/**
 * The candidates of a source without their chunks' text and metadata, and the reading of the
 * chunks of those kept: for pages sifted through an allow list, where most candidates are dropped
 * and reading every column of each cost a large page as much as the search (`ChunkStore.searchRefs`).
 * Same candidates, same order, as the source it accompanies.
 */
export interface SiftedSource {
  refs(page: CandidatePage): Promise<ScoredRef[]>;
  /** The chunks the refs name, by id; one deleted since its page is absent. */
  chunks(refs: readonly ChunkRef[], signal?: AbortSignal): Promise<Map<string, Chunk>>;
}

/** {@link vectorSource}'s candidates as refs, for sifted pages; undefined when the store cannot search refs. */
export function vectorSiftedSource(
  store: Partial<Pick<ChunkStore, "searchRefs" | "readChunks">>,
  tenant: string,
  vector: readonly number[] | Float32Array,
): SiftedSource | undefined {
  const { searchRefs, readChunks } = store;
  if (!searchRefs || !readChunks) return undefined;
  return {
    refs: (page) => searchRefs.call(store, vector, searchOptions(tenant, page)),
    chunks: (refs, signal) => readChunks.call(store, refs, signal),
  };
}

/**
 * What the store holds in memory of one tenant's records: a search filtered to held records is an
 * exact scan in memory, cheaper than an unfiltered search whatever the number of record ids.
 */
export interface HeldRecords {
  /** Whether every one of these records is held at the store's current contents. */
  holds(recordIds: readonly string[]): Promise<boolean>;
  /** Asks the store to load these records in the background, for the next queries. */
  load(recordIds: readonly string[]): void;
}

/** The store's {@link HeldRecords} for `tenant`; undefined when it holds nothing in memory. */
export function storeHeldRecords(
  store: Partial<Pick<ChunkStore, "holdsRecords" | "loadRecords">>,
  tenant: string,
): HeldRecords | undefined {
  const { holdsRecords, loadRecords } = store;
  if (!holdsRecords || !loadRecords) return undefined;
  return {
    holds: (recordIds) => holdsRecords.call(store, tenant, recordIds),
    load: (recordIds) => loadRecords.call(store, tenant, recordIds),
  };
}

function searchOptions(tenant: string, page: CandidatePage): SearchOptions {
  return {
    tenant,
    limit: page.limit,
    offset: page.offset,
    ...(page.recordIds ? { recordIds: page.recordIds } : {}),
    ...(page.syncIds ? { syncIds: page.syncIds } : {}),
    ...(page.approximate ? { approximate: true } : {}),
    ...(page.signal ? { signal: page.signal } : {}),
  };
}

/**
 * A candidate as a pre-filter merges them: which chunk (all a list needs to admit it), its score,
 * and the chunk itself unless it came from a sifted page (read once it is kept).
 */
export interface Candidate {
  ref: ChunkRef;
  score: number;
  chunk?: Chunk;
}

/** A source's pages as candidates that carry their chunks. */
export function withChunks(source: CandidateSource): (page: CandidatePage) => Promise<Candidate[]> {
  return async (page) =>
    (await source(page)).map((hit) => ({ ref: hit.chunk, score: hit.score, chunk: hit.chunk }));
}

/** A sifted source's pages as candidates whose chunks are still to be read. */
export function withoutChunks(sifted: SiftedSource): (page: CandidatePage) => Promise<Candidate[]> {
  return async (page) => (await sifted.refs(page)).map((hit) => ({ ref: hit.ref, score: hit.score }));
}

/**
 * Candidates matching one filter, in score order, fetched `pageSize` at a time (each page `grow`
 * times the last, up to 5,000); a chunk is never yielded twice.
 */
export async function* candidateStream(
  pages: (page: CandidatePage) => Promise<Candidate[]>,
  filter: Pick<CandidatePage, "recordIds" | "syncIds" | "approximate" | "signal">,
  firstPage: number,
  grow = 1,
): AsyncGenerator<Candidate> {
  const seen = new Set<string>();
  for (let offset = 0, pageSize = firstPage; ; pageSize = Math.min(5_000, Math.ceil(pageSize * grow))) {
    const page = await pages({ ...filter, limit: pageSize, offset });
    for (const hit of page) {
      if (seen.has(hit.ref.id)) continue;
      seen.add(hit.ref.id);
      yield hit;
    }
    if (page.length < pageSize) return;
    offset += page.length;
  }
}

/** Merges streams that are each in descending score order into one that is too. */
export async function* mergeByScore(streams: AsyncGenerator<Candidate>[]): AsyncGenerator<Candidate> {
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
