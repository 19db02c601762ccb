import {
  ManagedSyncAccessControl,
  type MembershipRule,
  type PermissionsClient,
  RecordPolicyAccess,
  type RecordPolicyRule,
  type RecordReader,
  rejectTenantWideSyncs,
  SyncCatalog,
  type SyncLister,
} from "../access/index.js";
import type { OwnerDirectory, OwnersInput } from "../records/index.js";
import { PermissionAwareRetriever, type PermissionAwareRetrieverFields } from "./retriever.js";

/** How CRM and ticketing records (no Permissions API) are allowed; see `RecordPolicyAccess`. */
export interface RecordPolicies {
  /** Which policy decides which record sync; first match wins; a sync no rule names is denied. */
  policies?: readonly RecordPolicyRule[];
  /** Who counts as a member for `tenant` in library use (a verified identity passes `member: true`). */
  members?: MembershipRule;
  /** CRM owner ids → people, for `owner`. */
  owners?: OwnersInput | OwnerDirectory;
}

export interface ManagedSyncRetrieverOptions
  extends Omit<PermissionAwareRetrieverFields, "access" | "syncIds"> {
  /**
   * The Managed Sync client (its `permissions`, `syncs` and `records` namespaces), authenticated as
   * the tenant. `records` is read by the `owner` record policy.
   */
  client: { permissions: PermissionsClient; syncs: SyncLister; records?: RecordReader };
  /** How CRM and ticketing records are allowed (default: denied). */
  records?: RecordPolicies;
  /** Checks per batch-check request (default 200) and requests in flight per sync (default 4). */
  batchSize?: number;
  concurrency?: number;
}

/**
 * The usual wiring: access decisions from the Managed Sync Permissions API for file syncs and
 * from record policies for CRM/ticketing syncs, the tenant's syncs (and what each is) from
 * `GET /api/syncs`.
 *
 * @example
 * const retriever = createManagedSyncRetriever({
 *   client, store, embeddings, tenant: "northwind",
 *   records: { policies: [{ integration: "salesforce", pipeline: "deals", policy: "owner" }], owners },
 * });
 */
export function createManagedSyncRetriever(options: ManagedSyncRetrieverOptions): PermissionAwareRetriever {
  rejectTenantWideSyncs(options);
  const { client, records, batchSize, concurrency, ...fields } = options;
  const catalog = new SyncCatalog(client.syncs);
  const files = new ManagedSyncAccessControl({
    permissions: client.permissions,
    syncKind: (syncId, signal) => catalog.kind(syncId, signal),
    syncGone: (syncId, signal) => catalog.confirmGone(syncId, signal),
    ...(batchSize ? { batchSize } : {}),
    ...(concurrency ? { concurrency } : {}),
  });
  const access = new RecordPolicyAccess({
    files,
    describe: (syncId, signal) => catalog.describe(syncId, signal),
    ...records,
    ...(client.records ? { records: client.records } : {}),
  });
  return new PermissionAwareRetriever({ ...fields, access, syncIds: (signal) => catalog.syncIds(signal) });
}
