import { ClearanceError } from "../../errors.js";

/**
 * Why a file produced no text. `UNSUPPORTED_TYPE` and `FOLDER` are skips (nothing to read);
 * the others are per-record failures that the ingester records before moving on.
 */
export type ExtractErrorCode =
  | "UNSUPPORTED_TYPE"
  | "FOLDER"
  | "MALFORMED"
  | "ENCRYPTED"
  | "EMPTY"
  | "TOO_LARGE"
  | "TOO_LONG"
  | "ZIP_BOMB"
  | "TIMEOUT";

const skipCodes: ReadonlySet<ExtractErrorCode> = new Set(["UNSUPPORTED_TYPE", "FOLDER"]);

/**
 * A file could not be turned into text. `skip` is true when there was nothing to read (a folder,
 * a type Clearance does not extract), so the ingester counts it as skipped rather than failed.
 *
 * @example
 * try { await extractText(input, limits) } catch (e) { if (e instanceof ExtractError && e.skip) skipped++ }
 */
export class ExtractError extends ClearanceError {
  declare readonly code: ExtractErrorCode;
  readonly skip: boolean;

  constructor(code: ExtractErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.skip = skipCodes.has(code);
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
