import type { DomNode, FormatCallback } from "html-to-text";

/**
 * An html-to-text formatter that writes a table one row per line, cells joined with ` | `
 * (`Week | Primary | Secondary`), so a row stays together in a chunk and says which values belong
 * together. A cell's own line breaks become spaces; empty rows are dropped.
 */
export const formatTableRows: FormatCallback = (elem, walk, builder) => {
  builder.openTable();
  for (const child of elem.children ?? []) walkTable(child);
  builder.closeTable({
    tableToString: (rows) =>
      rows
        .map((cells) =>
          cells
            .map((cell) => cell.text.replace(/\s*\n\s*/g, " ").trim())
            .filter(Boolean)
            .join(" | "),
        )
        .filter(Boolean)
        .join("\n"),
    leadingLineBreaks: 2,
    trailingLineBreaks: 2,
  });

  function walkTable(node: DomNode): void {
    if (node.type !== "tag") return;
    if (["thead", "tbody", "tfoot"].includes(node.name ?? "")) {
      for (const child of node.children ?? []) walkTable(child);
    } else if (node.name === "tr") {
      builder.openTableRow();
      for (const cell of node.children ?? []) {
        if (cell.type !== "tag" || (cell.name !== "td" && cell.name !== "th")) continue;
        builder.openTableCell();
        walk(cell.children ?? [], builder);
        builder.closeTableCell();
      }
      builder.closeTableRow();
    }
  }
};
