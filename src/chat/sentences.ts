// Sentences as a reader would quote them: one per line of a list or table, split at sentence ends
// within prose, Markdown decoration removed.

const MAX_SENTENCE_CHARS = 320;

/** A short line with no closing punctuation reads as a title, not as a statement. */
export function isHeading(sentence: string): boolean {
  return !/[.!?:;)"'”]$/.test(sentence) && sentence.split(/\s+/).length < 10;
}

/** The quotable sentences of a chunk, in order. */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const line of unwrap(text.split(/\r?\n/))) {
    if (line === "") continue;
    for (const piece of line.split(/(?<=[.!?])\s+(?=["'(\p{Lu}\p{N}])/u)) {
      const sentence = piece.trim();
      if (sentence !== "") out.push(clip(sentence));
    }
  }
  return out;
}

/** Cleans lines, joining those a PDF or a text file wrapped mid-sentence ("full-year" / "revenue of…"). */
function unwrap(rawLines: string[]): string[] {
  const out: string[] = [];
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
      !/[.!?:;]$/.test(previous)
    ) {
      out[out.length - 1] = `${previous} ${line}`;
    } else out.push(line);
  }
  return out;
}

function cleanLine(line: string): string {
  return line
    .replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+•]\s+)/, "")
    .replace(/^\[[ xX]\]\s*/, "")
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
