import type { ExtractedText } from "../types.js";
import { decodeText } from "./decode-text.js";

/** Plain text and Markdown: the text as written (Markdown syntax is readable and helps chunking). */
export function extractPlain(bytes: Uint8Array): ExtractedText {
  return { text: decodeText(bytes) };
}
