import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { MissingDependencyError } from "../optional-dependency.js";
import type { CondenseCall } from "./condense-chain.js";
import type { CondenseInput, QueryCondenser } from "./condenser.js";
import { AnswerError } from "./errors.js";

/** LangChain's contextualising prompt for history-aware retrieval, as its docs give it. */
export const CONDENSE_PROMPT =
  "Given a chat history and the latest user question which might reference context in the chat history, " +
  "formulate a standalone question which can be understood without the chat history. " +
  "Do NOT answer the question, just reformulate it if needed and otherwise return it as is.";

const MAX_QUERY_CHARS = 1000;

/**
 * Condenses a follow-up with a chat model: LangChain's history-aware retriever pattern (a
 * contextualising prompt, the chat history, the question), without the model when there is no
 * history. The model only writes a search query; the answer still comes from what the asker may
 * read for this turn.
 *
 * @example
 * const condenser = new ChatModelCondenser(new ChatOpenAI({ model: "gpt-4o-mini", apiKey }));
 */
export class ChatModelCondenser implements QueryCondenser {
  readonly name: string;
  readonly #model: BaseChatModel;
  #call: Promise<CondenseCall> | undefined;

  constructor(model: BaseChatModel, options: { name?: string } = {}) {
    this.name = options.name ?? `chat-model:${model._llmType()}`;
    this.#model = model;
  }

  async condense({ history, question, signal }: CondenseInput): Promise<string> {
    signal?.throwIfAborted();
    // The conversation only: a client's own system messages are not instructions for this model.
    const conversation = history.filter((m) => m.role !== "system" && m.content.trim() !== "");
    if (!conversation.some((m) => m.role !== "assistant")) return question;
    // LangChain's prompt machinery is loaded at the first follow-up (see condense-chain.ts), once
    // for calls made at once. Loading it and building the chain from the model can fail too, so
    // inside the try: such a failure is the model's, as it was when the constructor built the chain.
    this.#call ??= import("./condense-chain.js").then(({ condenseCall }) => condenseCall(this.#model));
    let query: string;
    try {
      const call = await this.#call;
      query = await call(conversation, question, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      // Says which package to install, as ChatModelAnswerer does: no model call happened.
      if (error instanceof MissingDependencyError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new AnswerError(`the chat model failed to condense the question (${detail})`, { cause: error });
    }
    const cleaned = query
      .trim()
      .replace(/^["'“]+|["'”]+$/g, "")
      .trim();
    return cleaned === "" ? question : cleaned.slice(0, MAX_QUERY_CHARS);
  }
}
