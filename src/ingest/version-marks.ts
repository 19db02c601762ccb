import type { RecordVersion } from "../store/index.js";

// The marks a page writes on a record's stored version before its new chunks (page.ts), so that a
// run stopping part-way leaves a version the next run reads again rather than trusts.

/**
 * The content hash and source version of a mark: no real hash or version looks like them, so the
 * next run reads the record again whatever its metadata says.
 */
export const WRITING = "(writing)";

/** Whether a stored version is a placeholder: the record never finished its first write. */
export function isPlaceholder(stored: RecordVersion): boolean {
  return stored.contentHash === WRITING;
}

/**
 * Whether a stored version was marked as being rewritten and the rewrite never finished: its
 * content hash names the text it had, but the chunks of that text may be gone (the rewrite's
 * stale-chunk delete ran before it stopped), so reading that text again is no proof they are stored.
 */
export function isBeingRewritten(stored: RecordVersion): boolean {
  return stored.sourceVersion === WRITING && !isPlaceholder(stored);
}
