import type { QdrantClient } from "@qdrant/js-client-rest";
import { StoreInputError } from "../errors.js";
import { requireChunk, requireId, requireIds, requireTenant } from "../guards.js";
import type { ChunkInput, ChunkMetadata, CurrentContent } from "../types.js";
import { matchAny, matchValue } from "./filters.js";
import { metadataPatch, toChunkPayload } from "./payloads.js";
import { isPointId } from "./point-id.js";
import { BATCH, qdrantRequest, RECORDS_PER_FILTER } from "./requests.js";

/** The store's writes to its chunk collection: upserts by point id, deletes and patches by filter. */
export class QdrantChunkWrites {
  constructor(
    private readonly client: QdrantClient,
    private readonly collection: string,
    private readonly dimensions: number,
  ) {}

  async upsert(chunks: readonly ChunkInput[]): Promise<void> {
    for (const chunk of chunks) {
      requireChunk(chunk, this.dimensions);
      // Qdrant refuses other strings (400) and would answer another UUID spelling lowercased,
      // so the chunk would come back under an id it was not written with.
      if (!isPointId(chunk.id)) {
        throw new StoreInputError(
          "STORE_ID_INVALID",
          `chunk id ${JSON.stringify(chunk.id)} is not a lowercase UUID, the only chunk id Qdrant stores as it is: make chunk ids with chunkId()`,
        );
      }
    }
    for (let i = 0; i < chunks.length; i += BATCH) {
      const points = chunks.slice(i, i + BATCH).map((c) => ({
        id: c.id,
        vector: Array.from(c.vector),
        payload: toChunkPayload(c),
      }));
      await qdrantRequest("upsert chunks", () => this.client.upsert(this.collection, { wait: true, points }));
    }
  }

  async deleteByRecord(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    const inSync = syncConditions(tenant, syncId);
    const ids = requireIds(recordIds, "recordIds");
    for (let i = 0; i < ids.length; i += RECORDS_PER_FILTER) {
      const filter = { must: [...inSync, matchAny("recordId", ids.slice(i, i + RECORDS_PER_FILTER))] };
      await qdrantRequest("delete chunks", () => this.client.delete(this.collection, { wait: true, filter }));
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
      await qdrantRequest("delete stale chunks", () =>
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
      await qdrantRequest("update metadata", () =>
        this.client.setPayload(this.collection, { payload: set, filter, wait: true }),
      );
    }
    if (remove.length > 0) {
      await qdrantRequest("update metadata", () =>
        this.client.deletePayload(this.collection, { keys: remove, filter, wait: true }),
      );
    }
  }

  /** Deletes a sync's chunks; the store removes its state after. */
  async deleteSync(tenant: string, syncId: string): Promise<void> {
    const filter = { must: syncConditions(tenant, syncId) };
    await qdrantRequest("delete a sync's chunks", () =>
      this.client.delete(this.collection, { wait: true, filter }),
    );
  }
}

/** The conditions that pick one tenant's sync. */
function syncConditions(tenant: string, syncId: string) {
  return [matchValue("tenant", requireTenant(tenant)), matchValue("syncId", requireId(syncId, "syncId"))];
}
