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
  for (const rawLine of text.split(/\r?\n/)) {
    const line = cleanLine(rawLine);
    if (line === "") continue;
    for (const piece of line.split(/(?<=[.!?])\s+(?=["'(\p{Lu}\p{N}])/u)) {
      const sentence = piece.trim();
      if (sentence !== "") out.push(clip(sentence));
    }
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
