import type { QdrantClient } from "@qdrant/js-client-rest";
import { isChunkOf } from "../chunk-ref.js";
import { StoreError } from "../errors.js";
import { requireChunkRef, requirePage, requireVector } from "../guards.js";
import type { Chunk, ChunkFilter, ChunkRef, ScoredChunk, ScoredRef, SearchOptions } from "../types.js";
import { chunkFilter } from "./filters.js";
import { fromChunkPayload, fromRefPayload, REF_PAYLOAD_KEYS } from "./payloads.js";
import { isPointId } from "./point-id.js";
import { BATCH, qdrantRequest } from "./requests.js";

/** The store's reads of its chunk collection: searches, counts and reads by point id. */
export class QdrantChunkReads {
  constructor(
    private readonly client: QdrantClient,
    private readonly collection: string,
    private readonly dimensions: number,
  ) {}

  async search(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredChunk[]> {
    const points = await this.query(vector, options, true);
    return this.parsed(() =>
      points.map((point) => ({
        chunk: fromChunkPayload(String(point.id), point.payload),
        score: point.score,
      })),
    );
  }

  async searchRefs(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredRef[]> {
    const points = await this.query(vector, options, REF_PAYLOAD_KEYS);
    return this.parsed(() =>
      points.map((point) => ({ ref: fromRefPayload(String(point.id), point.payload), score: point.score })),
    );
  }

  async readChunks(refs: readonly ChunkRef[], signal?: AbortSignal): Promise<Map<string, Chunk>> {
    for (const ref of refs) requireChunkRef(ref);
    // A ref whose id no point can have names no chunk: it reads as none, as in every store,
    // rather than failing the whole read with Qdrant's 400.
    const wanted = new Map(refs.filter((ref) => isPointId(ref.id)).map((ref) => [ref.id, ref]));
    const ids = [...wanted.keys()];
    const found = new Map<string, Chunk>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const points = await qdrantRequest(
        "read chunks",
        () => this.client.retrieve(this.collection, { ids: ids.slice(i, i + BATCH), with_payload: true }),
        signal,
      );
      for (const point of points) {
        const chunk = this.parsed(() => fromChunkPayload(String(point.id), point.payload));
        const ref = wanted.get(chunk.id);
        // Only exactly the chunk the ref names: a point rewritten for another record is not it.
        if (ref && isChunkOf(chunk, ref)) found.set(chunk.id, chunk);
      }
    }
    signal?.throwIfAborted();
    return found;
  }

  async count(filter: ChunkFilter): Promise<number> {
    const qdrantFilter = chunkFilter(filter);
    if (!qdrantFilter) return 0;
    const result = await qdrantRequest("count", () =>
      this.client.count(this.collection, { filter: qdrantFilter, exact: true }),
    );
    return result.count;
  }

  /** The points a search finds, with the whole payload (`true`) or only the named keys. */
  private async query(
    vector: readonly number[] | Float32Array,
    options: SearchOptions,
    payload: true | string[],
  ) {
    const offset = options.offset ?? 0;
    requirePage(options.limit, offset);
    requireVector(vector, this.dimensions);
    const filter = chunkFilter(options);
    if (!filter) return [];
    const response = await qdrantRequest(
      "search",
      () =>
        this.client.query(this.collection, {
          query: Array.from(vector),
          filter,
          limit: options.limit,
          offset,
          with_payload: payload,
        }),
      options.signal,
    );
    options.signal?.throwIfAborted();
    return response.points;
  }

  /** Runs a payload parse, reporting a payload Clearance did not write as the store's error. */
  private parsed<T>(parse: () => T): T {
    try {
      return parse();
    } catch (cause) {
      throw new StoreError(
        "STORE_BAD_PAYLOAD",
        `collection ${this.collection} holds points Clearance did not write: point it at its own collection`,
        { cause },
      );
    }
  }
}
