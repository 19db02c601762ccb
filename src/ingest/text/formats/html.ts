import { compile } from "html-to-text";
import type { ExtractedText } from "../types.js";
import { decodeText } from "./decode-text.js";
import { formatTableRows } from "./html-table.js";

const skip = { format: "skip" } as const;
const keepCase = { options: { uppercase: false } };

/**
 * Page chrome that repeats on every Confluence/intranet page and would pollute every chunk. Not
 * `aside`: Sphinx and others put footnotes, notes and sidebars of the content itself there.
 */
const chromeSelectors = [
  "nav",
  "header",
  "footer",
  "[role=navigation]",
  "[role=banner]",
  "[role=contentinfo]",
  "script",
  "style",
  "noscript",
  "template",
  "svg",
];

/**
 * HTML to readable text: the main content when the page marks it, chrome dropped, links without
 * their URLs, tables one row per line (`cell | cell`). Compiled once; also reads what mammoth
 * makes of a DOCX.
 */
export const htmlToText = compile({
  wordwrap: false,
  // No "body" here: a body match would swallow the main-content match inside it. With no
  // match the whole document is read (returnDomByDefault). Every outermost match is read, in page
  // order (a match is not searched inside, so an article within <main> is read once): a page of
  // several <article>s kept only its first before, and the rest of the page's content was lost.
  baseElements: {
    selectors: ["main", "article", "[role=main]", "#main-content"],
    orderBy: "occurrence",
    returnDomByDefault: true,
  },
  // No cut at html-to-text's default 16 MB, which it only warns about: a page (or a DOCX's HTML)
  // past it lost its tail silently. The file is held to maxFileBytes, and the worker's deadline
  // and heap bound the parse.
  limits: { maxBaseElements: undefined, maxInputLength: Number.POSITIVE_INFINITY },
  formatters: { tableRows: formatTableRows },
  selectors: [
    ...chromeSelectors.map((selector) => ({ selector, ...skip })),
    { selector: "img", ...skip },
    { selector: "a", options: { ignoreHref: true } },
    ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, ...keepCase })),
    { selector: "table", format: "tableRows" },
  ],
});

/** Readable text of an HTML page (Confluence pages arrive as HTML). */
export function extractHtml(bytes: Uint8Array): ExtractedText {
  return { text: htmlToText(decodeText(bytes)) };
}
