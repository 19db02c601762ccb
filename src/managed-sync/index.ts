// Public surface of the Managed Sync client: other folders import from here only.
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./backoff.js";
export type { AccessCheck, AccessCheckResult, BatchCheckOptions } from "./batch-check.js";
export type { CallOptions } from "./call-options.js";
export { DEFAULT_BASE_URL, ManagedSyncClient, type ManagedSyncClientOptions } from "./client.js";
export {
  BodyIncompleteError,
  ContentTooLargeError,
  ManagedSyncAbortedError,
  ManagedSyncArgumentError,
  ManagedSyncError,
  ManagedSyncHttpError,
  ManagedSyncNetworkError,
  ManagedSyncResponseError,
  ManagedSyncTimeoutError,
  ManagedSyncTokenError,
  PermissionChangesCursorInvalidError,
  PermissionChangesTypeMismatchError,
  ResponseTooLargeError,
  SyncStateError,
} from "./errors.js";
export type { RetryEvent } from "./http.js";
export { ndjsonLineBatches, ndjsonLines } from "./ndjson.js";
export type { PermissionChangesOptions, PermissionChangesPage } from "./permission-changes.js";
export {
  type ExpandResponse,
  type PermissionChange,
  ROLES,
  type Role,
  type UsersetTreeNode,
} from "./permission-schemas.js";
export type { CappedList, ListObjectsInput, PermissionsApi } from "./permissions.js";
export {
  type CompanyRecord,
  CompanyRecordSchema,
  type ContactRecord,
  ContactRecordSchema,
  type CustomObjectRecord,
  CustomObjectRecordSchema,
  type DealRecord,
  DealRecordSchema,
  type FileRecord,
  FileRecordSchema,
  isDeleted,
  isFolder,
  isFolderMimeType,
  type Pipeline,
  type PipelineRecord,
  parseRecord,
  RECORD_SCHEMAS,
  type SyncedRecord,
  SyncedRecordSchema,
  type TicketRecord,
  TicketRecordSchema,
} from "./record-schemas.js";
export type {
  ContentOptions,
  InvalidRecord,
  PageOptions,
  RecordContent,
  RecordContentBytes,
  RecordPage,
  RecordsApi,
} from "./records.js";
export { isMalformedRecordError, malformedDetail } from "./records.js";
export { Deadline, linkAbort, untilAborted } from "./signals.js";
export {
  SYNC_STATUSES,
  type Sync,
  type SyncListItem,
  type SyncStatus,
  type SyncStatusValue,
  type SyncSummary,
  type UpdateCredentialResult,
} from "./sync-schemas.js";
export type { EnableSyncInput, SyncsApi, WaitForSyncOptions } from "./syncs.js";
export {
  type ManagedSyncAuth,
  type MintUserTokenOptions,
  mintUserToken,
  paragonAudience,
  type SigningKey,
} from "./token.js";
export { bareObjectId, plainUser, prefixedUser, type UserFormat } from "./users.js";
