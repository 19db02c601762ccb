import type { ExtractedText, PageText } from "../types.js";
import { readZipSafely, type ZipLimits } from "./safe-zip.js";
import { readRelationships, resolvePartPath, walkXml } from "./xml-events.js";

/**
 * Text of a PPTX deck (also what Google Slides exports), one page per slide in presentation
 * order, each slide's paragraphs on their own lines, followed by its speaker notes.
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
    (path, i) => {
      const notesPath = notesOf(path, part);
      const notes = notesPath ? paragraphs(part(notesPath) ?? "", notesPlaceholders) : "";
      const text = paragraphs(part(path) ?? "");
      return { page: i + 1, text: notes ? `${text}\nNotes: ${notes}` : text };
    },
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

/** The speaker-notes part linked from a slide's relationships, if it has one. */
function notesOf(slidePath: string, part: (name: string) => string | undefined): string | undefined {
  const folder = slidePath.slice(0, slidePath.lastIndexOf("/"));
  const file = slidePath.slice(folder.length + 1);
  let notes: string | undefined;
  walkXml(part(`${folder}/_rels/${file}.rels`) ?? "", {
    open(name, attributes) {
      if (name === "Relationship" && attributes.Type?.endsWith("/notesSlide") && attributes.Target) {
        notes = resolvePartPath(folder, attributes.Target);
      }
    },
  });
  return notes;
}

// A notes page repeats the slide number, date and header/footer as placeholders: not notes.
const notesPlaceholders = new Set(["sldNum", "dt", "hdr", "ftr", "sldImg"]);

/**
 * Paragraphs (`<a:p>`) of a slide or notes page, runs (`<a:t>`) joined, line breaks kept; shapes
 * whose placeholder type is in `skipPlaceholders` are left out. A table (`<a:tbl>`) comes out one
 * row per line, its cells' paragraphs joined and the cells separated by ` | `.
 */
function paragraphs(xml: string, skipPlaceholders: ReadonlySet<string> = new Set()): string {
  const found: string[] = [];
  let paragraph = "";
  let inText = false;
  let skipping = false;
  let row: string[] | undefined;
  let cell: string[] | undefined;
  walkXml(xml, {
    open(name, attributes) {
      if (name === "sp") skipping = false;
      else if (name === "ph" && skipPlaceholders.has(attributes.type ?? "")) skipping = true;
      else if (name === "p") paragraph = "";
      else if (name === "t") inText = true;
      else if (name === "br") paragraph += "\n";
      else if (name === "tr") row = [];
      else if (name === "tc") cell = [];
    },
    text(text) {
      if (inText && !skipping) paragraph += text;
    },
    close(name) {
      if (name === "t") inText = false;
      else if (name === "p" && paragraph.trim()) (cell ?? found).push(paragraph.trim());
      else if (name === "tc" && cell) {
        row?.push(cell.join(" ").replace(/\s*\n\s*/g, " "));
        cell = undefined;
      } else if (name === "tr" && row) {
        const cells = row.filter(Boolean);
        if (cells.length > 0) found.push(cells.join(" | "));
        row = undefined;
      }
    },
  });
  return found.join("\n");
}
