/**
 * What an answer says when nothing the asker may read answers the question: the extractive answerer
 * says exactly this, and a chat model is told to. Such an answer is reported as `answered: false`.
 */
export const NOTHING_FOUND_ANSWER =
  "Nothing you may read answers this. Someone with access to the right documents may be able to help.";

const OPENING = normalize(NOTHING_FOUND_ANSWER.slice(0, NOTHING_FOUND_ANSWER.indexOf(".")));

/**
 * Whether an answer abstains: it opens with "Nothing you may read answers this" (case, spacing and
 * punctuation aside), however the rest of it is worded.
 *
 * @example isAbstention("Nothing you may read answers this.") // true
 */
export function isAbstention(answer: string): boolean {
  return normalize(answer).startsWith(OPENING);
}

function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
