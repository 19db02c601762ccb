import { type ExtractPool, sharedExtractPool } from "./extract-pool.js";
import { extractText, readAs } from "./extract-text.js";
import type { ExtractedText, ExtractInput, ExtractLimits } from "./types.js";

// A zip's first bytes: a local file header ("PK\3\4") or, for an archive with no files, the end of
// the central directory ("PK\5\6").
const zipMagics = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
];

const zipTypes = new Set(["application/zip", "application/x-zip-compressed", "application/x-zip"]);

/** Whether a ticket's content is its ZIP archive: by its first bytes, or by its declared type. */
export function isZipContent(bytes: Uint8Array, mimeType: string): boolean {
  if (zipMagics.some((magic) => magic.every((byte, i) => bytes[i] === byte))) return true;
  return zipTypes.has((mimeType.split(";")[0] ?? "").trim().toLowerCase());
}

/**
 * The text of a ticket's Download Content. Paragon documents a ZIP archive (a Markdown file with the
 * ticket's properties, description and comments, and `attachments/`): read in an extraction worker
 * through the guarded zip reader, under the same limits as a file. A body that is not a zip (an
 * older emulator, a server that sends the Markdown itself) is read as the Markdown file it claims to
 * be. `name` is the ticket's name, for messages. Throws `ExtractError` as {@link extractText} does.
 *
 * @example
 * const { text } = await extractTicketContent({ bytes, mimeType: "application/zip", name: "Checkout outage" }, limits)
 */
export function extractTicketContent(
  { bytes, mimeType, name }: ExtractInput,
  limits: ExtractLimits,
  pool: ExtractPool = sharedExtractPool(),
): Promise<ExtractedText> {
  if (isZipContent(bytes, mimeType)) {
    return readAs("ticket-archive", { bytes, mimeType, name: `${name} (content archive)` }, limits, pool);
  }
  return extractText({ bytes, mimeType, name: `${name}.md` }, limits, pool);
}
