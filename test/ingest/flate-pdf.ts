import { createDeflate } from "node:zlib";

/**
 * A PDF with one page per content stream, each stream already deflated (FlateDecode), with a
 * Helvetica font as F1: the writer behind the inflating and OCR-layer PDFs the hostile-file tests
 * make at run time (a few KB on disk for tens of MB inflated).
 */
export function flatePdf(streams: readonly Buffer[]): Uint8Array {
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
  const pageIds = streams.map((_, n) => 4 + 2 * n);
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(
    2,
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${streams.length} >>`,
  );
  object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  streams.forEach((stream, n) => {
    const id = pageIds[n]!;
    object(
      id,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${id + 1} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
    );
    object(id + 1, `<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, stream, "\nendstream");
  });
  const count = 4 + 2 * streams.length;
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

/** `head`, then `block` repeated until `bytes` of it are written, deflated at level 9. */
export async function deflatedRepeats(head: string, block: Buffer, bytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  if (head) deflate.write(head);
  for (let written = 0; written < bytes; written += block.length) {
    if (!deflate.write(block)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await ended;
  return Buffer.concat(out);
}
