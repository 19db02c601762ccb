import { ClearanceError } from "../errors.js";
import type { RetrievalReport, RetrievalResult, RetrieveOptions } from "../retrieval/index.js";
import { isAbstention, NOTHING_FOUND_ANSWER } from "./abstention.js";
import type { Answerer, AnswerSource } from "./answerer.js";
import { keepKnownCitations } from "./citation-guard.js";
import type { QueryCondenser } from "./condenser.js";
import { type ChatMessage, splitConversation } from "./conversation.js";
import { ExtractiveAnswerer } from "./extractive-answerer.js";
import { RuleCondenser } from "./rule-condenser.js";
import { type Citation, toAnswerSources, toCitation } from "./sources.js";

/**
 * Chunks retrieved per question unless told otherwise: an answer reads more than a page of search
 * results shows, since the passage that answers is often not the best-ranked chunk of its document.
 */
export const DEFAULT_CHAT_K = 10;

/** What the chat wrapper needs of a retriever: `PermissionAwareRetriever` has it. */
export interface ChatRetriever {
  /** The Connected User whose chunks it searches. */
  readonly tenant: string;
  retrieveWithReport(query: string, options: RetrieveOptions): Promise<RetrievalResult>;
}

/** What retrieval did for one turn, and the query it searched. */
export interface ChatReport extends RetrievalReport {
  /** The query actually searched: the question, or a follow-up made standalone from the conversation. */
  query: string;
}

/** A finished answer: the text, its numbered citations, and what retrieval did. */
export interface ChatResponseBody {
  /** The tenant the answer comes from (the asker's). */
  tenant: string;
  answer: string;
  /** False when the answer says nothing the asker may read answers the question (`NOTHING_FOUND_ANSWER`). */
  answered: boolean;
  citations: Citation[];
  report: ChatReport;
  answerer: string;
}

/** The allowed chunks for one question, numbered, with their citations and the retrieval report. */
export interface RetrievedSources {
  sources: AnswerSource[];
  citations: Citation[];
  report: RetrievalReport;
}

/** One turn of a conversation, retrieved for the person asking and ready to be answered. */
export interface PreparedTurn {
  /** The last user message, as asked. */
  question: string;
  /** The standalone query searched (and answered). */
  query: string;
  sources: AnswerSource[];
  citations: Citation[];
  report: ChatReport;
}

/**
 * Retrieves for `user` and numbers the allowed chunks. A Permissions API failure throws, even when
 * the retriever was set to return nothing instead (`onPermissionError: "empty"`): no answer may
 * rest on an unchecked or empty-by-failure result.
 */
export async function retrieveSources(
  retriever: ChatRetriever,
  question: string,
  options: { user: string; member?: boolean; k?: number; signal?: AbortSignal },
): Promise<RetrievedSources> {
  const { documents, report } = await retriever.retrieveWithReport(question, options);
  const refused = permissionFailureOf(report);
  if (refused) throw refused;
  const sources = toAnswerSources(documents);
  return { sources, citations: sources.map(toCitation), report };
}

/**
 * The error a report's Permissions API failure stands for, when the retriever answered nothing
 * instead of throwing (`onPermissionError: "empty"`): an empty result then is no "nothing matches".
 */
export function permissionFailureOf(report: RetrievalReport): ClearanceError | undefined {
  const failure = report.permissionError;
  return failure ? new ClearanceError(failure.code, failure.message) : undefined;
}

/**
 * One turn: the conversation's last question made standalone (`condenser`, only when there is a
 * history), then retrieved for `user` now. Nothing from earlier turns is reused: their sources were
 * allowed for someone at some moment, and only this retrieval says what `user` may read now.
 */
export async function prepareTurn(options: {
  retriever: ChatRetriever;
  user: string;
  /** The identity path verified `user` as a member of the retriever's tenant (see `RetrieveOptions.member`). */
  member?: boolean;
  messages: readonly ChatMessage[];
  condenser: QueryCondenser;
  k: number;
  signal?: AbortSignal;
}): Promise<PreparedTurn> {
  const { history, question } = splitConversation(options.messages);
  const signal = options.signal ? { signal: options.signal } : {};
  const query = history.some((m) => m.role === "user")
    ? await options.condenser.condense({ history, question, ...signal })
    : question;
  const retrieved = await retrieveSources(options.retriever, query, {
    user: options.user,
    ...(options.member ? { member: true } : {}),
    k: options.k,
    ...signal,
  });
  return { question, query, ...retrieved, report: { ...retrieved.report, query } };
}

/**
 * The answer to `question` from `sources`, piece by piece: `NOTHING_FOUND_ANSWER` when there are no
 * sources (the answerer is not called), else the answerer's text with unknown citations dropped.
 *
 * @example
 * for await (const piece of answerPieces(answerer, question, sources, signal)) process.stdout.write(piece);
 */
export async function* answerPieces(
  answerer: Answerer,
  question: string,
  sources: AnswerSource[],
  signal?: AbortSignal,
): AsyncGenerator<string> {
  if (sources.length === 0) {
    yield NOTHING_FOUND_ANSWER;
    return;
  }
  const input = { question, sources, ...(signal ? { signal } : {}) };
  yield* keepKnownCitations(answerer.answer(input), sources.length);
}

/**
 * One question, or the next turn of a conversation, answered for one person from what they may
 * read (the chat endpoint without HTTP).
 *
 * @example
 * const { answer, citations } = await answerQuestion({ retriever, question: "Q3 revenue?", user: "daniel@northwind.test" });
 * const next = await answerQuestion({ retriever, user, messages: [...earlier, { role: "user", content: "and Q2?" }] });
 */
export async function answerQuestion(
  options: {
    retriever: ChatRetriever;
    user: string;
    /** `user` was verified as a member of the retriever's tenant (as the chat endpoint's identity is). */
    member?: boolean;
    model?: Answerer;
    /** Default: the answerer's own, else `RuleCondenser`. */
    condenser?: QueryCondenser;
    k?: number;
    signal?: AbortSignal;
  } & (
    | { question: string; messages?: undefined }
    | { messages: readonly ChatMessage[]; question?: undefined }
  ),
): Promise<ChatResponseBody> {
  const answerer: Answerer = options.model ?? new ExtractiveAnswerer();
  const turn = await prepareTurn({
    retriever: options.retriever,
    user: options.user,
    ...(options.member ? { member: true } : {}),
    messages: options.messages ?? [{ role: "user", content: options.question }],
    condenser: options.condenser ?? answerer.condenser ?? new RuleCondenser(),
    k: options.k ?? DEFAULT_CHAT_K,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let answer = "";
  for await (const piece of answerPieces(answerer, turn.query, turn.sources, options.signal)) answer += piece;
  return {
    tenant: options.retriever.tenant,
    answer,
    answered: !isAbstention(answer),
    citations: turn.citations,
    report: turn.report,
    answerer: answerer.name,
  };
}
