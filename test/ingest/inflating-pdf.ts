import { createDeflate } from "node:zlib";

/**
 * A PDF of `pages` pages (default 1) whose content streams each say "Hello bomb" and then inflate
 * to `megabytes` MB of spaces (FlateDecode): about 1 KB on disk per MB inflated. pdf.js decodes a
 * content stream into one typed array, outside the worker's heap limit.
 */
export async function inflatingPdf(megabytes: number, pages = 1): Promise<Uint8Array> {
  const stream = await deflatedSpaces(megabytes);
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (part: string | Buffer) => {
    const bytes = typeof part === "string" ? Buffer.from(part, "latin1") : part;
    parts.push(bytes);
    length += bytes.length;
  };
  const object = (n: number, ...body: (string | Buffer)[]) => {
    offsets[n] = length;
    push(`${n} 0 obj\n`);
    for (const part of body) push(part);
    push("\nendobj\n");
  };
  push("%PDF-1.4\n");
  // Objects: 1 catalog, 2 page tree, 3 font, then page n's page object and its content stream.
  const pageIds = Array.from({ length: pages }, (_, n) => 4 + 2 * n);
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(2, `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages} >>`);
  object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (const id of pageIds) {
    object(
      id,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${id + 1} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
    );
    object(id + 1, `<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, stream, "\nendstream");
  }
  const count = 4 + 2 * pages;
  const xref = length;
  const rows = offsets
    .slice(1, count)
    .map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`)
    .join("");
  push(
    `xref\n0 ${count}\n0000000000 65535 f \n${rows}trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
  );
  return new Uint8Array(Buffer.concat(parts));
}

async function deflatedSpaces(megabytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  deflate.write("BT /F1 12 Tf 72 720 Td (Hello bomb) Tj ET\n");
  const spaces = Buffer.alloc(1024 * 1024, 0x20);
  for (let mb = 0; mb < megabytes; mb++) {
    if (!deflate.write(spaces)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await ended;
  return Buffer.concat(out);
}
