/**
 * What `clearance` exits with (documented in the README):
 * 0 the work is done (for `ingest`: every record indexed, unchanged, skipped or recorded as
 *   unindexable; a sync another run holds is left to it);
 * 1 it ran and failed, and running it again later may succeed (for `ingest`: a record failed
 *   transiently and is retried next run, a sync's pull aborted, or the store, embedder or
 *   credentials failed);
 * 2 nothing ran: a flag, setting or store is wrong and must be fixed first (the message names it).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

// Error codes that mean "fix the setup", not "try again later".
const USAGE_CODES = new Set([
  "CHAT_CONFIG_INVALID",
  "CHUNK_OPTIONS_INVALID",
  "CLI_FILE_UNREADABLE",
  "CLI_USAGE",
  "CONFIG_INVALID",
  "CORPUS_INVALID",
  "DEMO_NO_TENANT",
  "DEMO_QUESTIONS_INVALID",
  "DEMO_QUESTIONS_MISSING",
  "DEMO_RECORDS_INVALID",
  "DEMO_UNKNOWN_PEOPLE",
  "DEMO_UNKNOWN_QUESTIONS",
  "DEPENDENCY_MISSING",
  "EMBEDDING_CONFIG_INVALID",
  "EMULATOR_NO_CORPUS",
  "EMULATOR_WEBHOOK_URL_INVALID",
  "IDENTITY_CONFIG_INVALID",
  "INGEST_NO_SYNCS",
  "INGEST_OPTIONS_INVALID",
  "INGEST_SYNC_NEEDS_TENANT",
  "INGEST_UNKNOWN_SYNC",
  "MCP_NO_AUTHORIZATION_SERVER",
  "MCP_NO_USER",
  "RETRIEVAL_CONFIG_INVALID",
  "SERVE_FLAGS_CONFLICT",
  "SERVE_IDENTITY_CONFLICT",
  "SERVE_JWT_AUDIENCE_MISSING",
  "SERVE_NO_IDENTITY",
  "SERVE_TENANT_CLAIM_MISSING",
  "STORE_DIMENSIONS_INVALID",
  "STORE_DIMENSIONS_MISMATCH",
  "STORE_DIR_INVALID",
  "STORE_DIR_MISSING",
  "STORE_EMPTY",
  "STORE_NOT_FOUND",
  "STORE_SCHEMA_MISMATCH",
  "TENANT_AMBIGUOUS",
  "TENANT_CONFIG_INVALID",
  "TENANT_TOKEN_MISMATCH",
  "TENANT_UNKNOWN",
  "TENANT_UNNAMED",
  "TOKEN_INVALID",
  "WEBHOOK_SECRET_REQUIRED",
  "WEBHOOK_SPOOL_LOCKED",
]);

/** The exit code for an error with this `code`. */
export function exitCodeFor(code: string | undefined): number {
  return code !== undefined && USAGE_CODES.has(code) ? EXIT.usage : EXIT.failed;
}
