import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { MissingDependencyError } from "../optional-dependency.js";
import type { Answerer, AnswerInput } from "./answerer.js";
import { ChatModelCondenser } from "./chat-model-condenser.js";
import { AnswerError } from "./errors.js";

export interface ChatModelAnswererOptions {
  /** Shown as the answerer's name; default `chat-model:<the model's type>`. */
  name?: string;
}

/**
 * Answers with any LangChain chat model (`ChatOpenAI`, or a fake in tests), streaming its tokens.
 * The prompt holds only the allowed sources, numbered, and asks for `[n]` citations.
 *
 * @example
 * const answerer = new ChatModelAnswerer(new ChatOpenAI({ model: "gpt-4o-mini", apiKey }));
 */
export class ChatModelAnswerer implements Answerer {
  readonly name: string;
  /** The same model condenses follow-ups (LangChain's history-aware pattern). */
  readonly condenser: ChatModelCondenser;
  readonly #model: BaseChatModel;

  constructor(model: BaseChatModel, options: ChatModelAnswererOptions = {}) {
    this.#model = model;
    this.name = options.name ?? `chat-model:${model._llmType()}`;
    this.condenser = new ChatModelCondenser(model, { name: this.name });
  }

  async *answer({ question, sources, signal }: AnswerInput): AsyncIterable<string> {
    signal?.throwIfAborted();
    // LangChain's messages are loaded at the first answer, not by `import "clearance"`.
    const { buildPrompt } = await import("./prompt.js");
    const messages = buildPrompt(question, sources);
    let stream: AsyncIterable<{ text: string }>;
    try {
      stream = await this.#model.stream(messages, signal ? { signal } : {});
    } catch (error) {
      throw wrap(error, signal);
    }
    try {
      for await (const chunk of stream) {
        const text = chunk.text;
        if (text) yield text;
      }
    } catch (error) {
      throw wrap(error, signal);
    }
  }
}

function wrap(error: unknown, signal: AbortSignal | undefined): unknown {
  // An abort is the caller's own doing: pass it through for the handler to recognise.
  if (signal?.aborted) return signal.reason ?? error;
  // Says which package to install: no model call happened, so no key or quota to check.
  if (error instanceof MissingDependencyError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new AnswerError(`the chat model failed (${detail}): check its API key and quota, then retry`, {
    cause: error,
  });
}
