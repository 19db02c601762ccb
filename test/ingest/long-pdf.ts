import PDFDocument from "pdfkit";

/** A PDF of `pages` pages of text (pdfkit), slow enough to parse that a 1 ms deadline always passes first. */
export function longPdf(pages: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ autoFirstPage: false });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on("error", reject);
    for (let page = 1; page <= pages; page++) {
      doc.addPage();
      for (let line = 1; line <= 20; line++) {
        doc
          .fontSize(11)
          .text(`Quarterly report, page ${page}, line ${line}: revenue, costs and headcount by region.`);
      }
    }
    doc.end();
  });
}
