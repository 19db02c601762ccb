import { ExtractError } from "../errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes of a text file as a string: UTF-16 when it starts with a byte-order mark, UTF-8 when it
 * decodes cleanly, Windows-1252 otherwise (old CSV exports). Binary content is refused.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  // A NUL byte never appears in UTF-8 or single-byte text: this is a binary file with a text name.
  if (bytes.subarray(0, 8192).includes(0)) {
    throw new ExtractError("MALFORMED", "the file holds binary data, not text: check its MIME type");
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}
