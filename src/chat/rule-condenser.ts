import type { CondenseInput, QueryCondenser } from "./condenser.js";

// Openers that mark a question as a continuation of the last one: "and for sales?", "what about Q2?".
const LEAD_IN = /^(?:and|also|but|so|ok(?:ay)?|then|now|what about|how about|what of|same)\b[\s,]*/i;
const PREPOSITION = "for|in|at|of|on|to|from|about|with|by|during|among|across|without";
const STARTS_WITH_PREPOSITION = new RegExp(`^(${PREPOSITION})\\s+\\S`, "i");
const LAST_PREPOSITION = new RegExp(`\\s(?:${PREPOSITION})\\s(?!.*\\s(?:${PREPOSITION})\\s)`, "i");
// Words that point back at the previous question's subject.
const BACK_REFERENCE = /\b(?:it|its|they|them|their|that|those|this|these|he|she|him|her|there)\b/i;
const MONTH =
  /^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)$/i;

/** Kinds of words a follow-up swaps one for another: "Q3" → "Q2", "2025" → "2024", "March" → "April". */
const SHAPES: ((word: string) => boolean)[] = [
  (w) => /^q[1-4]$/i.test(w),
  (w) => /^h[12]$/i.test(w),
  (w) => /^(?:19|20)\d\d$/.test(w),
  (w) => MONTH.test(w),
];

/**
 * The offline condenser: a deterministic rule, no model. A question that reads as a follow-up (it
 * opens with "and", "what about", "same for"…, has at most three words, or points back with "it",
 * "they", "that"…) takes its subject from the previous question, itself made standalone first:
 *
 * - "for sales?" / "and in 2024?" replaces the previous question's last phrase with the same
 *   preposition: "What are the salary bands for engineers?" → "What are the salary bands for sales?"
 * - "and Q2?" swaps a word of the same kind (quarter, half, year, month): "What was Q3 revenue?" →
 *   "What was Q2 revenue?"
 * - "who approves it?" is searched with the previous question beside it:
 *   "who approves it? (about: How much discount can an account executive give without approval)"
 * - anything else short replaces the object of the previous question's last preposition, or is
 *   appended: "What was Q3 revenue?" + "and subscription revenue?" → "What was Q3 revenue, subscription revenue?"
 *
 * Any other question is searched as asked.
 *
 * @example
 * await new RuleCondenser().condense({ history: [{ role: "user", content: "What was Q3 revenue?" }], question: "and Q2?" })
 * // "What was Q2 revenue?"
 */
export class RuleCondenser implements QueryCondenser {
  readonly name = "rule";

  async condense({ history, question, signal }: CondenseInput): Promise<string> {
    signal?.throwIfAborted();
    let subject: string | undefined;
    for (const message of history) {
      if (message.role !== "user" || message.content.trim() === "") continue;
      subject = subject === undefined ? message.content.trim() : standalone(subject, message.content.trim());
    }
    return subject === undefined ? question : standalone(subject, question);
  }
}

/** `question` made standalone against the previous question (already standalone). */
function standalone(previous: string, question: string): string {
  let rest = stripEnd(question);
  let ledIn = false;
  for (let match = LEAD_IN.exec(rest); match && match[0] !== ""; match = LEAD_IN.exec(rest)) {
    rest = rest.slice(match[0].length);
    ledIn = true;
  }
  const words = rest.split(/\s+/).filter(Boolean);
  if (words.length === 0) return previous;
  const followUp = ledIn || words.length <= 3 || (BACK_REFERENCE.test(rest) && words.length <= 10);
  if (!followUp) return question;

  const base = stripEnd(previous);
  if (STARTS_WITH_PREPOSITION.test(rest)) {
    const preposition = rest.split(/\s+/)[0]!.toLowerCase();
    const at = base.toLowerCase().lastIndexOf(` ${preposition} `);
    if (at !== -1) return `${base.slice(0, at)} ${rest}?`;
    return `${base} ${rest}?`;
  }
  const swapped = swapSameShape(base, words);
  if (swapped !== undefined) return `${swapped}?`;
  if (BACK_REFERENCE.test(rest)) return `${question.trim()} (about: ${base})`;
  const tail = LAST_PREPOSITION.exec(base);
  if (tail) {
    const preposition = tail[0].trim();
    return `${base.slice(0, tail.index)} ${preposition} ${rest}?`;
  }
  return `${base}, ${rest}?`;
}

/** The previous question with each of its words replaced by a follow-up word of the same kind, if every follow-up word has one. */
function swapSameShape(base: string, words: string[]): string | undefined {
  let result = base;
  for (const word of words) {
    const shape = SHAPES.find((is) => is(word));
    if (!shape) return undefined;
    const target = result.split(/\s+/).find((w) => shape(w.replace(/[^\p{L}\p{N}]/gu, "")));
    if (!target) return undefined;
    result = result.replace(target, target.replace(/[\p{L}\p{N}]+/u, word));
  }
  return result;
}

function stripEnd(text: string): string {
  return text.trim().replace(/[\s?!.]+$/, "");
}
