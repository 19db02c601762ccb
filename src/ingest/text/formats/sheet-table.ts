import { renderTable } from "./table.js";

/** A spreadsheet cell as shown, and whether it holds text (rather than a number, date or boolean). */
export interface SheetCell {
  text: string;
  isText: boolean;
}

/**
 * A sheet's rows as searchable text. The header is the first row that is mostly text and whose
 * next row is no wider than it (so a title above the table is not taken for the column names):
 * rows above it come out as they are, rows from it on as `Header: value` lines (see
 * {@link renderTable}). A sheet without such a row comes out one row per line, `cell | cell`.
 */
export function renderSheet(rows: readonly (readonly (SheetCell | undefined)[])[]): string {
  const filled = rows.filter((row) => row.some((cell) => cell?.text.trim()));
  const header = filled.findIndex((row, i) => isHeader(row, filled[i + 1]));
  const plain = (row: readonly (SheetCell | undefined)[]) =>
    row
      .map((cell) => cell?.text.trim())
      .filter(Boolean)
      .join(" | ");
  if (header < 0) return filled.map(plain).join("\n");
  const table = renderTable(filled.slice(header).map((row) => row.map((cell) => cell?.text)));
  return [...filled.slice(0, header).map(plain), table].join("\n");
}

function isHeader(
  row: readonly (SheetCell | undefined)[],
  next: readonly (SheetCell | undefined)[] | undefined,
) {
  const cells = row.filter((cell) => cell?.text.trim());
  const textCells = cells.filter((cell) => cell?.isText).length;
  return textCells * 2 > cells.length && (next === undefined || width(next) <= width(row));
}

/** One past the last filled column. */
function width(row: readonly (SheetCell | undefined)[]): number {
  for (let i = row.length - 1; i >= 0; i--) if (row[i]?.text.trim()) return i + 1;
  return 0;
}
