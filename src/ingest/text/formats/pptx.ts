import type { ExtractedText, PageText } from "../types.js";
import { readZipSafely, type ZipLimits } from "./safe-zip.js";
import { readRelationships, walkXml } from "./xml-events.js";

/**
 * Text of a PPTX deck (also what Google Slides exports), one page per slide in presentation
 * order, each slide's paragraphs on their own lines.
 */
export async function extractPptx(bytes: Uint8Array, limits: ZipLimits): Promise<ExtractedText> {
  const parts = await readZipSafely(
    bytes,
    limits,
    (name) => name.startsWith("ppt/") && !name.startsWith("ppt/media/"),
  );
  const part = (name: string) => parts.get(name)?.toString("utf8");
  const relationships = readRelationships(part("ppt/_rels/presentation.xml.rels"), "ppt");
  const pages: PageText[] = slideOrder(part("ppt/presentation.xml"), relationships, [...parts.keys()]).map(
    (path, i) => ({ page: i + 1, text: slideText(part(path) ?? "") }),
  );
  return { text: pages.map((page) => page.text).join("\n\n"), pages };
}

/** Slide parts in the order the deck shows them; by file number when presentation.xml is missing. */
function slideOrder(presentation: string | undefined, relationships: Map<string, string>, names: string[]) {
  const ordered: string[] = [];
  if (presentation) {
    walkXml(presentation, {
      open(name, attributes) {
        const path = attributes["r:id"] && relationships.get(attributes["r:id"]);
        if (name === "sldId" && path) ordered.push(path);
      },
    });
  }
  if (ordered.length > 0) return ordered;
  const slideNumber = (name: string) => Number(name.match(/slide(\d+)\.xml$/)?.[1]);
  return names
    .filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name))
    .sort((a, b) => slideNumber(a) - slideNumber(b));
}

/** Paragraphs (`<a:p>`) of a slide, runs (`<a:t>`) joined, line breaks (`<a:br>`) kept. */
function slideText(xml: string): string {
  const paragraphs: string[] = [];
  let paragraph = "";
  let inText = false;
  walkXml(xml, {
    open(name) {
      if (name === "p") paragraph = "";
      else if (name === "t") inText = true;
      else if (name === "br") paragraph += "\n";
    },
    text(text) {
      if (inText) paragraph += text;
    },
    close(name) {
      if (name === "t") inText = false;
      else if (name === "p" && paragraph.trim()) paragraphs.push(paragraph.trim());
    },
  });
  return paragraphs.join("\n");
}
