// Public surface of the ingest run; the text pipeline it uses is `./text/index.js`.

export { CompanyNameCache, type CompanyNameCacheOptions } from "./company-names.js";
export { EmbeddingMeter } from "./embedding-meter.js";
export {
  IngestArgumentError,
  IngestError,
  IngestLeaseLostError,
  IngestLockedError,
  IngestUnknownSyncError,
} from "./errors.js";
export type { IngestEvent, IngestProgressListener } from "./events.js";
export { leaseName } from "./lease.js";
export type { IngestOptions } from "./options.js";
export type {
  IngestCounts,
  IngestMode,
  IngestReport,
  RecordIssue,
  RecordOutcome,
  RemovedSync,
  SyncReport,
  SyncRunStatus,
} from "./report.js";
export { addCounts, emptyCounts } from "./report.js";
export { ingest } from "./run.js";
export type { IngestSource } from "./source.js";
