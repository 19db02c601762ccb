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
  "CONFIG_INVALID",
  "INGEST_OPTIONS_INVALID",
  "INGEST_UNKNOWN_SYNC",
  "STORE_DIR_MISSING",
  "STORE_DIMENSIONS_INVALID",
  "STORE_DIMENSIONS_MISMATCH",
  "STORE_SCHEMA_MISMATCH",
]);

/** The exit code for an error with this `code`. */
export function exitCodeFor(code: string | undefined): number {
  return code !== undefined && USAGE_CODES.has(code) ? EXIT.usage : EXIT.failed;
}
