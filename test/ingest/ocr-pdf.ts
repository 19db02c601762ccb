import { createDeflate } from "node:zlib";

/**
 * A one-page PDF like a scan with an OCR text layer: its single content stream places `megabytes`
 * MB of invisible words (`3 Tr`), one text object each, about 8 characters of text in 55 bytes of
 * operators (50 MB: 950,000 words). The stream repeats a 24 KB block, so it deflates to about
 * 8 KB per MB: cheap to make and to hold.
 */
export async function ocrPdf(megabytes: number): Promise<Uint8Array> {
  const stream = await deflated(ocrBlock(), megabytes);
  return onePagePdf(stream);
}

const words = ["revenue", "quarterly", "northern", "forecast", "headcount", "margin", "region", "budget"];

/** 440 placed words, each unlike its neighbours: under deflate's 32 KB window. */
function ocrBlock(): Buffer {
  const lines: string[] = [];
  for (let n = 0; n < 440; n++) {
    const [x, y] = [72 + (n % 8) * 60, 760 - Math.floor(n / 8) * 12];
    lines.push(`BT /F1 9 Tf 3 Tr 1 0 0 1 ${x} ${y} Tm (${words[n % 8]}${n}) Tj ET\n`);
  }
  return Buffer.from(lines.join(""), "latin1");
}

async function deflated(block: Buffer, megabytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  for (let written = 0; written < megabytes * 1024 * 1024; written += block.length) {
    if (!deflate.write(block)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await ended;
  return Buffer.concat(out);
}

function onePagePdf(stream: Buffer): Uint8Array {
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
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
  object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  object(
    4,
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
  );
  object(5, `<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, stream, "\nendstream");
  const xref = length;
  const rows = offsets
    .slice(1)
    .map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`)
    .join("");
  push(
    `xref\n0 6\n0000000000 65535 f \n${rows}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
  );
  return new Uint8Array(Buffer.concat(parts));
}
