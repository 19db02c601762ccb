import type { PDFParse } from "pdf-parse";
import { ExtractError } from "../errors.js";

/** What pdf.js hands out for a page's text, as far as this file needs it. */
interface TextContent {
  items: { str?: string }[];
  styles: Record<string, unknown>;
  lang?: string | null;
}

interface PdfPage {
  getTextContent(params?: object): Promise<TextContent>;
  streamTextContent(params?: object): ReadableStream<TextContent>;
}

interface PdfDocument {
  getPage(pageNumber: number): Promise<PdfPage>;
}

/**
 * Makes `parser` stop reading once the PDF's text is certain to pass `maxChars`, throwing
 * `TOO_LONG` then. pdf-parse asks pdf.js for a page's whole text at once, and pdf.js builds it in
 * the heap: a scan's OCR layer whose one content stream inflates to 50 MB (900,000 placed words,
 * 12 million characters) took the extraction worker past its 512 MB heap (`OUT_OF_MEMORY`, with
 * no limit to raise), or read for 30 s to be judged `TOO_LONG` at the end. Here each page's text
 * is pulled in pdf.js's chunks and counted as it comes, so such a file is judged after its first
 * `maxChars` characters. Only characters normalisation keeps are counted (not spaces, tabs, line
 * breaks, NULs), so a file this stops would have been `TOO_LONG` anyway.
 *
 * Reaches pdf-parse's document through its private `load()` (pdf-parse is pinned; the PDF tests
 * break if that changes). Without it, nothing is held back, and the length check after reading
 * still applies.
 */
export async function holdToMaxChars(parser: PDFParse, maxChars: number): Promise<void> {
  const load = (parser as unknown as { load?: () => Promise<PdfDocument> }).load;
  if (typeof load !== "function") return;
  const document = await load.call(parser);
  const getPage = document.getPage.bind(document);
  let kept = 0;
  document.getPage = async (pageNumber) => {
    const page = await getPage(pageNumber);
    page.getTextContent = async (params) => {
      const content: TextContent = { items: [], styles: Object.create(null), lang: null };
      const reader = page.streamTextContent(params).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return content;
        content.lang ??= value.lang ?? null;
        Object.assign(content.styles, value.styles);
        for (const item of value.items) {
          content.items.push(item);
          kept += keptLength(item.str);
        }
        if (kept > maxChars) {
          const tooLong = new ExtractError(
            "TOO_LONG",
            `the PDF has more than ${maxChars} characters of text (the limit), counted up to page ${pageNumber}: ` +
              "reading stopped there (raise maxChars to index it)",
          );
          // Not awaited: pdf.js settles a cancel once its parse of the page notices it.
          reader.cancel(tooLong).catch(() => undefined);
          throw tooLong;
        }
      }
    };
    return page;
  };
}

/** Characters of `text` that normalisation never drops (see read-text.ts). */
function keptLength(text: string | undefined): number {
  if (!text) return 0;
  let kept = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0) kept++;
  }
  return kept;
}
