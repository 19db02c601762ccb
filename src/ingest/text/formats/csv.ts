import { pipeline } from "node:stream/promises";
import { setImmediate as nextTurn } from "node:timers/promises";
import { parse } from "csv-parse";
import { ExtractError, messageOf } from "../errors.js";
import type { ExtractedText } from "../types.js";
import { decodeText } from "./decode-text.js";
import { renderTable } from "./table.js";

// csv-parse reads ~10 MB/s; feeding it slices with a turn of the event loop between them keeps
// the process responsive and lets the extraction timeout stop a big file.
const sliceLength = 256 * 1024;

/** A CSV (or TSV) file as `Header: value` lines, one per row, so each row is searchable on its own. */
export async function extractCsv(
  bytes: Uint8Array,
  delimiter: "," | "\t",
  signal: AbortSignal,
): Promise<ExtractedText> {
  const text = decodeText(bytes);
  const rows: string[][] = [];
  try {
    await pipeline(
      async function* slices() {
        for (let start = 0; start < text.length; start += sliceLength) {
          yield text.slice(start, start + sliceLength);
          await nextTurn();
        }
      },
      parse({ delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }),
      async (records: AsyncIterable<string[]>) => {
        for await (const record of records) rows.push(record);
      },
      { signal },
    );
  } catch (cause) {
    if (signal.aborted) throw signal.reason;
    throw new ExtractError("MALFORMED", `the CSV cannot be parsed (${messageOf(cause)})`, { cause });
  }
  return { text: renderTable(rows) };
}
