import { deflatedRepeats, flatePdf } from "./flate-pdf.js";

/**
 * A one-page PDF like a scan with an OCR text layer: its single content stream places `megabytes`
 * MB of invisible words (`3 Tr`), one text object each, about 8 characters of text in 55 bytes of
 * operators (50 MB: 950,000 words). The stream repeats a 24 KB block, so it deflates to about
 * 8 KB per MB: cheap to make and to hold.
 */
export async function ocrPdf(megabytes: number): Promise<Uint8Array> {
  return flatePdf([await deflatedRepeats("", ocrBlock(), megabytes * 1024 * 1024)]);
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
