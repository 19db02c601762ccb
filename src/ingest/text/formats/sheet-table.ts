/** A spreadsheet cell as shown, and whether it holds text (rather than a number, date or boolean). */
export interface SheetCell {
  text: string;
  isText: boolean;
}

/**
 * A sheet row: its cells by column index (from 0), only the cells the sheet has. Sparse on
 * purpose: a row may hold one cell in column XFD, and a sheet thousands of such rows; as arrays
 * as wide as their last cell, a 40 KB workbook took the worker past its 512 MB heap.
 */
export type SheetRow = ReadonlyMap<number, SheetCell>;

/** A filled cell of a row, its text trimmed. */
interface Filled {
  column: number;
  text: string;
  isText: boolean;
}

/**
 * A sheet's rows as searchable text. The header is the first row that is mostly text and whose
 * next row is no wider than it (so a title above the table is not taken for the column names):
 * rows above it come out as they are, rows from it on as `Header: value; Header: value` lines
 * (columns without a header are called `Column N`, N the sheet's column number). A sheet without
 * such a row comes out one row per line, `cell | cell`. The work is in proportion to the cells
 * the sheet holds, not to how far apart they are.
 */
export function renderSheet(rows: readonly SheetRow[]): string {
  const filled = rows.map(filledCells).filter((cells) => cells.length > 0);
  const header = filled.findIndex((row, i) => isHeader(row, filled[i + 1]));
  const plain = (row: readonly Filled[]) => row.map((cell) => cell.text).join(" | ");
  if (header < 0) return filled.map(plain).join("\n");
  const [names, ...body] = filled.slice(header) as [Filled[], ...Filled[][]];
  const nameOf = new Map(names.map((cell) => [cell.column, cell.text]));
  const lines = body.length
    ? body.map((row) =>
        row
          .map((cell) => `${nameOf.get(cell.column) ?? `Column ${cell.column + 1}`}: ${cell.text}`)
          .join("; "),
      )
    : [names.map((cell) => cell.text).join("; ")];
  return [...filled.slice(0, header).map(plain), ...lines].join("\n");
}

/** The row's non-blank cells in column order. */
function filledCells(row: SheetRow): Filled[] {
  const cells: Filled[] = [];
  for (const [column, cell] of row) {
    const text = cell.text.trim();
    if (text) cells.push({ column, text, isText: cell.isText });
  }
  return cells.sort((a, b) => a.column - b.column);
}

function isHeader(row: readonly Filled[], next: readonly Filled[] | undefined) {
  const textCells = row.filter((cell) => cell.isText).length;
  return textCells * 2 > row.length && (next === undefined || width(next) <= width(row));
}

/** One past the last filled column. */
function width(row: readonly Filled[]): number {
  return (row.at(-1)?.column ?? -1) + 1;
}
