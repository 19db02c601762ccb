/**
 * Renders a table as searchable lines: the first non-empty row names the columns, and each later
 * row becomes `Header: value; Header: value`, so a chunk cut from the middle still says what its
 * numbers are. Empty cells are dropped; columns without a header are called `Column N`.
 *
 * @example renderTable([["name", "team"], ["Ada", "Research"]]) // "name: Ada; team: Research"
 */
export function renderTable(rows: readonly (readonly (string | undefined)[])[]): string {
  const filled = rows.filter((row) => row.some((cell) => cell?.trim()));
  const [header, ...body] = filled;
  if (!header) return "";
  const names = header.map((cell, i) => cell?.trim() || `Column ${i + 1}`);
  if (body.length === 0) return names.join("; ");
  return body
    .map((row) =>
      row
        .map((cell, i) => {
          const value = cell?.trim();
          return value ? `${names[i] ?? `Column ${i + 1}`}: ${value}` : undefined;
        })
        .filter((pair) => pair !== undefined)
        .join("; "),
    )
    .join("\n");
}
