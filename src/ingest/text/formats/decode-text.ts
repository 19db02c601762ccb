import { ExtractError } from "../errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");

/**
 * Bytes of a text file as a string: UTF-16 when it starts with a byte-order mark, UTF-8 when it
 * decodes cleanly or nearly (a broken sequence becomes U+FFFD), Windows-1252 otherwise (old CSV
 * exports). Binary content is refused.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  // A NUL byte never appears in UTF-8 or single-byte text: this is a binary file with a text name,
  // wherever the NUL is (a binary file may open with text). NULs that only pad the end (a log
  // file preallocated and cut short) are not content: normalisation drops them.
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (bytes.subarray(0, end).includes(0)) {
    throw new ExtractError("MALFORMED", "the file holds binary data, not text: check its MIME type");
  }
  try {
    return utf8.decode(bytes);
  } catch {
    // UTF-8 text with a broken sequence (a file cut mid-character, a stray byte) reads as UTF-8
    // around it; read as Windows-1252, every other non-ASCII character would turn to mojibake.
    const lenient = lenientUtf8.decode(bytes);
    return mostlyUtf8(lenient) ? lenient : decodeWindows1252(bytes);
  }
}

/**
 * Whether text decoded leniently as UTF-8 has more well-formed non-ASCII characters than broken
 * sequences: in Windows-1252 text nearly every accented letter is a broken sequence.
 */
function mostlyUtf8(text: string): boolean {
  let broken = 0;
  let wellFormed = 0;
  for (const char of text) {
    if (char === "\uFFFD") broken++;
    else if (char > "\u007F") wellFormed++;
  }
  return wellFormed > broken;
}

// Node's TextDecoder treats "windows-1252" as Latin-1, so 0x80–0x9F (€, smart quotes, dashes)
// would come out as control characters; these are the code points Windows-1252 gives them.
const cp1252High =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString("latin1")
    .replace(/[\u0080-\u009f]/g, (c) => cp1252High[c.charCodeAt(0) - 0x80] ?? c);
}
