import { ExtractError } from "../errors.js";
import type { ExtractedText } from "../types.js";
import { readZipSafely, type ZipLimits } from "./safe-zip.js";
import { renderSheet, type SheetCell, type SheetRow } from "./sheet-table.js";
import { formatCellNumber, readCellFormats } from "./xlsx-number-format.js";
import { readRelationships, walkXml } from "./xml-events.js";

/** How a workbook shows its numbers: each cell style's format code, and its date system. */
interface NumberDisplay {
  formats: string[];
  date1904: boolean;
}

/**
 * Text of an XLSX workbook (also what Google Sheets exports): each sheet as `Sheet: <name>` followed
 * by its rows (see {@link renderSheet}), numbers shown through their cell's number format.
 */
export async function extractXlsx(bytes: Uint8Array, limits: ZipLimits): Promise<ExtractedText> {
  const parts = await readZipSafely(
    bytes,
    limits,
    (name) => name.startsWith("xl/") && !name.startsWith("xl/media/"),
  );
  const part = (name: string) => parts.get(name)?.toString("utf8");
  const sharedStrings = readSharedStrings(part("xl/sharedStrings.xml"));
  const relationships = readRelationships(part("xl/_rels/workbook.xml.rels"), "xl");
  const workbook = part("xl/workbook.xml");
  const display = { formats: readCellFormats(part("xl/styles.xml")), date1904: usesDate1904(workbook) };
  const sections = listSheets(workbook, relationships).map(({ name, path }) => {
    const table = renderSheet(readSheetRows(part(path), sharedStrings, display));
    return table ? `Sheet: ${name}\n${table}` : "";
  });
  return { text: sections.filter(Boolean).join("\n\n") };
}

/** Sheets in workbook order, with the part each one lives in. */
function listSheets(workbook: string | undefined, relationships: Map<string, string>) {
  const sheets: { name: string; path: string }[] = [];
  if (!workbook) return sheets;
  walkXml(workbook, {
    open(name, attributes) {
      const path = attributes["r:id"] && relationships.get(attributes["r:id"]);
      if (name === "sheet" && path) sheets.push({ name: attributes.name ?? path, path });
    },
  });
  return sheets;
}

/** Whether the workbook counts dates from 1904 (`<workbookPr date1904="1"/>`). */
function usesDate1904(workbook: string | undefined): boolean {
  let date1904 = false;
  walkXml(workbook ?? "", {
    open(name, attributes) {
      if (name === "workbookPr") date1904 = attributes.date1904 === "1" || attributes.date1904 === "true";
    },
  });
  return date1904;
}

/** The shared string table: one entry per `<si>`, its `<t>` runs joined, phonetic hints (`<rPh>`) left out. */
function readSharedStrings(xml: string | undefined): string[] {
  const strings: string[] = [];
  if (!xml) return strings;
  let current = "";
  let inText = false;
  let inPhonetic = false;
  walkXml(xml, {
    open(name) {
      if (name === "si") current = "";
      else if (name === "t") inText = true;
      else if (name === "rPh") inPhonetic = true;
    },
    text(text) {
      if (inText && !inPhonetic) current += text;
    },
    close(name) {
      if (name === "si") strings.push(current);
      else if (name === "t") inText = false;
      else if (name === "rPh") inPhonetic = false;
    },
  });
  return strings;
}

/** A sheet's cells as rows, keyed by the column their `r` reference names so skipped cells stay in their column. */
function readSheetRows(xml: string | undefined, sharedStrings: string[], display: NumberDisplay): SheetRow[] {
  const rows: SheetRow[] = [];
  if (!xml) return rows;
  let row = new Map<number, SheetCell>();
  // One past the row's rightmost cell so far: where a cell without a reference goes.
  let rowEnd = 0;
  let cell = { column: 0, type: "", style: 0, value: "" };
  let capture = false;
  walkXml(xml, {
    open(name, attributes) {
      if (name === "row") {
        row = new Map();
        rowEnd = 0;
      } else if (name === "c")
        cell = {
          column: columnIndex(attributes.r, rowEnd),
          type: attributes.t ?? "",
          style: Number(attributes.s ?? 0),
          value: "",
        };
      else if (name === "v" || name === "t") capture = true;
    },
    text(text) {
      if (capture) cell.value += text;
    },
    close(name) {
      if (name === "v" || name === "t") capture = false;
      else if (name === "c") {
        row.set(cell.column, sheetCell(cell, sharedStrings, display));
        rowEnd = Math.max(rowEnd, cell.column + 1);
      } else if (name === "row") rows.push(row);
    },
  });
  return rows;
}

/** A cell as Excel shows it: strings resolved, booleans as TRUE/FALSE, numbers through their style's format. */
function sheetCell(
  { type, style, value }: { type: string; style: number; value: string },
  sharedStrings: string[],
  { formats, date1904 }: NumberDisplay,
): SheetCell {
  switch (type) {
    case "s":
      return { text: sharedStrings[Number(value)] ?? "", isText: true };
    case "inlineStr":
    case "str":
      return { text: value, isText: true };
    case "b":
      return { text: value === "1" ? "TRUE" : "FALSE", isText: false };
    case "e":
      return { text: value, isText: false };
    case "d": // an ISO 8601 date (strict OOXML): its date, and its time when it has one
      return { text: value.replace(/T00:00(:00(\.0+)?)?Z?$/, "").replace("T", " "), isText: false };
    default: {
      const number = Number(value);
      const shown =
        value.trim() && Number.isFinite(number)
          ? formatCellNumber(number, formats[style] ?? "General", date1904)
          : value;
      return { text: shown, isText: false };
    }
  }
}

// Column XFD: a sheet has no column past it.
const maxColumns = 16_384;

/** `"C7"` → 2. Cells without a reference follow the previous one. */
function columnIndex(reference: string | undefined, fallback: number): number {
  const letters = reference?.match(/^[A-Z]+/i)?.[0];
  if (!letters) return fallback;
  let index = 0;
  for (const letter of letters.toUpperCase()) index = index * 26 + (letter.charCodeAt(0) - 64);
  if (index > maxColumns) {
    // A reference no sheet has (2^31 columns and more): the file is damaged, or made to hurt.
    throw new ExtractError(
      "MALFORMED",
      `cell ${reference} lies past column XFD, the last one a sheet has: the workbook is damaged (open and save it again in Excel)`,
    );
  }
  return index - 1;
}
