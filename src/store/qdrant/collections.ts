import type { QdrantClient, Schemas } from "@qdrant/js-client-rest";
import { StoreError } from "../errors.js";
import { matchValue } from "./filters.js";

type IndexSchema = Schemas["PayloadFieldSchema"];

// Created before the first write: Qdrant plans filtered searches from payload indexes, and the
// tenant index with `is_tenant` lays points out per tenant so a tenant's search reads only its data.
// Every key any filter names is indexed: a collection in strict mode (Qdrant Cloud's default,
// `unindexed_filtering_retrieve` / `unindexed_filtering_update` false) refuses a filter on an
// unindexed key ("Index required but not found"), so `deleteStaleChunks` (contentHash) and the
// lease's conditional update (holder, expiresAt) would fail there.
const CHUNK_INDEXES: [string, IndexSchema][] = [
  ["tenant", { type: "keyword", is_tenant: true }],
  ["recordId", "keyword"],
  ["syncId", "keyword"],
  ["contentHash", "keyword"],
];

const STATE_INDEXES: [string, IndexSchema][] = [
  ["tenant", { type: "keyword", is_tenant: true }],
  ["kind", "keyword"],
  ["syncId", "keyword"],
  ["recordId", "keyword"],
  ["name", "keyword"],
  ["scope", "keyword"],
  ["holder", "keyword"],
  ["expiresAt", "float"],
];

/** Creates (or checks) the chunk collection and the state collection with their payload indexes. */
export async function ensureCollections(
  client: QdrantClient,
  chunks: string,
  state: string,
  dimensions: number,
): Promise<void> {
  await ensureCollection(
    client,
    chunks,
    dimensions,
    {
      vectors: { size: dimensions, distance: "Cosine" },
      // Every search carries a tenant filter, so per-tenant HNSW graphs (payload_m) serve them
      // and the global graph (m) would be dead weight (Qdrant's multitenancy guidance).
      hnsw_config: { payload_m: 16, m: 0 },
    },
    CHUNK_INDEXES,
  );
  // State points carry no meaningful vector; a 1-d vector keeps the collection valid everywhere.
  await ensureCollection(client, state, 1, { vectors: { size: 1, distance: "Dot" } }, STATE_INDEXES);
}

async function ensureCollection(
  client: QdrantClient,
  name: string,
  dimensions: number,
  config: Parameters<QdrantClient["createCollection"]>[1],
  indexes: [string, IndexSchema][],
): Promise<void> {
  const { exists } = await client.collectionExists(name);
  if (!exists) {
    try {
      await client.createCollection(name, config);
    } catch (cause) {
      // Another worker may have created it first; anything else is a real failure.
      if (!(await client.collectionExists(name)).exists) {
        throw new StoreError(
          "STORE_OPEN_FAILED",
          `cannot create Qdrant collection ${name}: check the URL and API key`,
          {
            cause,
          },
        );
      }
    }
  }
  const info = await client.getCollection(name);
  const vectors = info.config.params.vectors as { size?: number } | undefined;
  if (vectors?.size !== dimensions) {
    throw new StoreError(
      "STORE_DIMENSIONS_MISMATCH",
      `Qdrant collection ${name} holds ${vectors?.size}-dimension vectors but ${dimensions} are needed: ` +
        "use the embedder the collection was built with, or another collection name and re-ingest",
    );
  }
  const existing = info.payload_schema ?? {};
  for (const [field, schema] of indexes) {
    if (!(field in existing)) {
      await client.createPayloadIndex(name, { field_name: field, field_schema: schema, wait: true });
    }
  }
}

/** Whether a store holds chunks or record versions (written by any Clearance, stamped or not). */
export async function hasPoints(client: QdrantClient, chunks: string, state: string): Promise<boolean> {
  const found = await client.count(chunks, { exact: true });
  if (found.count > 0) return true;
  const records = await client.count(state, {
    exact: true,
    filter: { must: [matchValue("kind", "record")] },
  });
  return records.count > 0;
}
