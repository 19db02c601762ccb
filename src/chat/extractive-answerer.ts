import { tokenize } from "../embeddings/index.js";
import type { Answerer, AnswerInput, AnswerSource } from "./answerer.js";
import { isHeading, sentencesOf } from "./sentences.js";

export interface ExtractiveAnswererOptions {
  /** Sentences in the answer at most (default 3). */
  maxSentences?: number;
}

interface Candidate {
  sentence: string;
  source: AnswerSource;
  terms: Set<string>;
  order: number;
  /** The sentence after it in the same chunk (a list item after "…:"). */
  next: string | undefined;
  /** Share of the question's terms found in the source's name. */
  titleMatch: number;
}

/**
 * The offline answerer: quotes the sentences of the allowed chunks that best match the question,
 * each followed by its `[n]` citation. No model, no network; it can only repeat what the asker may read.
 *
 * @example
 * for await (const piece of new ExtractiveAnswerer().answer({ question, sources })) process.stdout.write(piece);
 */
export class ExtractiveAnswerer implements Answerer {
  readonly name = "extractive";
  readonly #maxSentences: number;

  constructor(options: ExtractiveAnswererOptions = {}) {
    this.#maxSentences = options.maxSentences ?? 3;
  }

  async *answer({ question, sources, signal }: AnswerInput): AsyncIterable<string> {
    signal?.throwIfAborted();
    if (sources.length === 0) return;
    const picked = pickSentences(question, sources, this.#maxSentences);
    if (picked.length === 0) {
      const first = sentencesOf(sources[0]!.text)[0];
      if (first === undefined) return;
      yield `Nothing you can read answers this directly; the closest passage: ${first} [${sources[0]!.n}]`;
      return;
    }
    for (const [i, candidate] of picked.entries()) {
      yield `${i === 0 ? "" : " "}${candidate.sentence} [${candidate.source.n}]`;
    }
  }
}

/** The best sentences, by question terms matched (rarer terms weigh more), best first, no repeats. */
export function pickSentences(
  question: string,
  sources: readonly AnswerSource[],
  max: number,
): { sentence: string; source: AnswerSource }[] {
  const wanted = new Set(tokenize(question));
  if (wanted.size === 0) return [];
  const candidates: Candidate[] = [];
  for (const source of sources) {
    const nameTerms = new Set(tokenize(source.name));
    const titleMatch = [...wanted].filter((t) => nameTerms.has(t)).length / wanted.size;
    const sentences = sentencesOf(source.text);
    sentences.forEach((sentence, i) => {
      const terms = new Set(tokenize(sentence));
      candidates.push({
        sentence,
        source,
        terms,
        order: candidates.length,
        next: sentences[i + 1],
        titleMatch,
      });
    });
  }
  const frequency = new Map<string, number>();
  for (const c of candidates)
    for (const term of c.terms) if (wanted.has(term)) frequency.set(term, (frequency.get(term) ?? 0) + 1);

  const scored = candidates
    .map((c) => ({ c, score: scoreOf(c, wanted, frequency, sources.length) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.c.order - b.c.order);

  const seen = new Set<string>();
  const picked: { sentence: string; source: AnswerSource }[] = [];
  for (const { c } of scored) {
    const key = c.sentence.toLowerCase().replace(/\W+/g, "");
    if (seen.has(key)) continue;
    seen.add(key);
    // "We propose a six-week plan:" says little without the item that follows it.
    const sentence = c.sentence.endsWith(":") && c.next ? `${c.sentence} ${c.next}` : c.sentence;
    picked.push({ sentence, source: c.source });
    if (picked.length >= max) break;
  }
  return picked;
}

function scoreOf(
  c: Candidate,
  wanted: Set<string>,
  frequency: Map<string, number>,
  sourceCount: number,
): number {
  let matched = 0;
  for (const term of wanted) {
    if (c.terms.has(term)) matched += 1 / Math.log2(1 + (frequency.get(term) ?? 1));
  }
  if (matched === 0) return 0;
  // Titles, short fragments and very long rows say little; prefer statements of ordinary length.
  const length = c.terms.size;
  const lengthFactor = isHeading(c.sentence) ? 0.3 : length < 4 ? 0.5 : length > 40 ? 40 / length : 1;
  // A document named for the question ("Parental leave policy") holds the answer more often than
  // one that mentions it in passing; figures are what most questions ask for.
  const titleBonus = 0.6 * c.titleMatch;
  const figureBonus = /\d/.test(c.sentence) ? 0.2 : 0;
  // The retriever's ranking breaks near-ties: earlier sources are the more relevant chunks.
  const rankBonus = 0.1 * (1 - (c.source.n - 1) / Math.max(1, sourceCount));
  return matched * lengthFactor + titleBonus + figureBonus + rankBonus;
}
