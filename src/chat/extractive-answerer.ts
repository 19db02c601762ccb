import { NOTHING_FOUND_ANSWER } from "./abstention.js";
import type { Answerer, AnswerInput, AnswerSource } from "./answerer.js";
import { type AssessedSentence, assessSentences } from "./support.js";

export interface ExtractiveAnswererOptions {
  /** Sentences in the answer at most (default 4). */
  maxSentences?: number;
  /**
   * The relevance floor, 0..1 (default 0.5): when no readable sentence supports the question this
   * well, the answer is `NOTHING_FOUND_ANSWER` instead of the nearest text.
   */
  minSupport?: number;
}

/**
 * The offline answerer: quotes the sentences of the allowed chunks that best support the question,
 * each followed by its `[n]` citation, or says that nothing the asker may read answers it. No
 * model, no network; it can only repeat what the asker may read.
 *
 * @example
 * for await (const piece of new ExtractiveAnswerer().answer({ question, sources })) process.stdout.write(piece);
 */
export class ExtractiveAnswerer implements Answerer {
  readonly name = "extractive";
  readonly #maxSentences: number;
  readonly #minSupport: number;

  constructor(options: ExtractiveAnswererOptions = {}) {
    this.#maxSentences = options.maxSentences ?? 4;
    this.#minSupport = options.minSupport ?? 0.5;
  }

  async *answer({ question, sources, signal }: AnswerInput): AsyncIterable<string> {
    signal?.throwIfAborted();
    if (sources.length === 0) return;
    const picked = pickSentences(question, sources, this.#maxSentences, this.#minSupport);
    if (picked.length === 0) {
      yield NOTHING_FOUND_ANSWER;
      return;
    }
    for (const [i, { sentence, source }] of picked.entries()) {
      yield `${i === 0 ? "" : " "}${sentence} [${source.n}]`;
    }
  }
}

/**
 * The sentences that answer the question, in the order they appear; none when no sentence supports
 * it at least `minSupport` (these sources do not answer it). The best supported sentence decides
 * which document answers; the answer quotes that document's sentences that state the most of the
 * question (or sit under a heading that does), preferring steps for "how do we…?" and sentences
 * that carry what the question asks for (a figure, a time, a name).
 */
export function pickSentences(
  question: string,
  sources: readonly AnswerSource[],
  max: number,
  minSupport = 0.5,
): { sentence: string; source: AnswerSource }[] {
  const { kind, procedural, sentences } = assessSentences(question, sources);
  // The document named for the question holds the answer more often than one mentioning it.
  const best = maxBy(sentences, (s) => s.support + 0.5 * s.named);
  if (!best || best.support < minSupport) return [];
  const fromAnswer = sentences.filter(
    (s) =>
      s.source.recordId === best.source.recordId &&
      s.source.syncId === best.source.syncId &&
      (s.support > 0 || (kind === undefined && s.underHeading > 0)),
  );
  const relevance = (s: AssessedSentence) =>
    s.stated +
    0.6 * s.underHeading +
    (procedural && s.step ? 0.6 : 0) +
    (kind !== undefined && s.support > 0 ? 0.1 : 0) +
    // An answer often runs on into the next sentence ("Last drill: December 4. Total time 38 minutes.").
    (s.source === best.source && s.order === best.order + 1 ? 0.3 : 0) +
    (/\d/.test(s.sentence) ? 0.05 : 0) +
    0.1 * Math.min(1, s.sentence.split(/\s+/).length / 15);
  const picked: { sentence: AssessedSentence; key: string }[] = [];
  for (const s of [...fromAnswer].sort((a, b) => relevance(b) - relevance(a) || a.order - b.order)) {
    const key = s.sentence.toLowerCase().replace(/\W+/g, "");
    // No sentence twice, nor one already inside a list lead-in quoted with its first item.
    if (relevance(s) === 0 || picked.some((p) => p.key.includes(key) || key.includes(p.key))) continue;
    picked.push({ sentence: s, key });
    if (picked.length >= max) break;
  }
  return picked
    .map((p) => p.sentence)
    .sort((a, b) => a.order - b.order)
    .map(({ sentence, source }) => ({ sentence, source }));
}

function maxBy<T>(items: readonly T[], score: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const value = score(item);
    if (value > bestScore) {
      best = item;
      bestScore = value;
    }
  }
  return best;
}
