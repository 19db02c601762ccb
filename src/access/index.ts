export { type AllowSet, AllowSetCache, type AllowSetCacheOptions } from "./allow-set-cache.js";
export { preciseNow } from "./clock.js";
export type { ChangeCoverage, Coverage } from "./coverage.js";
export { type CachedDecision, DecisionCache, type DecisionCacheOptions } from "./decision-cache.js";
export {
  PermissionsAbortedError,
  PermissionsTimeoutError,
  PermissionsUnavailableError,
  toPermissionsError,
} from "./errors.js";
export { type Invalidation, InvalidationWatermark } from "./invalidation.js";
export type { KnowledgeState } from "./knowledge-persistence.js";
export {
  ManagedSyncAccessControl,
  type ManagedSyncAccessControlOptions,
  rejectTenantWideSyncs,
  type SyncKind,
} from "./managed-sync-access.js";
export { isMember, type MembershipRule } from "./membership.js";
export type { RecordReader } from "./owner-policy.js";
export type { PermissionsClient } from "./permissions-client.js";
export {
  DEFAULT_PLANNER_THRESHOLDS,
  type Plan,
  type PlanInput,
  type PlannerThresholds,
  planStrategy,
  type StrategyChoice,
} from "./planner.js";
export { RecordPolicyAccess, type RecordPolicyAccessOptions } from "./record-policy.js";
export { policyFor, type RecordPolicyRule } from "./record-policy-rules.js";
export { normalizeObjectId, normalizeSubject } from "./subject.js";
export {
  type Knowledge,
  rateOf,
  SubjectKnowledge,
  type SubjectKnowledgeOptions,
} from "./subject-knowledge.js";
export { SyncCatalog, type SyncDescription, type SyncLister } from "./sync-catalog.js";
export type {
  AccessContext,
  AccessControl,
  AllowList,
  BatchCheckResult,
  Decision,
  ObjectRef,
  RecordPolicyName,
  Relation,
  Subject,
} from "./types.js";
