import { clientFromConfig, embeddingsFromConfig } from "../compose/index.js";
import type { ClearanceConfig } from "../config/index.js";
import type { ClearanceEmbeddings } from "../embeddings/index.js";
import type { ManagedSyncClient } from "../managed-sync/index.js";
import { createManagedSyncRetriever, type PermissionAwareRetriever } from "../retrieval/index.js";
import { type ChunkStore, openChunkStore } from "../store/index.js";

/** The retriever a config describes, with the store it holds open. */
export interface ConfiguredRetrieval {
  retriever: PermissionAwareRetriever;
  store: ChunkStore;
  client: ManagedSyncClient;
  embeddings: ClearanceEmbeddings;
  close(): Promise<void>;
}

/**
 * Opens the configured store and builds the permission-aware retriever over the Managed Sync
 * client, with the same embedder settings ingest used (the vectors must match).
 *
 * @example const { retriever, close } = await openConfiguredRetrieval(loadConfig());
 */
export async function openConfiguredRetrieval(config: ClearanceConfig): Promise<ConfiguredRetrieval> {
  const embeddings = embeddingsFromConfig(config);
  const client = clientFromConfig(config);
  const { retrieval } = config;
  const store = await openChunkStore(config.store, await embeddings.dimensions());
  const retriever = createManagedSyncRetriever({
    client,
    store,
    embeddings,
    tenant: config.tenant,
    k: retrieval.k,
    strategy: retrieval.strategy,
    decisionCacheTtlMs: retrieval.cacheTtlMs,
    allowSetTtlMs: retrieval.allowSetTtlMs,
    freshnessMs: retrieval.freshnessMs,
    onPermissionError: retrieval.onPermissionError,
    tenantWideSyncs: retrieval.tenantWideSyncs,
    budget: retrieval.budget,
  });
  return { retriever, store, client, embeddings, close: () => store.close() };
}
