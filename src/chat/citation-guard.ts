/**
 * Passes an answer through, dropping any `[n]` that names no source (a model can invent `[7]` when
 * there are six), and any a removal would form. Text is held back only while it might still change.
 */
export async function* keepKnownCitations(
  pieces: AsyncIterable<string>,
  sourceCount: number,
): AsyncIterable<string> {
  let pending = "";
  for await (const piece of pieces) {
    pending += piece;
    const { ready, rest } = settle(pending, sourceCount);
    pending = rest;
    if (ready) yield ready;
  }
  if (pending) yield pending;
}

/**
 * Removes unknown citations, then keeps back what the next piece could still change: a tail of
 * brackets, digits and spaces from a `[` on (maybe a citation, or one once a later unknown one is
 * dropped from between), and trailing spaces (a dropped citation takes the space before it).
 */
function settle(text: string, sourceCount: number): { ready: string; rest: string } {
  const cleaned = withoutUnknown(text, sourceCount);
  let cut = /\[[[\d\s]*$/.exec(cleaned)?.index ?? cleaned.length;
  while (cut > 0 && /\s/.test(cleaned[cut - 1]!)) cut--;
  return { ready: cleaned.slice(0, cut), rest: cleaned.slice(cut) };
}

/**
 * Drops unknown citations one at a time, leftmost first, until none is left: removing `[12]` from
 * `[0[12]]` must not leave a `[0]` behind, and removing them one by one (each with the space before
 * it) gives the same text however the answer was split into pieces.
 */
function withoutUnknown(text: string, sourceCount: number): string {
  let current = text;
  for (;;) {
    let removed = false;
    const next = current.replace(/\s?\[(\d+)\]/g, (match, n: string) => {
      const k = Number(n);
      if (removed || (k >= 1 && k <= sourceCount)) return match;
      removed = true;
      return "";
    });
    if (!removed) return current;
    current = next;
  }
}
