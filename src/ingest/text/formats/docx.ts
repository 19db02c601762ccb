import mammoth from "mammoth";
import { ExtractError, messageOf } from "../errors.js";
import type { ExtractedText } from "../types.js";
import { htmlToText } from "./html.js";
import { readZipSafely, type ZipLimits } from "./safe-zip.js";

// Images are left out of the HTML without being decoded (mammoth would inline them as base64).
const noImages = mammoth.images.imgElement(async () => ({ src: "" }));

/**
 * Text of a DOCX (also what Google Docs exports), after the zip has been checked for bombs. Read
 * through mammoth's HTML so tables keep their rows (`cell | cell`) and headings their lines.
 */
export async function extractDocx(bytes: Uint8Array, limits: ZipLimits): Promise<ExtractedText> {
  // mammoth inflates with jszip, which has no size cap; the guarded pass proves the sizes first.
  await readZipSafely(bytes, limits);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { convertImage: noImages },
    );
    html = result.value;
  } catch (cause) {
    throw new ExtractError("MALFORMED", `the DOCX cannot be read (${messageOf(cause)})`, { cause });
  }
  return { text: htmlToText(html) };
}
