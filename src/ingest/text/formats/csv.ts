import { parse } from "csv-parse/sync";
import { ExtractError, messageOf } from "../errors.js";
import type { ExtractedText } from "../types.js";
import { decodeText } from "./decode-text.js";
import { renderTable } from "./table.js";

/**
 * A CSV (or TSV) file as `Header: value` lines, one per row, so each row is searchable on its own.
 * Parsed in one synchronous pass: it runs in an extraction worker, whose deadline stops a huge file.
 */
export function extractCsv(bytes: Uint8Array, delimiter: "," | "\t"): ExtractedText {
  let rows: string[][];
  try {
    rows = parse(decodeText(bytes), {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    });
  } catch (cause) {
    throw new ExtractError("MALFORMED", `the CSV cannot be parsed (${messageOf(cause)})`, { cause });
  }
  return { text: renderTable(rows) };
}
