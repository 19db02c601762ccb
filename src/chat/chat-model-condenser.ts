import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import type { Runnable } from "@langchain/core/runnables";
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
  readonly #chain: Runnable<{ chat_history: BaseMessage[]; input: string }, string>;

  constructor(model: BaseChatModel, options: { name?: string } = {}) {
    this.name = options.name ?? `chat-model:${model._llmType()}`;
    const prompt = ChatPromptTemplate.fromMessages([
      ["system", CONDENSE_PROMPT],
      new MessagesPlaceholder("chat_history"),
      ["human", "{input}"],
    ]);
    this.#chain = prompt.pipe(model).pipe(new StringOutputParser());
  }

  async condense({ history, question, signal }: CondenseInput): Promise<string> {
    signal?.throwIfAborted();
    // The conversation only: a client's own system messages are not instructions for this model.
    const chatHistory = history
      .filter((m) => m.role !== "system" && m.content.trim() !== "")
      .map((m) => (m.role === "assistant" ? new AIMessage(m.content) : new HumanMessage(m.content)));
    if (!chatHistory.some((m) => m.getType() === "human")) return question;
    let query: string;
    try {
      query = await this.#chain.invoke(
        { chat_history: chatHistory, input: question },
        signal ? { signal } : {},
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
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
