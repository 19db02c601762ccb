import { convert } from "html-to-text";
import type { ExtractedText } from "../types.js";
import { decodeText } from "./decode-text.js";

const skip = { format: "skip" } as const;
const keepCase = { options: { uppercase: false } };

/** Page chrome that repeats on every Confluence/intranet page and would pollute every chunk. */
const chromeSelectors = [
  "nav",
  "header",
  "footer",
  "aside",
  "script",
  "style",
  "noscript",
  "template",
  "svg",
];

/**
 * Readable text of an HTML page (Confluence pages arrive as HTML): the main content when the page
 * marks it, navigation/scripts/styles dropped, links without their URLs, tables as rows.
 */
export function extractHtml(bytes: Uint8Array): ExtractedText {
  const text = convert(decodeText(bytes), {
    wordwrap: false,
    // No "body" here: a body match would swallow the main-content match inside it. With no
    // match the whole document is read (returnDomByDefault).
    baseElements: {
      selectors: ["main", "article", "[role=main]", "#main-content"],
      orderBy: "selectors",
      returnDomByDefault: true,
    },
    limits: { maxBaseElements: 1 },
    selectors: [
      ...chromeSelectors.map((selector) => ({ selector, ...skip })),
      { selector: "img", ...skip },
      { selector: "a", options: { ignoreHref: true } },
      ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, ...keepCase })),
      { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
    ],
  });
  return { text };
}
