import { ClearanceError } from "../../errors.js";

/**
 * Why a file produced no text. `UNSUPPORTED_TYPE` and `FOLDER` are skips (nothing to read); the
 * others are per-record failures that the ingester records before moving on. Each is either
 * permanent (the same bytes under the same limits fail the same way: retry only when the record's
 * version changes) or transient (`TIMEOUT`, `EXTRACTOR_CRASHED`: worth another try), see
 * {@link isPermanentExtractCode}.
 */
export type ExtractErrorCode = (typeof extractErrorCodes)[number];

const extractErrorCodes = [
  "UNSUPPORTED_TYPE",
  "FOLDER",
  "MALFORMED",
  "ENCRYPTED",
  "EMPTY",
  "TOO_LARGE",
  "TOO_LONG",
  "ZIP_BOMB",
  "OUT_OF_MEMORY",
  "TIMEOUT",
  "EXTRACTOR_CRASHED",
] as const;

const skipCodes: ReadonlySet<string> = new Set<ExtractErrorCode>(["UNSUPPORTED_TYPE", "FOLDER"]);

// The deadline is wall-clock time on a machine that may be busy: a genuine file that missed it
// under load can pass on a quieter run. A worker that died without saying why may too.
const transientCodes: ReadonlySet<string> = new Set<ExtractErrorCode>(["TIMEOUT", "EXTRACTOR_CRASHED"]);

/**
 * Whether an extraction failure will repeat as long as the file does not change (`ENCRYPTED`,
 * `EMPTY`, `TOO_LARGE`, `MALFORMED`, …), as opposed to `TIMEOUT` and `EXTRACTOR_CRASHED`. Takes a
 * plain string so a code read back from storage can be judged; unknown codes are not permanent.
 *
 * @example isPermanentExtractCode("ENCRYPTED") // true
 */
export function isPermanentExtractCode(code: string): boolean {
  return isExtractErrorCode(code) && !transientCodes.has(code);
}

const allCodes: ReadonlySet<string> = new Set(extractErrorCodes);

/** Narrows a string (say, one a worker sent back) to an extraction failure code. */
export function isExtractErrorCode(code: string): code is ExtractErrorCode {
  return allCodes.has(code);
}

/**
 * A file could not be turned into text. `skip` is true when there was nothing to read (a folder,
 * a type Clearance does not extract), so the ingester counts it as skipped rather than failed;
 * `permanent` says whether trying the same bytes again can help.
 *
 * @example
 * try { await extractText(input, limits) } catch (e) { if (e instanceof ExtractError && e.skip) skipped++ }
 */
export class ExtractError extends ClearanceError {
  declare readonly code: ExtractErrorCode;
  readonly skip: boolean;
  readonly permanent: boolean;

  constructor(code: ExtractErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.skip = skipCodes.has(code);
    this.permanent = isPermanentExtractCode(code);
  }
}

/** The message of whatever a parser threw, for putting in our own message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Chunk size/overlap that cannot work (overlap must be smaller than the size). */
export class ChunkOptionsError extends ClearanceError {
  constructor(message: string) {
    super("CHUNK_OPTIONS_INVALID", message);
  }
}
