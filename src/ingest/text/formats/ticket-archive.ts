import { detectFormat, type TextFormat } from "../detect-format.js";
import { ExtractError, messageOf } from "../errors.js";
import { loadExtractor } from "../read-text.js";
import type { ExtractedText } from "../types.js";
import { decodeText } from "./decode-text.js";
import { readZipSafely, type ZipLimits } from "./safe-zip.js";

/** What reading a ticket's archive may cost: the zip limits, and the text it may add up to. */
export type TicketArchiveLimits = ZipLimits & { maxChars: number };

const ATTACHMENTS = "attachments/";

// Attachments read as text: cheap to parse, bounded by their size. PDFs and Office files (and
// images) are named in the ticket's text but not read: each would cost a file's whole budget.
const TEXT_ATTACHMENT_FORMATS: ReadonlySet<TextFormat> = new Set([
  "markdown",
  "text",
  "csv",
  "tsv",
  "json",
  "html",
]);

// UTF-8 spends at most 4 bytes on a character: a file over 4 × the characters left cannot fit.
const MAX_BYTES_PER_CHAR = 4;

/**
 * The text of a ticket's Download Content as Paragon documents it: a ZIP archive holding a
 * Markdown file (the ticket's properties, description and comments) and `attachments/`. Every
 * file outside `attachments/` that is Markdown or plain text (its name is undocumented) is the
 * ticket's text; text attachments (Markdown, text, CSV, TSV, JSON, HTML) follow it, each under
 * its name, while the whole stays within `maxChars`; other attachments are listed by name only.
 * The archive is read through {@link readZipSafely}, so it cannot inflate past the zip limits.
 * Throws `ExtractError` (MALFORMED when the archive holds no Markdown file).
 */
export async function extractTicketArchive(
  bytes: Uint8Array,
  limits: TicketArchiveLimits,
): Promise<ExtractedText> {
  const attachments: string[] = [];
  const files = await readZipSafely(bytes, limits, (name) => {
    if (name.startsWith(ATTACHMENTS)) attachments.push(name);
    return isBody(name) || isTextAttachment(name);
  });
  const bodies = [...files].filter(([name]) => isBody(name));
  if (bodies.length === 0) {
    throw new ExtractError(
      "MALFORMED",
      "the ticket's content archive holds no Markdown file outside attachments/: report it to the source",
    );
  }
  const body = bodies.map(([, data]) => decodeText(data)).join("\n\n");
  const appended = await attachmentTexts(attachments, files, limits.maxChars - body.length);
  return { text: appended ? `${body}\n\n${appended}` : body };
}

function isBody(name: string): boolean {
  if (name.startsWith(ATTACHMENTS)) return false;
  const format = detectFormat("", name);
  return format === "markdown" || format === "text" || !baseName(name).includes(".");
}

function isTextAttachment(name: string): boolean {
  if (!name.startsWith(ATTACHMENTS)) return false;
  const format = detectFormat("", name);
  return format !== undefined && TEXT_ATTACHMENT_FORMATS.has(format);
}

/**
 * The attachments as text: a heading per attachment with its text, or why it is not read (a
 * type Clearance does not read inside a ticket, no text, damaged, or past the characters left).
 */
async function attachmentTexts(
  names: readonly string[],
  files: ReadonlyMap<string, Buffer>,
  budget: number,
): Promise<string> {
  const sections: string[] = [];
  let left = budget;
  for (const name of names) {
    const label = name.slice(ATTACHMENTS.length);
    const data = files.get(name);
    let text: string | undefined;
    let why: string | undefined;
    if (!data) why = "not read: not a text file";
    else if (data.byteLength > left * MAX_BYTES_PER_CHAR)
      why = "not read: over the characters left for the ticket";
    else {
      try {
        text = (await readAttachment(name, data)).trim();
        if (!text) why = "no text";
        else if (text.length > left) {
          text = undefined;
          why = "not read: over the characters left for the ticket";
        }
      } catch (error) {
        why = `not read: ${messageOf(error)}`;
      }
    }
    const section = text ? `## Attachment: ${label}\n\n${text}` : `## Attachment: ${label} (${why})`;
    left -= section.length + 2;
    if (left < 0) break;
    sections.push(section);
  }
  return sections.join("\n\n");
}

async function readAttachment(name: string, data: Buffer): Promise<string> {
  const format = detectFormat("", name) as TextFormat;
  const extract = await loadExtractor(format);
  // Text formats ignore the limits (the caller holds the text to the characters left).
  return (await extract(data, { maxUncompressedBytes: 0, maxChars: Number.POSITIVE_INFINITY })).text;
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}
