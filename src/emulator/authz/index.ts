// The emulator's Permissions API engine: the emulator state's sharing as OpenFGA tuples, kept current.
export {
  type ChangesPage,
  type ChangesQuery,
  type ChangeView,
  DEFAULT_CHANGES_PAGE_SIZE,
  MAX_CHANGES_PAGE_SIZE,
} from "./change-feed.js";
export { type PermissionInputCode, PermissionInputError } from "./errors.js";
export { OBJECT_TYPES, type ObjectType, objectId, type PermissionRole, ROLES } from "./inputs.js";
export { PermissionGraph } from "./permission-graph.js";
export {
  type BatchCheckAnswer,
  type CheckInput,
  DEFAULT_LIST_CAP,
  type PermissionLimits,
  PermissionService,
} from "./permission-service.js";
export { LIST_CAP_ENV, permissionsOf } from "./permissions-of.js";
export { SyncGraph } from "./sync-graph.js";
export {
  DEFAULT_CHANGE_RETENTION_MS,
  type LedgerEvent,
  type TupleDiff,
  TupleLedger,
} from "./tuple-ledger.js";
