import type { Doc } from "./company.js";

// Light Markdown: the one source format of the prose, rendered to each file's format. Headings (#, ##, ###),
// paragraphs, lists (- or 1., with "  - " sub-items), tables (| a | b |), ``` code, and <!-- page --> breaks;
// inline **bold**, *italic* and `code`.

export type Block =
  | { t: "h"; level: 1 | 2 | 3; text: string }
  | { t: "p"; text: string }
  | { t: "list"; ordered: boolean; items: { text: string; sub: string[] }[] }
  | { t: "table"; rows: string[][] }
  | { t: "code"; text: string }
  | { t: "page" };

const PAGE_BREAK = "<!-- page -->";

export function parseMarkdown(src: string): Block[] {
  const lines = src.split("\n");
  const blocks: Block[] = [];
  const isListItem = (l: string): RegExpExecArray | null => /^(\d+\.|-) (.*)$/.exec(l);
  const startsBlock = (l: string): boolean =>
    l.trim() === "" || /^#{1,3} /.test(l) || !!isListItem(l) || l.startsWith("|") || l.startsWith("```");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
    } else if (line.trim() === PAGE_BREAK) {
      blocks.push({ t: "page" });
      i++;
    } else if (line.startsWith("```")) {
      const buf: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) buf.push(lines[i]!);
      i++;
      blocks.push({ t: "code", text: buf.join("\n") });
    } else if (/^#{1,3} /.test(line)) {
      const level = line.indexOf(" ") as 1 | 2 | 3;
      blocks.push({ t: "h", level, text: line.slice(level + 1).trim() });
      i++;
    } else if (isListItem(line)) {
      const ordered = /^\d/.test(line);
      const items: { text: string; sub: string[] }[] = [];
      while (i < lines.length) {
        const l = lines[i]!;
        const m = isListItem(l);
        const subm = /^\s+- (.*)$/.exec(l);
        if (m && /^\d/.test(l) === ordered) items.push({ text: m[2]!, sub: [] });
        else if (subm && items.length) items[items.length - 1]!.sub.push(subm[1]!);
        else if (l.startsWith("  ") && l.trim() && items.length)
          items[items.length - 1]!.text += ` ${l.trim()}`;
        else break;
        i++;
      }
      blocks.push({ t: "list", ordered, items });
    } else if (line.startsWith("|")) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith("|"); i++) {
        const l = lines[i]!.trim();
        if (/^\|[\s:|-]+\|$/.test(l)) continue;
        rows.push(
          l
            .slice(1, -1)
            .split("|")
            .map((c) => c.trim()),
        );
      }
      blocks.push({ t: "table", rows });
    } else {
      const buf: string[] = [];
      for (; i < lines.length && !startsBlock(lines[i]!) && lines[i]!.trim() !== PAGE_BREAK; i++) {
        buf.push(lines[i]!.trim());
      }
      blocks.push({ t: "p", text: buf.join(" ") });
    }
  }
  return blocks;
}

export interface Span {
  text: string;
  bold?: boolean;
  code?: boolean;
  italic?: boolean;
}
export function spans(text: string): Span[] {
  const out: Span[] = [];
  const re = /\*\*(.+?)\*\*|`([^`]+)`|\*([^*]+)\*/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ text: m[1], bold: true });
    else if (m[2] !== undefined) out.push({ text: m[2], code: true });
    else out.push({ text: m[3]!, italic: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
export const plain = (text: string): string =>
  spans(text)
    .map((s) => s.text)
    .join("");

/** The text of the document's "# title" line. */
export function titleOf(d: Doc): string {
  const m = /^# (.*)$/m.exec(d.body);
  if (!m) throw new Error(`${d.path}: no "# title" line`);
  return m[1]!.trim();
}
/** The document's blocks without its title. */
export const bodyBlocks = (d: Doc): Block[] => {
  const blocks = parseMarkdown(d.body);
  const first = blocks[0];
  return first?.t === "h" && first.level === 1 ? blocks.slice(1) : blocks;
};
/** When the document was last changed, as an ISO timestamp. */
export const updatedAt = (d: Doc): string => (d.updated.length === 10 ? `${d.updated}T17:00:00Z` : d.updated);
