export { ContentStore, hashBytes } from "./content-store.js";
export { Directory, sameMember, samePrincipal } from "./directory.js";
export { EmulatorState } from "./emulator-state.js";
export { EmulatorStateError, type StateErrorCode } from "./errors.js";
export { crmUserIdFor, deriveExternalId, deriveRecordExternalId, recordIdFor, syncIdFor } from "./ids.js";
export { FOLDER_MIME_TYPE, mimeTypeFor } from "./mime.js";
export { normalizePath } from "./paths.js";
export { openStateDir, StatePersistence, stateFiles } from "./persistence.js";
export {
  KNOWN_RECORD_PIPELINES,
  parseRecordFields,
  type RecordInput,
  recordInputSchema,
} from "./record-fields.js";
export type { CrmUser, RecordOptions } from "./record-syncs.js";
export { RecordTable } from "./record-table.js";
export type { StateSnapshot } from "./snapshot.js";
export {
  isFileSync,
  type NodeOptions,
  type SyncDefinition,
  type SyncEntry,
  syncedItems,
} from "./sync-entry.js";
export type {
  ChangeEvent,
  ContentHash,
  Grant,
  Group,
  GroupMember,
  NodeType,
  Person,
  Principal,
  Role,
  SharingGraph,
  SharingNode,
  SyncNode,
  SyncRecord,
  SyncStatus,
  TicketAttachment,
  TicketComment,
  TicketPerson,
} from "./types.js";
