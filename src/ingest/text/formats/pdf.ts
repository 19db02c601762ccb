import { PDFParse } from "pdf-parse";
import { ExtractError, messageOf } from "../errors.js";
import type { ExtractedText } from "../types.js";
import { holdToMaxChars } from "./pdf-text-budget.js";

/**
 * Text of a PDF, page by page (numbered from 1). Scanned PDFs have no text layer and come out
 * empty. Reading stops as soon as the text is certain to pass `maxChars` (`TOO_LONG`).
 */
export async function extractPdf(
  bytes: Uint8Array,
  { maxChars }: { maxChars: number },
): Promise<ExtractedText> {
  // pdf.js may transfer (detach) the buffer it is given; the caller's bytes stay usable.
  const parser = new PDFParse({ data: bytes.slice() });
  try {
    await holdToMaxChars(parser, maxChars);
    const result = await parser.getText({ pageJoiner: "" });
    const pages = result.pages.map((page) => ({ page: page.num, text: page.text }));
    return { text: pages.map((page) => page.text).join("\n\n"), pages };
  } catch (cause) {
    if (cause instanceof ExtractError) throw cause;
    const name = cause instanceof Error ? cause.name : "";
    if (name === "PasswordException") {
      throw new ExtractError("ENCRYPTED", "the PDF is password-protected: remove the password to index it", {
        cause,
      });
    }
    throw new ExtractError("MALFORMED", `the PDF cannot be read (${messageOf(cause)})`, { cause });
  } finally {
    await parser.destroy();
  }
}
