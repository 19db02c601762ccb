export { createEmulatorApp } from "./app.js";
export { decodeCursor, encodeCursor } from "./cursor.js";
export type { EmulatorEnv, ServerDeps } from "./env.js";
export {
  type FaultConfig,
  type FaultConfigInput,
  FaultInjector,
  type FaultKind,
  faultConfigSchema,
  parseFaultConfig,
} from "./faults.js";
export {
  audienceFor,
  type KeyOptions,
  mintToken,
  resolveKeys,
  TokenError,
  type TokenKeys,
  verifyToken,
} from "./keys.js";
export { MalformedRecords, type RecordOverlay } from "./malformed-records.js";
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Paging } from "./paging.js";
export type { FieldsRecord, FileRecord } from "./records.js";
