// A UTF-16 surrogate without its partner (JSON's `"\ud83d"`, a PDF's broken ToUnicode map, a field
// a provider cut mid-emoji): text holding one has no UTF-8 form, and the embedding API and Qdrant
// refuse the whole request it is in.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text as valid Unicode: each lone surrogate becomes U+FFFD, as a UTF-8 encoder would write it.
 *
 * @example wellFormed("cake \ud83d") // "cake \uFFFD"
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}
