import type { QueryCondenser } from "./condenser.js";

/** One allowed chunk handed to an answerer, numbered the way the answer cites it (`[n]`). */
export interface AnswerSource {
  /** 1-based citation number, in retrieval rank order. */
  n: number;
  recordId: string;
  syncId: string;
  name: string;
  url: string | undefined;
  chunkIndex: number;
  page: number | undefined;
  score: number;
  text: string;
}

export interface AnswerInput {
  /** The question to answer, standalone (a follow-up already condensed with its conversation). */
  question: string;
  /** Only chunks the asker may read; an answerer must use nothing else. */
  sources: readonly AnswerSource[];
  signal?: AbortSignal;
}

/**
 * Writes an answer from the allowed sources, as a stream of text pieces; `[n]` in the text cites
 * `sources[n - 1]`. Implementations: `ExtractiveAnswerer` (offline) and `ChatModelAnswerer` (an LLM).
 */
export interface Answerer {
  /** Shown in responses and logs, e.g. `extractive` or `chat-model:gpt-4o-mini`. */
  readonly name: string;
  /** How this answerer's follow-ups become search queries, when it brings its own (a chat model does). */
  readonly condenser?: QueryCondenser;
  answer(input: AnswerInput): AsyncIterable<string>;
}
