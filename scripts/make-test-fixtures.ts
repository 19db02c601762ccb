/**
 * Writes the files under test/fixtures/files/ that the text-extraction tests read.
 * The output is committed; tests never generate files. Run: `npx tsx scripts/make-test-fixtures.ts`
 *
 * OOXML zips (XLSX, PPTX, the zip bombs) are written by the small zip writer below rather than a
 * library, because the bombs need central directories that lie, which no zip library will write.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import PDFDocument from "pdfkit";

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", "files");
const fixedDate = new Date("2024-05-01T12:00:00Z");

/** One entry of a zip: its name, its stored bytes, and what the directory should claim about it. */
interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** Overrides the declared uncompressed size (a lie, for the bomb fixtures). */
  declaredSize?: number;
}

interface WrittenEntry {
  name: Buffer;
  crc: number;
  compressed: Buffer;
  declaredSize: number;
  offset: number;
}

/** A minimal zip writer (deflate, no zip64, fixed timestamps), so fixtures are byte-for-byte stable. */
function writeZip(
  entries: ZipEntry[],
  centralDirectory?: (written: WrittenEntry[]) => WrittenEntry[],
): Buffer {
  const parts: Buffer[] = [];
  const written: WrittenEntry[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    const declaredSize = entry.declaredSize ?? entry.data.length;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6); // names are UTF-8
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(0x5821, 12); // 2024-01-01
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(compressed.length, 18);
    header.writeUInt32LE(declaredSize, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    parts.push(header, name, compressed);
    written.push({ name, crc, compressed, declaredSize, offset });
    offset += header.length + name.length + compressed.length;
  }
  const directoryStart = offset;
  const listed = centralDirectory ? centralDirectory(written) : written;
  for (const entry of listed) {
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(0x0800, 8);
    record.writeUInt16LE(8, 10);
    record.writeUInt16LE(0, 12);
    record.writeUInt16LE(0x5821, 14);
    record.writeUInt32LE(entry.crc, 16);
    record.writeUInt32LE(entry.compressed.length, 20);
    record.writeUInt32LE(entry.declaredSize, 24);
    record.writeUInt16LE(entry.name.length, 28);
    record.writeUInt32LE(entry.offset, 42);
    parts.push(record, entry.name);
    offset += record.length + entry.name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(listed.length, 8);
  end.writeUInt16LE(listed.length, 10);
  end.writeUInt32LE(offset - directoryStart, 12);
  end.writeUInt32LE(directoryStart, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${body}`;
const utf8 = (text: string) => Buffer.from(text, "utf8");

function pdf(pages: string[][], options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ autoFirstPage: false, info: { CreationDate: fixedDate }, ...options });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    for (const lines of pages) {
      doc.addPage();
      for (const line of lines) doc.fontSize(12).text(line);
    }
    doc.end();
  });
}

async function docx(): Promise<Buffer> {
  const doc = new Document({
    creator: "Clearance fixtures",
    sections: [
      {
        children: [
          new Paragraph({ text: "Employee Handbook", heading: HeadingLevel.HEADING_1 }),
          new Paragraph({
            children: [new TextRun("Every employee receives twenty-five days of paid vacation per year.")],
          }),
          new Paragraph({
            children: [
              new TextRun("Expense reports are due within "),
              new TextRun({ text: "thirty days", bold: true }),
              new TextRun(" of the purchase."),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** A DOCX whose table must come out one row per line, cells kept together. */
async function docxWithTable(): Promise<Buffer> {
  const row = (cells: string[]) =>
    new TableRow({ children: cells.map((text) => new TableCell({ children: [new Paragraph(text)] })) });
  const doc = new Document({
    creator: "Clearance fixtures",
    sections: [
      {
        children: [
          new Paragraph({ text: "On-call rota", heading: HeadingLevel.HEADING_1 }),
          new Table({
            rows: [
              row(["Week", "Primary", "Secondary"]),
              row(["1", "Ada Lovelace", "Grace Hopper"]),
              row(["2", "Lin Wei", "Ada Lovelace"]),
            ],
          }),
          new Paragraph("Swaps need a manager's approval."),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

const sheetType = "application/vnd.openxmlformats-officedocument.spreadsheetml";
const relType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** A workbook zip: sheets (their `<sheetData>` rows) in order, shared strings, optional styles and 1904 dates. */
function workbook(options: {
  sheets: { name: string; rows: string }[];
  shared: string[];
  styles?: string;
  date1904?: boolean;
}): Buffer {
  const { sheets, shared, styles } = options;
  const xmlText = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
  const si = shared.map((text) => `<si><t>${xmlText(text)}</t></si>`).join("");
  const sheetParts = sheets.map((_, i) => `worksheets/sheet${i + 1}.xml`);
  const overrides = [
    `<Override PartName="/xl/workbook.xml" ContentType="${sheetType}.sheet.main+xml"/>`,
    ...sheetParts.map(
      (part) => `<Override PartName="/xl/${part}" ContentType="${sheetType}.worksheet+xml"/>`,
    ),
    `<Override PartName="/xl/sharedStrings.xml" ContentType="${sheetType}.sharedStrings+xml"/>`,
    ...(styles ? [`<Override PartName="/xl/styles.xml" ContentType="${sheetType}.styles+xml"/>`] : []),
  ];
  const relationships = [
    ...sheetParts.map(
      (part, i) => `<Relationship Id="rId${i + 1}" Type="${relType}/worksheet" Target="${part}"/>`,
    ),
    `<Relationship Id="rId${sheets.length + 1}" Type="${relType}/sharedStrings" Target="sharedStrings.xml"/>`,
    ...(styles
      ? [`<Relationship Id="rId${sheets.length + 2}" Type="${relType}/styles" Target="styles.xml"/>`]
      : []),
  ];
  const workbookPr = options.date1904 ? `<workbookPr date1904="1"/>` : "";
  const sheetList = sheets
    .map(({ name }, i) => `<sheet name="${xmlText(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join("");
  return writeZip([
    {
      name: "[Content_Types].xml",
      data: utf8(
        xml(
          `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides.join("")}</Types>`,
        ),
      ),
    },
    {
      name: "_rels/.rels",
      data: utf8(
        xml(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relType}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
        ),
      ),
    },
    {
      name: "xl/workbook.xml",
      data: utf8(
        xml(
          `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${relType}">${workbookPr}<sheets>${sheetList}</sheets></workbook>`,
        ),
      ),
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: utf8(
        xml(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relationships.join("")}</Relationships>`,
        ),
      ),
    },
    {
      name: "xl/sharedStrings.xml",
      data: utf8(
        xml(
          `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">${si}</sst>`,
        ),
      ),
    },
    ...(styles ? [{ name: "xl/styles.xml", data: utf8(xml(styles)) }] : []),
    ...sheets.map(({ rows }, i) => ({
      name: `xl/${sheetParts[i]}`,
      data: utf8(
        xml(
          `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`,
        ),
      ),
    })),
  ]);
}

function xlsx(): Buffer {
  return workbook({
    shared: ["Region", "Quarter", "Revenue", "North & East", "Q1", "South", "Q2"],
    sheets: [
      {
        name: "Revenue",
        rows:
          `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>` +
          `<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2"><v>125000</v></c></row>` +
          `<row r="3"><c r="A3" t="s"><v>5</v></c><c r="B3" t="s"><v>6</v></c><c r="C3"><v>98000.5</v></c></row>`,
      },
      {
        name: "Notes",
        rows:
          `<row r="1"><c r="A1" t="inlineStr"><is><t>Remark</t></is></c></row>` +
          `<row r="2"><c r="A2" t="inlineStr"><is><t>Southern revenue dipped because of the warehouse move.</t></is></c></row>`,
      },
    ],
  });
}

/**
 * Number formats from styles.xml (built-in and custom dates, percentages, grouped decimals, General
 * floats with binary noise) under a title row that must not become the header.
 */
function formattedXlsx(): Buffer {
  const shared = [
    "Lots of people",
    "name",
    "occupation",
    "born",
    "created",
    "updated",
    "score",
    "share",
    "salary",
  ];
  shared.push("David Bowie", "musician", "Grace Hopper", "computer scientist");
  const s = (index: number) => `t="s"><v>${index}</v>`;
  const cells = (row: number, values: string[]) =>
    `<row r="${row}">${values.map((value, i) => `<c r="${String.fromCharCode(65 + i)}${row}" ${value}</c>`).join("")}</row>`;
  // Style indexes into cellXfs: 0 General, 1 built-in 14 (a date), 2 "d mmmm yyyy", 3 "yyyy-mm-dd h:mm",
  // 4 built-in 10 (0.00%), 5 built-in 4 (#,##0.00).
  const styles =
    `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="d mmmm yyyy"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm"/></numFmts>` +
    `<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/><xf numFmtId="10" applyNumberFormat="1"/><xf numFmtId="4" applyNumberFormat="1"/></cellXfs></styleSheet>`;
  const person = (row: number, name: number, job: number, values: string[]) =>
    cells(row, [s(name), s(job), ...values]);
  return workbook({
    shared,
    styles,
    sheets: [
      {
        name: "People",
        rows:
          cells(1, [s(0)]) +
          cells(3, [1, 2, 3, 4, 5, 6, 7, 8].map(s)) +
          person(4, 9, 10, [
            `s="2"><v>17175</v>`,
            `s="1"><v>38051</v>`,
            `s="3"><v>38051.75</v>`,
            `><v>0.68314529999999996</v>`,
            `s="4"><v>0.125</v>`,
            `s="5"><v>1234567.5</v>`,
          ]) +
          person(5, 11, 12, [
            `s="2"><v>2535</v>`,
            `s="1"><v>43647</v>`,
            `s="3"><v>43647.5</v>`,
            `><v>0.30000000000000004</v>`,
            `s="4"><v>0.5</v>`,
            `s="5"><v>98000</v>`,
          ]),
      },
    ],
  });
}

/** A workbook in the 1904 date system (old Mac Excel): serial 36589 is 2004-03-05 there. */
function mac1904Xlsx(): Buffer {
  return workbook({
    shared: ["event", "date", "Launch"],
    date1904: true,
    styles: `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>`,
    sheets: [
      {
        name: "Dates",
        rows:
          `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>` +
          `<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>36589</v></c></row>`,
      },
    ],
  });
}

const slideXml = (shapes: string) =>
  xml(
    `<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree>${shapes}</p:spTree></p:cSld></p:sld>`,
  );

/** A one-slide deck whose slide holds a title and a table (a graphic frame around `<a:tbl>`). */
function pptxWithTable(): Buffer {
  const cell = (text: string) =>
    `<a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>${text}</a:t></a:r></a:p></a:txBody></a:tc>`;
  const row = (cells: string[]) => `<a:tr h="370840">${cells.map(cell).join("")}</a:tr>`;
  const table =
    `<p:graphicFrame><p:xfrm><a:off x="0" y="0"/><a:ext cx="6096000" cy="1112520"/></p:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblGrid><a:gridCol w="2032000"/><a:gridCol w="2032000"/><a:gridCol w="2032000"/></a:tblGrid>` +
    row(["Region", "Target", "Owner"]) +
    row(["EMEA", "$1.2M", "Lin Wei"]) +
    row(["APAC", "$0.8M", "Grace Hopper"]) +
    `</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`;
  return writeZip([
    {
      name: "[Content_Types].xml",
      data: utf8(
        xml(
          `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/><Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/></Types>`,
        ),
      ),
    },
    {
      name: "ppt/presentation.xml",
      data: utf8(
        xml(
          `<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>`,
        ),
      ),
    },
    {
      name: "ppt/_rels/presentation.xml.rels",
      data: utf8(
        xml(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/></Relationships>`,
        ),
      ),
    },
    {
      name: "ppt/slides/slide1.xml",
      data: utf8(
        slideXml(
          `<p:sp><p:txBody><a:p><a:r><a:t>Regional targets</a:t></a:r></a:p></p:txBody></p:sp>${table}` +
            `<p:sp><p:txBody><a:p><a:r><a:t>Reviewed every quarter.</a:t></a:r></a:p></p:txBody></p:sp>`,
        ),
      ),
    },
  ]);
}

function pptx(): Buffer {
  const slide = (title: string, body: string) =>
    slideXml(
      `<p:sp><p:txBody><a:p><a:r><a:t>${title}</a:t></a:r></a:p></p:txBody></p:sp>` +
        `<p:sp><p:txBody><a:p><a:r><a:t>${body}</a:t></a:r></a:p></p:txBody></p:sp>`,
    );
  // The presentation lists slide 2's file first: reading order comes from presentation.xml, not file names.
  return writeZip([
    {
      name: "[Content_Types].xml",
      data: utf8(
        xml(
          `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/><Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/><Override PartName="/ppt/slides/slide2.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/></Types>`,
        ),
      ),
    },
    {
      name: "_rels/.rels",
      data: utf8(
        xml(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>`,
        ),
      ),
    },
    {
      name: "ppt/presentation.xml",
      data: utf8(
        xml(
          `<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/></p:sldIdLst></p:presentation>`,
        ),
      ),
    },
    {
      name: "ppt/_rels/presentation.xml.rels",
      data: utf8(
        xml(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide2.xml"/></Relationships>`,
        ),
      ),
    },
    {
      name: "ppt/slides/slide2.xml",
      data: utf8(slide("Roadmap 2025", "We launch the partner portal in March.")),
    },
    {
      name: "ppt/slides/_rels/slide2.xml.rels",
      data: utf8(
        xml(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>`,
        ),
      ),
    },
    {
      // Speaker notes, with the slide-number placeholder every notes page carries.
      name: "ppt/notesSlides/notesSlide1.xml",
      data: utf8(
        xml(
          `<p:notes xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree>` +
            `<p:sp><p:nvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>Mention the pricing change before the demo.</a:t></a:r></a:p></p:txBody></p:sp>` +
            `<p:sp><p:nvSpPr><p:nvPr><p:ph type="sldNum" idx="5"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:fld type="slidenum"><a:t>1</a:t></a:fld></a:p></p:txBody></p:sp>` +
            `</p:spTree></p:cSld></p:notes>`,
        ),
      ),
    },
    {
      name: "ppt/slides/slide1.xml",
      data: utf8(slide("Hiring plan", "Engineering grows by four people &amp; design by one.")),
    },
  ]);
}

/** Many directory entries sharing one deflated stream: ~9 KB on disk, 250 MiB declared. */
function overlappingBomb(): Buffer {
  const zeros = new Uint8Array(5 * 1024 * 1024);
  return writeZip([{ name: "word/document.xml", data: zeros }], ([only]) =>
    Array.from({ length: 50 }, (_, i) => ({ ...only!, name: Buffer.from(`word/part${i}.xml`) })),
  );
}

/** An honest-looking directory (4 KB declared) over an entry that really inflates to 5 MiB. */
function lyingSizesBomb(): Buffer {
  const zeros = new Uint8Array(5 * 1024 * 1024);
  return writeZip([{ name: "word/document.xml", data: zeros, declaredSize: 4096 }]);
}

const html = `<!doctype html>
<html><head><title>Onboarding checklist</title>
<style>body { font-family: sans-serif } .nav { color: red }</style>
<script>window.analytics = { track: function () { return "tracking-noise"; } };</script>
</head><body>
<nav class="nav"><a href="/home">Home</a> <a href="/spaces">Spaces</a> <a href="/people">People</a></nav>
<header id="header"><div>Confluence header chrome</div></header>
<main>
<h1>Onboarding checklist</h1>
<p>New hires get a laptop on their first day &amp; meet their buddy before lunch.</p>
<ul><li>Sign the security policy.</li><li>Enable two-factor authentication.</li></ul>
<table><tr><th>Week</th><th>Goal</th></tr><tr><td>1</td><td>Ship a small fix</td></tr></table>
</main>
<footer>Footer chrome © Example Corp</footer>
<script>console.log("more noise")</script>
</body></html>
`;

// What Sphinx (docutils ≥ 0.18) writes: footnotes and sidebars are <aside> inside the main body.
const sphinxHtml = `<!doctype html>
<html><head><title>Retention policy</title><script>var DOCUMENTATION_OPTIONS = {};</script></head><body>
<div class="related" role="navigation"><ul><li><a href="genindex.html">index</a></li></ul></div>
<header class="top">Docs header chrome</header>
<div class="document"><div class="documentwrapper"><div class="body" role="main">
<section id="retention-policy"><h1>Retention policy</h1>
<p>Audit logs are kept for seven years<a class="footnote-reference brackets" href="#f1" role="doc-noteref">1</a>.</p>
<aside class="sidebar"><p class="sidebar-title">Exceptions</p><p>Legal holds suspend deletion until counsel releases them.</p></aside>
<aside class="footnote-list brackets">
<aside class="footnote brackets" id="f1" role="doc-footnote"><span class="label">1</span><p>Seven years is the longest period any of our regulators requires.</p></aside>
</aside>
</section></div></div>
<div class="sphinxsidebar" role="navigation"><h3>Navigation</h3><p>Sidebar search box</p></div></div>
<footer class="footer">© Docs footer chrome</footer>
</body></html>
`;

const csv = `name,email,team,notes
Ada Lovelace,ada@example.com,Research,"Leads the analytical engine project, part-time"
Grace Hopper,grace@example.com,Compilers,Prefers COBOL reviews on Fridays
`;

const json = JSON.stringify(
  {
    project: "Atlas",
    owner: { name: "Lin Wei", email: "lin@example.com" },
    milestones: [
      { name: "Beta", due: "2024-09-01", done: true },
      { name: "General availability", due: "2025-01-15", done: false },
    ],
    summary: "Atlas migrates the billing database to the new cluster.",
  },
  null,
  2,
);

const markdown = `# Incident review: search outage

The search cluster ran out of disk on **Tuesday** at 14:05 UTC.

## Follow-ups

- Add disk alerts at 80 percent.
- Rotate logs every six hours.
`;

const text = "Quarterly planning notes.\nThe design review moved to Thursday afternoon.\n";

async function main() {
  await mkdir(outDir, { recursive: true });
  const report = await pdf([
    ["Clearance quarterly report.", "Page one says the pilot started in January."],
    ["Page two explains that churn fell to three percent."],
    ["Page three lists the open risks: hiring and vendor lock-in."],
  ]);
  const files: Record<string, Uint8Array | string> = {
    "report.pdf": report,
    "encrypted.pdf": await pdf([["This text is behind a password."]], {
      userPassword: "s3cret",
      ownerPassword: "0wner",
      pdfVersion: "1.4",
    }),
    // The header survives, the body is cut off and garbled: what a failed download looks like.
    "corrupted.pdf": Buffer.concat([
      report.subarray(0, 200),
      Buffer.from("\u0000\u00ff garbled bytes \u0000 not an object \u00fe".repeat(20), "latin1"),
    ]),
    "handbook.docx": await docx(),
    "budget.xlsx": xlsx(),
    "slides.pptx": pptx(),
    "bomb.docx": overlappingBomb(),
    "bomb-lying-sizes.docx": lyingSizesBomb(),
    "not-a-zip.docx": "This is plain text pretending to be a Word document.\n",
    "empty.txt": "",
    "blank.txt": "   \n\t\n  ",
    "confluence-page.html": html,
    "sphinx-page.html": sphinxHtml,
    "rota.docx": await docxWithTable(),
    "targets.pptx": pptxWithTable(),
    "people.xlsx": formattedXlsx(),
    "mac-dates.xlsx": mac1904Xlsx(),
    "people.csv": csv,
    "project.json": json,
    "incident.md": markdown,
    "notes.txt": text,
    // Over the 12 KB limit the run test uses; real text, so only the size limit can reject it.
    "oversized.txt": `${"Retention policy: logs are kept for ninety days, then deleted. ".repeat(260)}\n`,
  };
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(outDir, name), content);
    console.log(`${name.padEnd(24)} ${String(Buffer.byteLength(content)).padStart(7)} bytes`);
  }
}

await main();
