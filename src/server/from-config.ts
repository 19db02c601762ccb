import {
  assertStoreExists,
  configuredTenants,
  embeddingsFromConfig,
  onlyTenant,
  StoreEmptyError,
  StoreWarmUpError,
  tenantClientsFromConfig,
  tenantsWithoutChunks,
} from "../compose/index.js";
import { type ClearanceConfig, recordsForTenant } from "../config/index.js";
import type { ClearanceEmbeddings } from "../embeddings/index.js";
import { PermissionFollower } from "../freshness/index.js";
import type { ManagedSyncClient } from "../managed-sync/index.js";
import {
  createManagedSyncRetriever,
  type PermissionAwareRetriever,
  RoundTrips,
  type UnnamedSync,
} from "../retrieval/index.js";
import { type ChunkStore, openChunkStore } from "../store/index.js";
import { type TenantClients, TenantRegistry, TenantRetrievers } from "../tenants/index.js";

/** `retrieval.freshnessMs` when unset and the follower runs: the most staleness tolerated before every result is confirmed. */
const DEFAULT_FOLLOWED_FRESHNESS_MS = 10_000;

/** Every tenant a config serves: the registry, a client and a retriever per tenant, over one store. */
export interface ConfiguredTenants {
  registry: TenantRegistry;
  clients: TenantClients;
  retrievers: TenantRetrievers;
  /** Follows every sync in use's Permission Changes feed (unless `retrieval.follow` is off). */
  follower: PermissionFollower | undefined;
  store: ChunkStore;
  embeddings: ClearanceEmbeddings;
  close(): Promise<void>;
}

/** One tenant's retriever a config describes, with the store it holds open. */
export interface ConfiguredRetrieval {
  tenant: string;
  retriever: PermissionAwareRetriever;
  store: ChunkStore;
  client: ManagedSyncClient;
  embeddings: ClearanceEmbeddings;
  close(): Promise<void>;
}

/**
 * Opens the configured store and builds what serves every tenant: the registry (configured and
 * discovered tenants), their Managed Sync clients, and their retrievers (lazy, bounded by
 * `tenancy.maxActive`), with the same embedder settings ingest used (the vectors must match).
 *
 * @example
 * const { retrievers, close } = await openConfiguredTenants(loadConfig());
 * createChatHandler({ retrievers, identify });
 */
export async function openConfiguredTenants(
  config: ClearanceConfig,
  options: {
    /** Follow the Permission Changes feed (default: `retrieval.follow`). */
    follow?: boolean;
    /** Load the store's indexes before returning (default true): for a server, not a one-shot question. */
    warmUp?: boolean;
    /** Told each time a sync's follower fails to read its feed (its results are then all confirmed): log it. */
    onFollowerError?: (error: unknown, where: { tenant: string; syncId: string }) => void;
    /** Told of each record sync a query found no `records.policies` rule for (`RetrievalReport.unnamedSyncs`): log it. */
    onUnnamedSync?: (sync: UnnamedSync, where: { tenant: string }) => void;
  } = {},
): Promise<ConfiguredTenants> {
  // Credentials first: a token for another tenant fails before anything is opened.
  const clients = tenantClientsFromConfig(config);
  const tenants = configuredTenants(config, clients);
  const embeddings = embeddingsFromConfig(config);
  const store = await openChunkStore(config.store, await embeddings.dimensions());
  try {
    const registry = await TenantRegistry.open({
      tenants,
      discover: config.tenancy.discover,
      state: store,
    });
    // Before anyone asks: otherwise the first query after a start loads the store's indexes
    // (~135 ms at 100k chunks in a new process, against ~5 for a warm search), and every replica's
    // first user pays it. A one-shot question gains nothing from it (its search would load them).
    if (options.warmUp ?? true) {
      await store.warmUp?.().catch((cause: unknown) => {
        throw new StoreWarmUpError(config.store, cause);
      });
    }
    const { retrieval } = config;
    const follower =
      (options.follow ?? retrieval.follow)
        ? new PermissionFollower({
            readerFor: (tenant) => clients.forTenant(tenant).permissions,
            invalidate: (tenant, scope) => retrievers.invalidate(tenant, scope),
            store,
            intervalMs: retrieval.followIntervalMs,
            ...(options.onFollowerError ? { onError: options.onFollowerError } : {}),
          })
        : undefined;
    // One Paragon and one store for every tenant: what one tenant's retriever measured of their
    // round trips, the next one made (a tenant's first query, or after the LRU dropped it) uses.
    const roundTrips = new RoundTrips();
    const retrievers: TenantRetrievers = new TenantRetrievers({
      maxTenants: config.tenancy.maxActive,
      isKnown: (tenant) => registry.has(tenant),
      create: (tenant) =>
        createManagedSyncRetriever({
          client: clients.forTenant(tenant),
          store,
          embeddings,
          tenant,
          k: retrieval.k,
          strategy: retrieval.strategy,
          decisionCacheTtlMs: retrieval.cacheTtlMs,
          allowSetTtlMs: retrieval.allowSetTtlMs,
          reverifyShortAfterMs: retrieval.reverifyShortAfterMs,
          // Cached evidence is used only while the follower proves it current; without one, never by default.
          freshnessMs: retrieval.freshnessMs ?? (follower ? DEFAULT_FOLLOWED_FRESHNESS_MS : 0),
          ...(follower ? { changes: follower.forTenant(tenant) } : {}),
          onPermissionError: retrieval.onPermissionError,
          records: recordsForTenant(config.records, tenant),
          budget: retrieval.budget,
          roundTrips,
          ...(options.onUnnamedSync
            ? { onUnnamedSync: (sync: UnnamedSync) => options.onUnnamedSync?.(sync, { tenant }) }
            : {}),
        }),
    });
    return {
      registry,
      clients,
      retrievers,
      follower,
      store,
      embeddings,
      close: async () => {
        // Learnt allow rates wait ~1 s to be written: written now, the next process knows these people.
        await retrievers.flushKnowledge();
        await follower?.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * One tenant's retriever (`tenant`, or the config's only one), for single-tenant tools such as
 * `clearance query`. Refuses a store folder that does not exist (STORE_NOT_FOUND) and a tenant
 * with no chunks in the store (STORE_EMPTY), each naming the folder and what to run. A
 * long-running tool (the local MCP server) passes `warmUp: true` to load the store's indexes
 * before its first question.
 *
 * @example const { retriever, close } = await openConfiguredRetrieval(loadConfig());
 */
export async function openConfiguredRetrieval(
  config: ClearanceConfig,
  tenant?: string,
  options: { warmUp?: boolean } = {},
): Promise<ConfiguredRetrieval> {
  // Only reading: a missing folder is a wrong CLEARANCE_STORE_DIR, not a store to create empty.
  assertStoreExists(config.store);
  // One question, then exit: nothing stays cached long enough for a follower to matter, and its
  // own search loads the indexes it needs.
  const opened = await openConfiguredTenants(config, { follow: false, warmUp: options.warmUp ?? false });
  try {
    const chosen = tenant ?? onlyTenant(opened.registry.list());
    // An empty answer must not pass for "you may read nothing" when nothing was ever ingested.
    if ((await tenantsWithoutChunks(opened.store, [chosen])).length > 0) {
      throw new StoreEmptyError(chosen, config.store);
    }
    const retriever = opened.retrievers.forTenant(chosen);
    return {
      tenant: chosen,
      retriever,
      store: opened.store,
      client: opened.clients.forTenant(chosen),
      embeddings: opened.embeddings,
      close: opened.close,
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
