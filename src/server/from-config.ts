import type { ClearanceConfig } from "../config/index.js";
import { type ClearanceEmbeddings, createEmbeddings } from "../embeddings/index.js";
import { ManagedSyncClient } from "../managed-sync/index.js";
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
  const embeddings = createEmbeddings({
    ...(config.embeddings.openaiApiKey ? { openaiApiKey: config.embeddings.openaiApiKey } : {}),
    model: config.embeddings.model,
    ...(config.embeddings.dimensions ? { dimensions: config.embeddings.dimensions } : {}),
    batchSize: config.embeddings.batchSize,
    concurrency: config.embeddings.concurrency,
  });
  const client = new ManagedSyncClient({
    baseUrl: config.managedSync.baseUrl,
    timeoutMs: config.managedSync.timeoutMs,
    auth: config.managedSync.token
      ? { token: config.managedSync.token }
      : {
          signingKey: config.managedSync.signingKey!,
          projectId: config.managedSync.projectId!,
          userId: config.tenant,
        },
  });
  const store = await openChunkStore(config.store, await embeddings.dimensions());
  const retriever = createManagedSyncRetriever({
    client,
    store,
    embeddings,
    tenant: config.tenant,
    k: config.retrieval.k,
    strategy: config.retrieval.strategy,
    decisionCacheTtlMs: config.retrieval.cacheTtlMs,
  });
  return { retriever, store, client, embeddings, close: () => store.close() };
}
