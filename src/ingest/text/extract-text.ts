import { detectFormat, isFolderMimeType, sniffFormat, type TextFormat } from "./detect-format.js";
import { ExtractError } from "./errors.js";
import { type ExtractPool, sharedExtractPool } from "./extract-pool.js";
import { defaultExtractLimits, type ExtractedText, type ExtractInput, type ExtractLimits } from "./types.js";

/**
 * The text of a synced file, by MIME type (or file extension when the type is generic; PDFs are
 * also recognised by their first bytes). The parsing runs in a worker of `pool` (by default one
 * shared by the process), which is terminated if it passes `limits.timeoutMs`. Throws
 * `ExtractError`: with `skip: true` for folders and unsupported types, otherwise a per-record
 * failure (MALFORMED, ENCRYPTED, EMPTY, TOO_LARGE, TOO_LONG, ZIP_BOMB, OUT_OF_MEMORY, TIMEOUT,
 * EXTRACTOR_CRASHED) that says whether it is `permanent`.
 *
 * @example
 * const { text, pages } = await extractText({ bytes, mimeType: "application/pdf", name: "q3.pdf" }, { maxBytes: 25e6, maxChars: 2e6 })
 */
export async function extractText(
  input: ExtractInput,
  limits: ExtractLimits,
  pool: ExtractPool = sharedExtractPool(),
): Promise<ExtractedText> {
  const { bytes, mimeType, name } = input;
  if (isFolderMimeType(mimeType)) throw new ExtractError("FOLDER", `${name} is a folder: it has no content`);
  const format = sniffFormat(bytes) ?? detectFormat(mimeType, name);
  if (!format) {
    throw new ExtractError(
      "UNSUPPORTED_TYPE",
      `no text extractor for ${mimeType || "an unknown type"} (${name}): the file is skipped`,
    );
  }
  return readAs(format, input, limits, pool);
}

/**
 * Reads `input` as `format` in a worker of `pool`, once its size is checked against the limits.
 * For callers that know the format from elsewhere (a ticket's content archive).
 */
export async function readAs(
  format: TextFormat,
  input: ExtractInput,
  limits: ExtractLimits,
  pool: ExtractPool = sharedExtractPool(),
): Promise<ExtractedText> {
  const { bytes, name } = input;
  if (bytes.byteLength === 0) throw new ExtractError("EMPTY", `${name} is empty (0 bytes)`);
  if (bytes.byteLength > limits.maxBytes) {
    throw new ExtractError(
      "TOO_LARGE",
      `${name} is ${bytes.byteLength} bytes, over the ${limits.maxBytes}-byte limit (raise maxBytes to index it)`,
    );
  }
  const task = {
    format,
    bytes,
    name,
    maxChars: limits.maxChars,
    maxUncompressedBytes: limits.maxUncompressedBytes ?? defaultExtractLimits.maxUncompressedBytes,
  };
  return pool.run(task, limits.timeoutMs ?? defaultExtractLimits.timeoutMs, limits.signal);
}
