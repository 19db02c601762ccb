import type { QdrantClient } from "@qdrant/js-client-rest";
import { importOptional } from "../../optional-dependency.js";
import { StoreError, StoreInputError } from "../errors.js";
import {
  requireChunk,
  requireChunkRef,
  requireId,
  requireIds,
  requirePage,
  requireTenant,
  requireVector,
} from "../guards.js";
import { ensureSchemaVersion, SCHEMA_STATE } from "../schema-version.js";
import type {
  Chunk,
  ChunkFilter,
  ChunkInput,
  ChunkMetadata,
  ChunkRef,
  ChunkStore,
  CurrentContent,
  RecordVersion,
  ScoredChunk,
  ScoredRef,
  SearchOptions,
  SyncState,
} from "../types.js";
import { ensureCollections } from "./collections.js";
import { chunkFilter, matchAny, matchValue } from "./filters.js";
import {
  fromChunkPayload,
  fromRefPayload,
  metadataPatch,
  REF_PAYLOAD_KEYS,
  toChunkPayload,
} from "./payloads.js";
import { QdrantState } from "./state.js";

export interface QdrantChunkStoreOptions {
  url: string;
  apiKey?: string;
  /** Chunk collection; ingest state goes to `<collection>_state`. Default `clearance_chunks`. */
  collection?: string;
  dimensions: number;
  /** An existing client (tests, custom transport); `url` and `apiKey` are then ignored. */
  client?: QdrantClient;
}

// Points per upsert request and record ids per filter: keeps request bodies well under limits.
const BATCH = 256;
const RECORDS_PER_FILTER = 1_000;

/**
 * `ChunkStore` on Qdrant, for corpora past one machine. Point ids are the deterministic chunk ids,
 * deletes go by filter, record-id sets are `MatchAny` conditions, and ingest state lives in a
 * second collection. Needs Qdrant ≥ 1.16 (conditional updates, used by leases).
 *
 * @example const store = await QdrantChunkStore.open({ url: "http://localhost:6333", dimensions: 1536 });
 */
export class QdrantChunkStore implements ChunkStore {
  private readonly state: QdrantState;

  private constructor(
    private readonly client: QdrantClient,
    private readonly collection: string,
    readonly dimensions: number,
  ) {
    this.state = new QdrantState(client, `${collection}_state`);
  }

  /** Connects and creates the collections and payload indexes if they are missing. */
  static async open(options: QdrantChunkStoreOptions): Promise<QdrantChunkStore> {
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1) {
      throw new StoreInputError(
        "STORE_DIMENSIONS_INVALID",
        `dimensions must be a positive integer, got ${options.dimensions}`,
      );
    }
    const collection = options.collection ?? "clearance_chunks";
    const client = options.client ?? (await connect(options));
    try {
      await ensureCollections(client, collection, `${collection}_state`, options.dimensions);
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError(
        "STORE_OPEN_FAILED",
        `cannot reach Qdrant at ${options.url}: check QDRANT_URL and QDRANT_API_KEY`,
        {
          cause,
        },
      );
    }
    const store = new QdrantChunkStore(client, collection, options.dimensions);
    await ensureSchemaVersion(`Qdrant collection ${collection}`, {
      read: () => store.getState(SCHEMA_STATE.scope, SCHEMA_STATE.key),
      hasData: () => store.call("count points", () => hasPoints(client, collection)),
      write: (value) => store.putState(SCHEMA_STATE.scope, SCHEMA_STATE.key, value),
    });
    return store;
  }

  async upsert(chunks: readonly ChunkInput[]): Promise<void> {
    for (const chunk of chunks) requireChunk(chunk, this.dimensions);
    for (let i = 0; i < chunks.length; i += BATCH) {
      const points = chunks.slice(i, i + BATCH).map((c) => ({
        id: c.id,
        vector: Array.from(c.vector),
        payload: toChunkPayload(c),
      }));
      await this.call("upsert chunks", () => this.client.upsert(this.collection, { wait: true, points }));
    }
  }

  async deleteByRecord(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    const inSync = syncConditions(tenant, syncId);
    const ids = requireIds(recordIds, "recordIds");
    for (let i = 0; i < ids.length; i += RECORDS_PER_FILTER) {
      const filter = { must: [...inSync, matchAny("recordId", ids.slice(i, i + RECORDS_PER_FILTER))] };
      await this.call("delete chunks", () => this.client.delete(this.collection, { wait: true, filter }));
    }
  }

  async deleteStaleChunks(tenant: string, syncId: string, current: readonly CurrentContent[]): Promise<void> {
    const inSync = syncConditions(tenant, syncId);
    const keep = current.map((c) => ({
      recordId: requireId(c.recordId, "recordId"),
      contentHash: requireId(c.contentHash, "contentHash"),
    }));
    for (let i = 0; i < keep.length; i += RECORDS_PER_FILTER) {
      // Per record: its chunks whose hash is not the current one. Never one hash across records.
      const filter = {
        must: inSync,
        should: keep.slice(i, i + RECORDS_PER_FILTER).map((k) => ({
          must: [matchValue("recordId", k.recordId)],
          must_not: [matchValue("contentHash", k.contentHash)],
        })),
      };
      await this.call("delete stale chunks", () =>
        this.client.delete(this.collection, { wait: true, filter }),
      );
    }
  }

  async updateRecordMetadata(
    tenant: string,
    syncId: string,
    recordId: string,
    patch: Partial<ChunkMetadata>,
  ): Promise<void> {
    const filter = {
      must: [...syncConditions(tenant, syncId), matchValue("recordId", requireId(recordId, "recordId"))],
    };
    const { set, remove } = metadataPatch(patch);
    if (Object.keys(set).length > 0) {
      await this.call("update metadata", () =>
        this.client.setPayload(this.collection, { payload: set, filter, wait: true }),
      );
    }
    if (remove.length > 0) {
      await this.call("update metadata", () =>
        this.client.deletePayload(this.collection, { keys: remove, filter, wait: true }),
      );
    }
  }

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
    const wanted = new Map(refs.map((ref) => [ref.id, ref]));
    const ids = [...wanted.keys()];
    const found = new Map<string, Chunk>();
    for (let i = 0; i < ids.length; i += BATCH) {
      signal?.throwIfAborted();
      const points = await this.call("read chunks", () =>
        this.client.retrieve(this.collection, { ids: ids.slice(i, i + BATCH), with_payload: true }),
      );
      for (const point of points) {
        const chunk = this.parsed(() => fromChunkPayload(String(point.id), point.payload));
        const ref = wanted.get(chunk.id);
        // Only exactly the chunk the ref names: a point rewritten for another record is not it.
        if (
          ref &&
          chunk.tenant === ref.tenant &&
          chunk.syncId === ref.syncId &&
          chunk.recordId === ref.recordId
        )
          found.set(chunk.id, chunk);
      }
    }
    signal?.throwIfAborted();
    return found;
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
    options.signal?.throwIfAborted();
    const response = await this.call("search", () =>
      this.client.query(this.collection, {
        query: Array.from(vector),
        filter,
        limit: options.limit,
        offset,
        with_payload: payload,
      }),
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

  async count(filter: ChunkFilter): Promise<number> {
    const qdrantFilter = chunkFilter(filter);
    if (!qdrantFilter) return 0;
    const result = await this.call("count", () =>
      this.client.count(this.collection, { filter: qdrantFilter, exact: true }),
    );
    return result.count;
  }

  recordVersions(tenant: string, syncId: string): AsyncIterable<RecordVersion> {
    return this.state.recordVersions(tenant, syncId);
  }
  getRecordVersions(
    tenant: string,
    syncId: string,
    recordIds: readonly string[],
  ): Promise<Map<string, RecordVersion>> {
    return this.call("read record versions", () => this.state.getRecordVersions(tenant, syncId, recordIds));
  }
  putRecordVersions(versions: readonly RecordVersion[]): Promise<void> {
    return this.call("write record versions", () => this.state.putRecordVersions(versions));
  }
  deleteRecordVersions(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    return this.call("delete record versions", () =>
      this.state.deleteRecordVersions(tenant, syncId, recordIds),
    );
  }
  getSyncState(tenant: string, syncId: string): Promise<SyncState | undefined> {
    return this.call("read sync state", () => this.state.getSyncState(tenant, syncId));
  }
  putSyncState(tenant: string, syncId: string, state: SyncState): Promise<void> {
    return this.call("write sync state", () => this.state.putSyncState(tenant, syncId, state));
  }
  async deleteSync(tenant: string, syncId: string): Promise<void> {
    const filter = { must: syncConditions(tenant, syncId) };
    await this.call("delete a sync's chunks", () =>
      this.client.delete(this.collection, { wait: true, filter }),
    );
    await this.call("delete a sync's state", () => this.state.deleteSync(tenant, syncId));
  }
  getState(scope: string, key: string): Promise<string | undefined> {
    return this.call("read state", () => this.state.getState(scope, key));
  }
  putState(scope: string, key: string, value: string): Promise<void> {
    return this.call("write state", () => this.state.putState(scope, key, value));
  }
  deleteState(scope: string, key: string): Promise<void> {
    return this.call("delete state", () => this.state.deleteState(scope, key));
  }
  listState(scope: string): Promise<Map<string, string>> {
    return this.call("list state", () => this.state.listState(scope));
  }
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.call("acquire lease", () => this.state.acquireLease(name, holder, ttlMs));
  }
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.call("renew lease", () => this.state.renewLease(name, holder, ttlMs));
  }
  releaseLease(name: string, holder: string): Promise<void> {
    return this.call("release lease", () => this.state.releaseLease(name, holder));
  }

  /** Qdrant indexes and compacts by itself; nothing to do. */
  async optimize(): Promise<void> {}

  async close(): Promise<void> {}

  /** Runs a Qdrant request, turning its failures into {@link StoreError}s that say what failed. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      if (cause instanceof StoreInputError || cause instanceof StoreError) throw cause;
      throw new StoreError(
        "STORE_REQUEST_FAILED",
        `Qdrant ${what} failed: ${(cause as Error)?.message ?? cause}`,
        {
          cause,
        },
      );
    }
  }
}

/** The conditions that pick one tenant's sync. */
function syncConditions(tenant: string, syncId: string) {
  return [matchValue("tenant", requireTenant(tenant)), matchValue("syncId", requireId(syncId, "syncId"))];
}

/** Whether a store holds chunks or record versions (written by any Clearance, stamped or not). */
async function hasPoints(client: QdrantClient, collection: string): Promise<boolean> {
  const chunks = await client.count(collection, { exact: true });
  if (chunks.count > 0) return true;
  const records = await client.count(`${collection}_state`, {
    exact: true,
    filter: { must: [matchValue("kind", "record")] },
  });
  return records.count > 0;
}

/** A client for `options.url`; the Qdrant package is loaded here, at first use, not by `import "clearance"`. */
async function connect(options: QdrantChunkStoreOptions): Promise<QdrantClient> {
  const { QdrantClient } = await importOptional("qdrant", () => import("@qdrant/js-client-rest"));
  return new QdrantClient({
    url: options.url,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    checkCompatibility: false,
  });
}
