import mammoth from "mammoth";
import { ExtractError, messageOf } from "../errors.js";
import type { ExtractedText } from "../types.js";
import { readZipSafely, type ZipLimits } from "./safe-zip.js";

/** Text of a DOCX (also what Google Docs exports), after the zip has been checked for bombs. */
export async function extractDocx(bytes: Uint8Array, limits: ZipLimits): Promise<ExtractedText> {
  // mammoth inflates with jszip, which has no size cap; the guarded pass proves the sizes first.
  await readZipSafely(bytes, limits);
  try {
    const result = await mammoth.extractRawText({
      buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
    return { text: result.value };
  } catch (cause) {
    throw new ExtractError("MALFORMED", `the DOCX cannot be read (${messageOf(cause)})`, { cause });
  }
}
