// The public API of Clearance. The emulator and the authorization engine are development tools with
// their own entry points (`clearance/emulator`, `clearance/authz`), so their names stay out of here.
export * from "./access/index.js";
export * from "./chat/index.js";
export * from "./compose/index.js";
export * from "./config/index.js";
export * from "./embeddings/index.js";
export { ClearanceError } from "./errors.js";
export * from "./freshness/index.js";
export * from "./ingest/index.js";
export * from "./managed-sync/index.js";
export * from "./retrieval/index.js";
export * from "./server/index.js";
export * from "./store/index.js";
export * from "./tenants/index.js";
