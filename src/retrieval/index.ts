export { type CandidatePage, type CandidateSource, vectorSource } from "./candidates.js";
export type { RetrievedChunkMetadata } from "./documents.js";
export {
  NoSubjectError,
  RetrievalConfigError,
  StoreCrossedTenantError,
  TenantMismatchError,
} from "./errors.js";
export {
  createManagedSyncRetriever,
  type ManagedSyncRetrieverOptions,
  type RecordPolicies,
} from "./from-managed-sync.js";
export {
  type RetrievalBudget,
  type RetrievalSettings,
  type RetrievalSettingsInput,
  retrievalSettingsSchema,
} from "./options.js";
export type { PolicyAllow } from "./record-policies.js";
export type {
  BudgetHit,
  FreshnessReport,
  ItemError,
  RetrievalReport,
  ShortReverify,
  StrategyRun,
  UnnamedSync,
} from "./report.js";
export {
  PermissionAwareRetriever,
  type PermissionAwareRetrieverFields,
  RETRIEVAL_REPORT_EVENT,
  type RetrievalResult,
  type RetrieveOptions,
} from "./retriever.js";
export { RoundTrips } from "./round-trips.js";
export { SubjectConflictError } from "./subject.js";
export { createRetrieverTool, type RetrieverToolOptions, type TenantRetrieverSource } from "./tool.js";
