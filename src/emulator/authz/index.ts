// The emulator's Permissions API engine: the emulator state's sharing as OpenFGA tuples, kept current.
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
