import { withDeadline } from "./deadline.js";
import { detectFormat, isFolderMimeType, sniffFormat, type TextFormat } from "./detect-format.js";
import { ExtractError } from "./errors.js";
import {
  extractCsv,
  extractDocx,
  extractHtml,
  extractJson,
  extractPdf,
  extractPlain,
  extractPptx,
  extractXlsx,
  type ZipLimits,
} from "./formats/index.js";
import { defaultExtractLimits, type ExtractedText, type ExtractInput, type ExtractLimits } from "./types.js";

type Extractor = (bytes: Uint8Array, context: ZipLimits) => ExtractedText | Promise<ExtractedText>;

const extractors: Record<TextFormat, Extractor> = {
  pdf: (bytes, { signal }) => extractPdf(bytes, signal),
  docx: extractDocx,
  xlsx: extractXlsx,
  pptx: extractPptx,
  html: extractHtml,
  csv: (bytes, { signal }) => extractCsv(bytes, ",", signal),
  tsv: (bytes, { signal }) => extractCsv(bytes, "\t", signal),
  json: extractJson,
  markdown: extractPlain,
  text: extractPlain,
};

/**
 * The text of a synced file, by MIME type (or file extension when the type is generic; PDFs are
 * also recognised by their first bytes). Throws
 * `ExtractError`: with `skip: true` for folders and unsupported types, otherwise a per-record
 * failure (MALFORMED, ENCRYPTED, EMPTY, TOO_LARGE, TOO_LONG, ZIP_BOMB, TIMEOUT).
 *
 * @example
 * const { text, pages } = await extractText({ bytes, mimeType: "application/pdf", name: "q3.pdf" }, { maxBytes: 25e6, maxChars: 2e6 })
 */
export async function extractText(input: ExtractInput, limits: ExtractLimits): Promise<ExtractedText> {
  const { bytes, mimeType, name } = input;
  if (isFolderMimeType(mimeType)) throw new ExtractError("FOLDER", `${name} is a folder: it has no content`);
  const format = sniffFormat(bytes) ?? detectFormat(mimeType, name);
  if (!format) {
    throw new ExtractError(
      "UNSUPPORTED_TYPE",
      `no text extractor for ${mimeType || "an unknown type"} (${name}): the file is skipped`,
    );
  }
  if (bytes.byteLength === 0) throw new ExtractError("EMPTY", `${name} is empty (0 bytes)`);
  if (bytes.byteLength > limits.maxBytes) {
    throw new ExtractError(
      "TOO_LARGE",
      `${name} is ${bytes.byteLength} bytes, over the ${limits.maxBytes}-byte limit (raise maxBytes to index it)`,
    );
  }
  const timeoutMs = limits.timeoutMs ?? defaultExtractLimits.timeoutMs;
  const maxUncompressedBytes = limits.maxUncompressedBytes ?? defaultExtractLimits.maxUncompressedBytes;
  const extracted = normalized(
    await withDeadline(timeoutMs, limits.signal, name, (signal) =>
      extractors[format](bytes, { maxUncompressedBytes, signal }),
    ),
  );
  if (!extracted.text) {
    throw new ExtractError("EMPTY", `${name} has no text (a scanned PDF or an empty document?)`);
  }
  if (extracted.text.length > limits.maxChars) {
    throw new ExtractError(
      "TOO_LONG",
      `${name} has ${extracted.text.length} characters of text, over the ${limits.maxChars} limit (raise maxChars)`,
    );
  }
  return extracted;
}

/** Same line endings and whitespace for every format, so hashes and chunks do not depend on them. */
function normalized(extracted: ExtractedText): ExtractedText {
  const clean = (text: string) =>
    text
      .replace(/\r\n?/g, "\n")
      .replaceAll("\u0000", "")
      .replace(/[ \t]+\n/g, "\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
  if (!extracted.pages) return { text: clean(extracted.text) };
  const pages = extracted.pages.map(({ page, text }) => ({ page, text: clean(text) }));
  return {
    text: pages
      .map((page) => page.text)
      .filter(Boolean)
      .join("\n\n"),
    pages,
  };
}
