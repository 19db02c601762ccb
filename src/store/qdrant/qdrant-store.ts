import type { QdrantClient } from "@qdrant/js-client-rest";
import { importOptional } from "../../optional-dependency.js";
import { StoreError, StoreInputError } from "../errors.js";
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
import { QdrantChunkReads } from "./chunk-reads.js";
import { QdrantChunkWrites } from "./chunk-writes.js";
import { ensureCollections, hasPoints } from "./collections.js";
import { qdrantRequest } from "./requests.js";
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

/**
 * `ChunkStore` on Qdrant, for corpora past one machine. Point ids are the deterministic chunk ids,
 * deletes go by filter, record-id sets are `MatchAny` conditions, and ingest state lives in a
 * second collection. Needs Qdrant ≥ 1.16 (conditional updates, used by leases).
 *
 * @example const store = await QdrantChunkStore.open({ url: "http://localhost:6333", dimensions: 1536 });
 */
export class QdrantChunkStore implements ChunkStore {
  private readonly state: QdrantState;
  private readonly writes: QdrantChunkWrites;
  private readonly reads: QdrantChunkReads;

  private constructor(
    client: QdrantClient,
    collection: string,
    readonly dimensions: number,
  ) {
    this.state = new QdrantState(client, `${collection}_state`);
    this.writes = new QdrantChunkWrites(client, collection, dimensions);
    this.reads = new QdrantChunkReads(client, collection, dimensions);
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
      hasData: () =>
        qdrantRequest("count points", () => hasPoints(client, collection, `${collection}_state`)),
      write: (value) => store.putState(SCHEMA_STATE.scope, SCHEMA_STATE.key, value),
    });
    return store;
  }

  upsert(chunks: readonly ChunkInput[]): Promise<void> {
    return this.writes.upsert(chunks);
  }
  deleteByRecord(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    return this.writes.deleteByRecord(tenant, syncId, recordIds);
  }
  deleteStaleChunks(tenant: string, syncId: string, current: readonly CurrentContent[]): Promise<void> {
    return this.writes.deleteStaleChunks(tenant, syncId, current);
  }
  updateRecordMetadata(
    tenant: string,
    syncId: string,
    recordId: string,
    patch: Partial<ChunkMetadata>,
  ): Promise<void> {
    return this.writes.updateRecordMetadata(tenant, syncId, recordId, patch);
  }

  search(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredChunk[]> {
    return this.reads.search(vector, options);
  }
  searchRefs(vector: readonly number[] | Float32Array, options: SearchOptions): Promise<ScoredRef[]> {
    return this.reads.searchRefs(vector, options);
  }
  readChunks(refs: readonly ChunkRef[], signal?: AbortSignal): Promise<Map<string, Chunk>> {
    return this.reads.readChunks(refs, signal);
  }
  count(filter: ChunkFilter): Promise<number> {
    return this.reads.count(filter);
  }

  recordVersions(tenant: string, syncId: string): AsyncIterable<RecordVersion> {
    return this.state.recordVersions(tenant, syncId);
  }
  getRecordVersions(
    tenant: string,
    syncId: string,
    recordIds: readonly string[],
  ): Promise<Map<string, RecordVersion>> {
    return qdrantRequest("read record versions", () =>
      this.state.getRecordVersions(tenant, syncId, recordIds),
    );
  }
  putRecordVersions(versions: readonly RecordVersion[]): Promise<void> {
    return qdrantRequest("write record versions", () => this.state.putRecordVersions(versions));
  }
  deleteRecordVersions(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    return qdrantRequest("delete record versions", () =>
      this.state.deleteRecordVersions(tenant, syncId, recordIds),
    );
  }
  getSyncState(tenant: string, syncId: string): Promise<SyncState | undefined> {
    return qdrantRequest("read sync state", () => this.state.getSyncState(tenant, syncId));
  }
  putSyncState(tenant: string, syncId: string, state: SyncState): Promise<void> {
    return qdrantRequest("write sync state", () => this.state.putSyncState(tenant, syncId, state));
  }
  async deleteSync(tenant: string, syncId: string): Promise<void> {
    await this.writes.deleteSync(tenant, syncId);
    await qdrantRequest("delete a sync's state", () => this.state.deleteSync(tenant, syncId));
  }
  getState(scope: string, key: string): Promise<string | undefined> {
    return qdrantRequest("read state", () => this.state.getState(scope, key));
  }
  putState(scope: string, key: string, value: string): Promise<void> {
    return qdrantRequest("write state", () => this.state.putState(scope, key, value));
  }
  deleteState(scope: string, key: string): Promise<void> {
    return qdrantRequest("delete state", () => this.state.deleteState(scope, key));
  }
  listState(scope: string): Promise<Map<string, string>> {
    return qdrantRequest("list state", () => this.state.listState(scope));
  }
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return qdrantRequest("acquire lease", () => this.state.acquireLease(name, holder, ttlMs));
  }
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return qdrantRequest("renew lease", () => this.state.renewLease(name, holder, ttlMs));
  }
  releaseLease(name: string, holder: string): Promise<void> {
    return qdrantRequest("release lease", () => this.state.releaseLease(name, holder));
  }

  /** Qdrant indexes and compacts by itself; nothing to do. */
  async optimize(): Promise<void> {}

  async close(): Promise<void> {}
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
