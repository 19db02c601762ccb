import {
  ManagedSyncAccessControl,
  type PermissionsClient,
  SyncCatalog,
  type SyncLister,
} from "../access/index.js";
import { PermissionAwareRetriever, type PermissionAwareRetrieverFields } from "./retriever.js";

export interface ManagedSyncRetrieverOptions
  extends Omit<PermissionAwareRetrieverFields, "access" | "syncIds"> {
  /** The Managed Sync client (its `permissions` and `syncs` namespaces), authenticated as the tenant. */
  client: { permissions: PermissionsClient; syncs: SyncLister };
  /** Syncs every user of the tenant may read, unchecked (e.g. a shared CRM); other record syncs are denied. */
  tenantWideSyncs?: readonly string[];
  /** Checks per batch-check request (default 100) and requests in flight per sync (default 4). */
  batchSize?: number;
  concurrency?: number;
}

/**
 * The usual wiring: access decisions from the Managed Sync Permissions API, the tenant's syncs
 * (and which of them are file syncs) from `GET /api/syncs`.
 *
 * @example
 * const retriever = createManagedSyncRetriever({ client, store, embeddings, tenant: "northwind" });
 */
export function createManagedSyncRetriever(options: ManagedSyncRetrieverOptions): PermissionAwareRetriever {
  const { client, tenantWideSyncs, batchSize, concurrency, ...fields } = options;
  const catalog = new SyncCatalog(client.syncs);
  const access = new ManagedSyncAccessControl({
    permissions: client.permissions,
    syncKind: (syncId, signal) => catalog.kind(syncId, signal),
    ...(tenantWideSyncs ? { tenantWideSyncs } : {}),
    ...(batchSize ? { batchSize } : {}),
    ...(concurrency ? { concurrency } : {}),
  });
  return new PermissionAwareRetriever({ ...fields, access, syncIds: (signal) => catalog.syncIds(signal) });
}
