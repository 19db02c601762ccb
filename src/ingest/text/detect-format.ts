import { isFolderMimeType } from "../../managed-sync/index.js";
/**
 * The formats Clearance reads text from. `ticket-archive` (a ticket's Download Content ZIP) is
 * never detected from a file: only a ticket's content is read as one (see ticket-content.ts).
 */
export type TextFormat =
  | "ticket-archive"
  | "pdf"
  | "docx"
  | "xlsx"
  | "pptx"
  | "html"
  | "csv"
  | "tsv"
  | "json"
  | "markdown"
  | "text";

const ooxml = "application/vnd.openxmlformats-officedocument";

// Google-native types arrive exported (Docs → DOCX, Sheets → XLSX, Slides → PPTX), but some
// records keep the native type while /content returns the export, so map both.
const byMimeType: ReadonlyMap<string, TextFormat> = new Map([
  ["application/pdf", "pdf"],
  ["application/x-pdf", "pdf"],
  [`${ooxml}.wordprocessingml.document`, "docx"],
  [`${ooxml}.wordprocessingml.template`, "docx"],
  ["application/vnd.ms-word.document.macroenabled.12", "docx"],
  ["application/vnd.google-apps.document", "docx"],
  [`${ooxml}.spreadsheetml.sheet`, "xlsx"],
  [`${ooxml}.spreadsheetml.template`, "xlsx"],
  ["application/vnd.ms-excel.sheet.macroenabled.12", "xlsx"],
  ["application/vnd.google-apps.spreadsheet", "xlsx"],
  [`${ooxml}.presentationml.presentation`, "pptx"],
  [`${ooxml}.presentationml.slideshow`, "pptx"],
  ["application/vnd.ms-powerpoint.presentation.macroenabled.12", "pptx"],
  ["application/vnd.google-apps.presentation", "pptx"],
  ["application/vnd.google-apps.drawing", "pdf"],
  ["text/html", "html"],
  ["application/xhtml+xml", "html"],
  ["text/csv", "csv"],
  ["application/csv", "csv"],
  ["text/tab-separated-values", "tsv"],
  ["application/json", "json"],
  ["text/json", "json"],
  ["text/markdown", "markdown"],
  ["text/x-markdown", "markdown"],
  ["text/plain", "text"],
]);

const byExtension: ReadonlyMap<string, TextFormat> = new Map([
  ["pdf", "pdf"],
  ["docx", "docx"],
  ["docm", "docx"],
  ["dotx", "docx"],
  ["xlsx", "xlsx"],
  ["xlsm", "xlsx"],
  ["pptx", "pptx"],
  ["pptm", "pptx"],
  ["ppsx", "pptx"],
  ["html", "html"],
  ["htm", "html"],
  ["xhtml", "html"],
  ["csv", "csv"],
  ["tsv", "tsv"],
  ["json", "json"],
  ["md", "markdown"],
  ["markdown", "markdown"],
  ["txt", "text"],
  ["text", "text"],
  ["log", "text"],
]);

/** `"Text/HTML; charset=utf-8"` → `"text/html"`. */
function essence(mimeType: string): string {
  return (mimeType.split(";")[0] ?? "").trim().toLowerCase();
}

export { isFolderMimeType };

/**
 * The format to read a file as: by MIME type first, by file extension when the MIME type is
 * missing, generic (`application/octet-stream`) or unknown. `undefined` when neither says.
 *
 * @example detectFormat("application/octet-stream", "Q3 plan.docx") // "docx"
 */
export function detectFormat(mimeType: string, name: string): TextFormat | undefined {
  const type = essence(mimeType);
  const fromType = byMimeType.get(type) ?? (type.endsWith("+json") ? "json" : undefined);
  if (fromType) return fromType;
  const dot = name.lastIndexOf(".");
  return dot >= 0
    ? byExtension.get(
        name
          .slice(dot + 1)
          .trim()
          .toLowerCase(),
      )
    : undefined;
}

const pdfMagic = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/**
 * The format the bytes themselves announce, when they do unambiguously: a PDF is a PDF whatever the
 * record's MIME type says (exports and mislabelled uploads). It starts with `%PDF-` and ends with
 * its trailer (`startxref`, `%%EOF`): a note that merely begins "%PDF-1.7 is what the printer
 * takes" is read as what its label says.
 */
export function sniffFormat(bytes: Uint8Array): TextFormat | undefined {
  if (!pdfMagic.every((byte, i) => bytes[i] === byte)) return undefined;
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .subarray(-1024)
    .toString("latin1");
  return tail.includes("%%EOF") || tail.includes("startxref") ? "pdf" : undefined;
}
