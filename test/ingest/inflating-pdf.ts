import { deflatedRepeats, flatePdf } from "./flate-pdf.js";

/**
 * A PDF of `pages` pages (default 1) whose content streams each say "Hello bomb" and then inflate
 * to `megabytes` MB of spaces (FlateDecode): about 1 KB on disk per MB inflated. pdf.js decodes a
 * content stream into one typed array, outside the worker's heap limit.
 */
export async function inflatingPdf(megabytes: number, pages = 1): Promise<Uint8Array> {
  const MB = 1024 * 1024;
  const stream = await deflatedRepeats(
    "BT /F1 12 Tf 72 720 Td (Hello bomb) Tj ET\n",
    Buffer.alloc(MB, 0x20),
    megabytes * MB,
  );
  return flatePdf(Array.from({ length: pages }, () => stream));
}
