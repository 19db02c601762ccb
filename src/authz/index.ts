export { MAX_RESOLUTION_DEPTH } from "./check.js";
export type { DriveGrant, DriveGraph, DriveNode, DrivePermission } from "./drive.js";
export {
  diffTuples,
  driveGraphSchema,
  driveModelPath,
  driveObject,
  driveTuples,
  driveUser,
  grantTuple,
  loadDriveModel,
  memberTuple,
  parentTuple,
} from "./drive.js";
export type {
  BatchCheckItem,
  BatchCheckResult,
  CheckRequest,
  ListObjectsRequest,
  ListObjectsResult,
  ListUsersRequest,
} from "./engine.js";
export { AuthzEngine } from "./engine.js";
export type { AuthzErrorCode } from "./errors.js";
export {
  AuthzError,
  AuthzValidationError,
  DriveGraphError,
  InvalidModelError,
  InvalidTupleError,
  OPENFGA_ERROR_NUMBERS,
  RelationNotFoundError,
  ResolutionTooComplexError,
  TypeNotFoundError,
} from "./errors.js";
export type { UsersetTreeLeaf, UsersetTreeNode } from "./expand.js";
export type { ObjectRef, UserRef } from "./identifiers.js";
export { formatUser, parseObject, parseUser } from "./identifiers.js";
export type { ListedUser, UserFilter } from "./list-users.js";
export { listedUserString } from "./list-users.js";
export { loadModelFile, modelFromJson, parseModel } from "./load-model.js";
export type { AuthorizationModelJson, RelationDef, Rewrite } from "./model.js";
export { AuthorizationModel } from "./model.js";
export type { TupleKey } from "./tuple-store.js";
export { TupleStore } from "./tuple-store.js";
