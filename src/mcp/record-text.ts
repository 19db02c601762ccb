/** A stored chunk's text and the page it starts on (when its format has pages). */
export interface ChunkText {
  text: string;
  page?: number | undefined;
}

/**
 * Below this many characters a chunk's start matching the previous chunk's end is taken as
 * coincidence, not the splitter's overlap: leaving a short true overlap doubled is harmless,
 * cutting a coincidental match would drop words.
 */
const MIN_OVERLAP = 20;

/**
 * A record's full text from its chunks (in chunk order): ingest splits with an overlap (the end of
 * one chunk starts the next), which is cut here so the text reads once. Chunks of different pages
 * never overlap (pages are split apart) and are separated by a blank line.
 *
 * @example joinChunks([{ text: "one two three four" }, { text: "three four five" }]) // no cut: overlap < 20 chars
 */
export function joinChunks(chunks: readonly ChunkText[]): string {
  let joined = "";
  let previous: ChunkText | undefined;
  for (const chunk of chunks) {
    if (!previous) joined = chunk.text;
    else if (chunk.page !== previous.page) joined += `\n\n${chunk.text}`;
    else {
      const overlap = overlapOf(previous.text, chunk.text);
      joined += overlap > 0 ? chunk.text.slice(overlap) : `\n${chunk.text}`;
    }
    previous = chunk;
  }
  return joined;
}

/** The length of the longest start of `next` that ends `previous` (0 when shorter than MIN_OVERLAP). */
function overlapOf(previous: string, next: string): number {
  if (next.length < MIN_OVERLAP) return 0;
  const head = next.slice(0, MIN_OVERLAP);
  // The earliest place the head occurs is the longest overlap; an overlap is never longer than `next`.
  for (
    let at = previous.indexOf(head, Math.max(0, previous.length - next.length));
    at !== -1;
    at = previous.indexOf(head, at + 1)
  ) {
    if (next.startsWith(previous.slice(at))) return previous.length - at;
  }
  return 0;
}
