import {
  AlignmentType,
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageBreak,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import type { Doc } from "../company.js";
import { bodyBlocks, plain, spans, titleOf, updatedAt } from "../markdown.js";
import type { RenderContext } from "./index.js";

// docx with the core properties, the zip entry times and docx's random ids pinned, so the bytes are reproducible.

const xmlEscape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function runs(text: string, extra: { size?: number } = {}): TextRun[] {
  return spans(text).map(
    (s) =>
      new TextRun({
        text: s.text,
        bold: s.bold,
        italics: s.italic,
        font: s.code ? "Consolas" : undefined,
        size: extra.size,
      }),
  );
}

/** Runs `fn` with Math.random replaced by a seeded generator (docx draws a few ids from it). */
async function withSeededRandom<T>(seedText: string, fn: () => Promise<T>): Promise<T> {
  let seed = 2166136261;
  for (const ch of seedText) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619) >>> 0;
  const original = Math.random;
  Math.random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}

/** Sets every entry's modification time in a zip file (docx writes the current time) to `date`. */
function pinZipTimes(buf: Buffer, date: Date): Buffer {
  const out = Buffer.from(buf);
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  let eocd = -1;
  for (let i = out.length - 22; i >= 0; i--) {
    if (out.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip file");
  let p = out.readUInt32LE(eocd + 16);
  for (let n = out.readUInt16LE(eocd + 10); n > 0; n--) {
    if (out.readUInt32LE(p) !== 0x02014b50) throw new Error("bad zip central directory");
    out.writeUInt16LE(time, p + 12);
    out.writeUInt16LE(day, p + 14);
    const local = out.readUInt32LE(p + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error("bad zip local header");
    out.writeUInt16LE(time, local + 10);
    out.writeUInt16LE(day, local + 12);
    p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32);
  }
  return out;
}

/** The document as a Word file: title, a byline, the body (headings, lists, tables, page breaks). */
export async function renderDocx(d: Doc, { company, author }: RenderContext): Promise<Buffer> {
  const title = titleOf(d);
  const stamp = updatedAt(d);
  const buf = await withSeededRandom(d.path, async () => {
    const children: (Paragraph | Table)[] = [
      new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(title)] }),
      new Paragraph({
        children: [
          new TextRun({
            text: `${company} | ${author} | ${stamp.slice(0, 10)}`,
            italics: true,
            color: "666666",
          }),
        ],
      }),
    ];
    let listInstance = 0;
    for (const b of bodyBlocks(d)) {
      if (b.t === "page") children.push(new Paragraph({ children: [new PageBreak()] }));
      else if (b.t === "h")
        children.push(
          new Paragraph({
            heading: b.level === 2 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
            children: runs(b.text),
          }),
        );
      else if (b.t === "p") children.push(new Paragraph({ children: runs(b.text), spacing: { after: 120 } }));
      else if (b.t === "code")
        for (const line of b.text.split("\n"))
          children.push(
            new Paragraph({ children: [new TextRun({ text: line, font: "Consolas", size: 18 })] }),
          );
      else if (b.t === "list") {
        listInstance++;
        for (const item of b.items) {
          children.push(
            new Paragraph({
              children: runs(item.text),
              ...(b.ordered
                ? { numbering: { reference: "numbered", level: 0, instance: listInstance } }
                : { bullet: { level: 0 } }),
            }),
          );
          for (const s of item.sub) children.push(new Paragraph({ children: runs(s), bullet: { level: 1 } }));
        }
      } else if (b.t === "table") {
        children.push(
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: b.rows.map(
              (row, ri) =>
                new TableRow({
                  tableHeader: ri === 0,
                  children: row.map(
                    (c) =>
                      new TableCell({
                        children: [
                          new Paragraph({ children: [new TextRun({ text: plain(c), bold: ri === 0 })] }),
                        ],
                      }),
                  ),
                }),
            ),
          }),
          new Paragraph({ children: [] }),
        );
      }
    }
    const document = new Document({
      creator: author,
      lastModifiedBy: author,
      title,
      description: company,
      styles: { default: { document: { run: { font: "Calibri", size: 22 } } } },
      numbering: {
        config: [
          {
            reference: "numbered",
            levels: [
              {
                level: 0,
                format: LevelFormat.DECIMAL,
                text: "%1.",
                alignment: AlignmentType.START,
                style: { paragraph: { indent: { left: 720, hanging: 360 } } },
              },
            ],
          },
        ],
      },
      sections: [{ children }],
    });
    const core =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
      'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      `<dc:title>${xmlEscape(title)}</dc:title><dc:creator>${xmlEscape(author)}</dc:creator>` +
      `<cp:lastModifiedBy>${xmlEscape(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>` +
      `<dcterms:created xsi:type="dcterms:W3CDTF">${stamp}</dcterms:created>` +
      `<dcterms:modified xsi:type="dcterms:W3CDTF">${stamp}</dcterms:modified></cp:coreProperties>`;
    return Packer.toBuffer(document, false, [{ path: "docProps/core.xml", data: core }]);
  });
  return pinZipTimes(buf, new Date(stamp));
}
