import { withBufferBudget } from "./buffer-budget.js";
import type { TextFormat } from "./detect-format.js";
import { ExtractError, messageOf } from "./errors.js";
import type { ZipLimits } from "./formats/safe-zip.js";
import type { ExtractedText } from "./types.js";
import { wellFormed } from "./well-formed.js";

/** One file for an extraction worker, already checked for type and size by the main thread. */
export interface ReadTask {
  format: TextFormat;
  bytes: Uint8Array;
  name: string;
  maxChars: number;
  maxUncompressedBytes: number;
}

/** Parses one format's bytes (the zip limits matter to OOXML formats and ticket archives only). */
export type Extractor = (
  bytes: Uint8Array,
  limits: ZipLimits & { maxChars: number },
) => ExtractedText | Promise<ExtractedText>;

// Each parser is loaded the first time a worker meets its format, so a worker that only ever
// reads text files never loads pdf.js or mammoth.
const loaders: Record<TextFormat, () => Promise<Extractor>> = {
  pdf: async () => (await import("./formats/pdf.js")).extractPdf,
  docx: async () => (await import("./formats/docx.js")).extractDocx,
  xlsx: async () => (await import("./formats/xlsx.js")).extractXlsx,
  pptx: async () => (await import("./formats/pptx.js")).extractPptx,
  html: async () => (await import("./formats/html.js")).extractHtml,
  csv: async () => {
    const { extractCsv } = await import("./formats/csv.js");
    return (bytes) => extractCsv(bytes, ",");
  },
  tsv: async () => {
    const { extractCsv } = await import("./formats/csv.js");
    return (bytes) => extractCsv(bytes, "\t");
  },
  json: async () => (await import("./formats/json.js")).extractJson,
  markdown: async () => (await import("./formats/plain.js")).extractPlain,
  text: async () => (await import("./formats/plain.js")).extractPlain,
  "ticket-archive": async () => (await import("./formats/ticket-archive.js")).extractTicketArchive,
};

/** The parser for a format, loaded on first use (module loading is not the file's time). */
export function loadExtractor(format: TextFormat): Promise<Extractor> {
  return loaders[format]();
}

/**
 * Parses one file into normalised text with its format's parser, inside an extraction worker (it may block for as long as
 * the parser takes: the pool's deadline ends it). Throws `ExtractError`; anything else a parser
 * throws becomes this file's MALFORMED.
 */
export async function readText(
  { bytes, name, maxChars, maxUncompressedBytes }: ReadTask,
  extract: Extractor,
): Promise<ExtractedText> {
  let extracted: ExtractedText;
  try {
    // maxUncompressedBytes bounds what any format may inflate into memory, not just a zip's entries.
    const file = { name, size: bytes.byteLength, limit: maxUncompressedBytes };
    extracted = normalized(
      await withBufferBudget(file, async () => extract(bytes, { maxUncompressedBytes, maxChars })),
    );
  } catch (cause) {
    if (cause instanceof ExtractError) throw cause;
    throw new ExtractError("MALFORMED", `${name} could not be read (${messageOf(cause)})`, { cause });
  }
  if (!extracted.text) {
    throw new ExtractError("EMPTY", `${name} has no text (a scanned PDF or an empty document?)`);
  }
  if (extracted.text.length > maxChars) {
    throw new ExtractError(
      "TOO_LONG",
      `${name} has ${extracted.text.length} characters of text, over the ${maxChars} limit (raise maxChars)`,
    );
  }
  return extracted;
}

/**
 * Same line endings and whitespace for every format, so hashes and chunks do not depend on them;
 * valid Unicode, a lone surrogate replaced by U+FFFD, so one file cannot fail the page's embedding.
 */
function normalized(extracted: ExtractedText): ExtractedText {
  const clean = (text: string) =>
    wellFormed(text)
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
