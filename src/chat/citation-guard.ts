/**
 * Passes an answer through, dropping any `[n]` that names no source (a model can invent `[7]` when
 * there are six). Text is held back only while a `[…` might still become a citation.
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
 * Everything before the last `[` that could still open a citation, and before trailing spaces (a
 * dropped citation takes the space before it), is final.
 */
function settle(text: string, sourceCount: number): { ready: string; rest: string } {
  const open = text.lastIndexOf("[");
  let cut = open !== -1 && /^\[\d{0,4}$/.test(text.slice(open)) ? open : text.length;
  while (cut > 0 && /\s/.test(text[cut - 1]!)) cut--;
  const ready = text.slice(0, cut).replace(/\s?\[(\d+)\]/g, (match, n: string) => {
    const k = Number(n);
    return k >= 1 && k <= sourceCount ? match : "";
  });
  return { ready, rest: text.slice(cut) };
}
