// Sentences as a reader would quote them: one per line of a list or table, split at sentence ends
// within prose, Markdown decoration removed, each with the heading it sits under.

const MAX_SENTENCE_CHARS = 320;

/** A short line with no closing punctuation reads as a title, not as a statement. */
function isHeading(sentence: string): boolean {
  return !/[.!?:;)"'”]$/.test(sentence) && sentence.split(/\s+/).length < 10;
}

/** A title line: context for what follows, never an answer (a table row with figures is not one). */
export function isTitle(sentence: string): boolean {
  return isHeading(sentence) && !isTableRow(sentence);
}

/** A sentence of a chunk with the heading of the section it sits in (within the chunk), if any. */
export interface Passage {
  sentence: string;
  heading: string | undefined;
  /** It opens a numbered list item ("1. Run the Release workflow"), the usual shape of a step. */
  step: boolean;
}

/** The sentences of a chunk, in order, each with the last heading above it. */
export function passagesOf(text: string): Passage[] {
  const out: Passage[] = [];
  let heading: string | undefined;
  for (const { text: line, step } of unwrap(text.split(/\r?\n/))) {
    if (line === "") continue;
    const pieces = line
      .split(/(?<=[.!?])\s+(?=["'(\p{Lu}\p{N}])/u)
      .map((piece) => piece.trim())
      .filter((piece) => piece !== "");
    // "Series B timing. We agreed to…": a short lead-in titles the rest of its line.
    let lineHeading = heading;
    for (const [i, sentence] of pieces.entries()) {
      out.push({ sentence: clip(sentence), heading: lineHeading, step: step && i === 0 });
      if (i === 0 && pieces.length > 1 && isLeadIn(sentence)) lineHeading = sentence.replace(/[.:]$/, "");
    }
    if (isTitle(line)) heading = line;
  }
  return out;
}

/** A few words ending in "." or ":" that open a longer line ("Price lock.", "Series B timing."). */
function isLeadIn(sentence: string): boolean {
  return /[.:]$/.test(sentence) && sentence.split(/\s+/).length <= 5;
}

/** A line with several figures is a table row ("E1 Engineer $118,000 $142,000"), not a title. */
function isTableRow(line: string): boolean {
  return (line.match(/\d+/g) ?? []).length >= 2;
}

/** Cleans lines, joining those a PDF or a text file wrapped mid-sentence ("full-year" / "revenue of…"). */
function unwrap(rawLines: string[]): { text: string; step: boolean }[] {
  const out: { text: string; step: boolean }[] = [];
  for (const raw of rawLines) {
    const line = cleanLine(raw);
    const previous = out.at(-1);
    // List items, table rows and "label: value" records (CSV rows as text) start lines of their own.
    const startsItem = /^\s*(?:#|>|[-*+•]\s|\d+[.)]\s|\|)/.test(raw) || /^[\p{L}_ ]{1,30}: /u.test(line);
    if (
      previous &&
      line !== "" &&
      !startsItem &&
      /^[\p{Ll}\d$€£]/u.test(line) &&
      !/[.!?:;]$/.test(previous.text)
    ) {
      previous.text = `${previous.text} ${line}`;
    } else out.push({ text: line, step: /^\s*\d+[.)]\s/.test(raw) });
  }
  return out;
}

function cleanLine(line: string): string {
  return line
    .replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+•]\s+|\d+[.)]\s+)/, "")
    .replace(/^\s*\[[ xX]\]\s*/, "")
    .replace(/\*\*|__|`/g, "")
    .replace(/\s*\|\s*/g, " | ")
    .replace(/^\|\s*|\s*\|$/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function clip(sentence: string): string {
  if (sentence.length <= MAX_SENTENCE_CHARS) return sentence;
  const cut = sentence.slice(0, MAX_SENTENCE_CHARS);
  const lastSpace = cut.lastIndexOf(" ");
  return `${cut.slice(0, lastSpace > 200 ? lastSpace : MAX_SENTENCE_CHARS).trimEnd()}…`;
}
