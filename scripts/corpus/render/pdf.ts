import PDFDocument from "pdfkit";
import type { Doc } from "../company.js";
import { bodyBlocks, plain, type Span, spans, titleOf, updatedAt } from "../markdown.js";
import type { RenderContext } from "./index.js";

// pdfkit with the standard fonts, so nothing is embedded and text extracts cleanly; info dates pinned to the
// document's `updated` so the bytes are reproducible.

function pdfSafe(s: string): string {
  const out = s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, "-");
  if (/[^\x20-\x7e\n]/.test(out))
    throw new Error(`non-ASCII text in a PDF: ${JSON.stringify(out.slice(0, 60))}`);
  return out;
}

/** The document as a PDF: title, a byline, the body, and page numbers in the footer. */
export function renderPdf(d: Doc, { company, author }: RenderContext): Promise<Buffer> {
  const date = new Date(updatedAt(d));
  const title = pdfSafe(titleOf(d));
  const pdf = new PDFDocument({
    size: "LETTER",
    margins: { top: 64, bottom: 64, left: 64, right: 64 },
    bufferPages: true,
    compress: true,
    info: {
      Title: title,
      Author: author,
      Subject: company,
      Creator: company,
      Producer: `${company} document generator`,
      CreationDate: date,
      ModDate: date,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((res) => pdf.on("end", () => res(Buffer.concat(chunks))));

  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  const bottom = (): number => pdf.page.height - pdf.page.margins.bottom;
  const ensure = (h: number): void => {
    if (pdf.y + h > bottom()) pdf.addPage();
  };
  const font = (s: Span): string =>
    s.code ? "Courier" : s.bold ? "Helvetica-Bold" : s.italic ? "Helvetica-Oblique" : "Helvetica";
  const richText = (text: string, x: number, w: number, size: number): void => {
    const ss = spans(pdfSafe(text));
    pdf.fontSize(size).fillColor("#111111");
    ss.forEach((s, i) => {
      pdf.font(font(s));
      if (i === 0) pdf.text(s.text, x, pdf.y, { width: w, continued: i < ss.length - 1 });
      else pdf.text(s.text, { continued: i < ss.length - 1 });
    });
  };

  pdf.font("Helvetica-Bold").fontSize(20).fillColor("#1b2a4a").text(title, left, pdf.y, { width });
  pdf.moveDown(0.2);
  pdf
    .font("Helvetica")
    .fontSize(8.5)
    .fillColor("#666666")
    .text(`${company}  |  ${author}  |  ${date.toISOString().slice(0, 10)}`, { width });
  pdf.moveDown(1);

  for (const b of bodyBlocks(d)) {
    pdf.x = left;
    if (b.t === "page") {
      pdf.addPage();
    } else if (b.t === "h") {
      ensure(50);
      pdf.moveDown(0.4);
      pdf
        .font("Helvetica-Bold")
        .fontSize(b.level === 2 ? 13 : 11)
        .fillColor("#1b2a4a")
        .text(pdfSafe(b.text), left, pdf.y, { width });
      pdf.moveDown(0.3);
    } else if (b.t === "p") {
      richText(b.text, left, width, 10.5);
      pdf.moveDown(0.6);
    } else if (b.t === "code") {
      pdf
        .font("Courier")
        .fontSize(9)
        .fillColor("#222222")
        .text(pdfSafe(b.text), left + 12, pdf.y, { width: width - 12 });
      pdf.moveDown(0.6);
    } else if (b.t === "list") {
      b.items.forEach((item, n) => {
        const entries: [string, string, number][] = [
          [b.ordered ? `${n + 1}.` : "-", item.text, 0],
          ...item.sub.map((s): [string, string, number] => ["-", s, 1]),
        ];
        for (const [label, text, level] of entries) {
          const x = left + 6 + level * 16;
          pdf.font("Helvetica").fontSize(10.5);
          ensure(pdf.heightOfString(plain(pdfSafe(text)), { width: width - (x - left) - 16 }) + 4);
          const y = pdf.y;
          pdf.fillColor("#111111").text(label, x, y, { width: 16 });
          pdf.y = y;
          richText(text, x + 16, width - (x - left) - 16, 10.5);
          pdf.moveDown(0.2);
        }
      });
      pdf.moveDown(0.4);
    } else if (b.t === "table") {
      const cols = Math.max(...b.rows.map((r) => r.length));
      // column widths follow the longest text in each column (capped), so short columns stay narrow
      const weights = Array.from({ length: cols }, (_, ci) =>
        Math.max(...b.rows.map((r) => Math.min((r[ci] ?? "").length, 45)), 6),
      );
      const sumW = weights.reduce((a, w) => a + w, 0);
      const colW = weights.map((w) => (width * w) / sumW);
      const colX = colW.map((_, ci) => left + colW.slice(0, ci).reduce((a, w) => a + w, 0));
      b.rows.forEach((row, ri) => {
        pdf.font(ri === 0 ? "Helvetica-Bold" : "Helvetica").fontSize(9);
        const h =
          Math.max(...row.map((c, ci) => pdf.heightOfString(pdfSafe(c), { width: colW[ci]! - 8 }))) + 8;
        ensure(h);
        const y = pdf.y;
        if (ri === 0) pdf.rect(left, y, width, h).fill("#e8edf5");
        pdf.fillColor("#111111");
        row.forEach((c, ci) => {
          pdf.text(pdfSafe(c), colX[ci]! + 4, y + 4, { width: colW[ci]! - 8 });
        });
        pdf
          .moveTo(left, y + h)
          .lineTo(left + width, y + h)
          .lineWidth(0.5)
          .strokeColor("#b8c2d3")
          .stroke();
        pdf.x = left;
        pdf.y = y + h;
      });
      pdf.moveDown(0.8);
    }
  }

  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const saved = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf
      .font("Helvetica")
      .fontSize(8)
      .fillColor("#888888")
      .text(`${title}  -  page ${i + 1} of ${range.count}`, left, pdf.page.height - 40, {
        width,
        align: "center",
        lineBreak: false,
      });
    pdf.page.margins.bottom = saved;
  }
  pdf.end();
  return done;
}
