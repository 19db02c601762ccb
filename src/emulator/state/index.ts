export { ContentStore, hashBytes } from "./content-store.js";
export { Directory, sameMember, samePrincipal } from "./directory.js";
export { EmulatorState } from "./emulator-state.js";
export { EmulatorStateError, type StateErrorCode } from "./errors.js";
export { deriveExternalId, recordIdFor, syncIdFor } from "./ids.js";
export { FOLDER_MIME_TYPE, mimeTypeFor } from "./mime.js";
export { normalizePath } from "./paths.js";
export { openStateDir, StatePersistence, stateFiles } from "./persistence.js";
export type { StateSnapshot } from "./snapshot.js";
export type { NodeOptions, SyncDefinition, SyncEntry } from "./sync-entry.js";
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
  SyncStatus,
} from "./types.js";
