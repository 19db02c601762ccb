import type { ExtractedText } from "../types.js";
import { readZipSafely, type ZipLimits } from "./safe-zip.js";
import { renderTable } from "./table.js";
import { readRelationships, walkXml } from "./xml-events.js";

/**
 * Text of an XLSX workbook (also what Google Sheets exports): each sheet as `Sheet: <name>` followed
 * by its rows rendered as `Header: value` lines. Numbers are kept as stored (dates stay serials).
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
  const sections = listSheets(part("xl/workbook.xml"), relationships).map(({ name, path }) => {
    const table = renderTable(readSheetRows(part(path), sharedStrings));
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

/** A sheet's cells as rows of strings, placed by their `r` reference so skipped cells stay in their column. */
function readSheetRows(xml: string | undefined, sharedStrings: string[]): string[][] {
  const rows: string[][] = [];
  if (!xml) return rows;
  let row: string[] = [];
  let cell = { column: 0, type: "", value: "" };
  let capture = false;
  walkXml(xml, {
    open(name, attributes) {
      if (name === "row") row = [];
      else if (name === "c")
        cell = { column: columnIndex(attributes.r, row.length), type: attributes.t ?? "", value: "" };
      else if (name === "v" || name === "t") capture = true;
    },
    text(text) {
      if (capture) cell.value += text;
    },
    close(name) {
      if (name === "v" || name === "t") capture = false;
      else if (name === "c") row[cell.column] = cellText(cell.type, cell.value, sharedStrings);
      else if (name === "row") rows.push(Array.from(row, (value) => value ?? ""));
    },
  });
  return rows;
}

function cellText(type: string, value: string, sharedStrings: string[]): string {
  if (type === "s") return sharedStrings[Number(value)] ?? "";
  if (type === "b") return value === "1" ? "TRUE" : "FALSE";
  return value;
}

/** `"C7"` → 2. Cells without a reference follow the previous one. */
function columnIndex(reference: string | undefined, fallback: number): number {
  const letters = reference?.match(/^[A-Z]+/i)?.[0];
  if (!letters) return fallback;
  let index = 0;
  for (const letter of letters.toUpperCase()) index = index * 26 + (letter.charCodeAt(0) - 64);
  return index - 1;
}
