import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk, ChatResult } from "@langchain/core/outputs";
import type { ChatOpenAI, ChatOpenAICallOptions, ChatOpenAIFields } from "@langchain/openai";
import { importOptional } from "../optional-dependency.js";

/**
 * `ChatOpenAI`, loaded at its first call: `@langchain/openai` is an optional package that takes
 * most of a second to import, which an app that never sets an OpenAI key should not pay for (nor
 * install). Generation and streaming are delegated as they are; callbacks run on this model.
 */
export class LazyChatOpenAI extends BaseChatModel<ChatOpenAICallOptions> {
  #inner: Promise<ChatOpenAI> | undefined;

  constructor(private readonly fields: ChatOpenAIFields) {
    super({});
  }

  _llmType(): string {
    return "openai";
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    return (await this.#load())._generate(messages, options, runManager);
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    yield* (await this.#load())._streamResponseChunks(messages, options, runManager);
  }

  #load(): Promise<ChatOpenAI> {
    this.#inner ??= importOptional("openai", () => import("@langchain/openai")).then(
      ({ ChatOpenAI }) => new ChatOpenAI(this.fields),
    );
    return this.#inner;
  }
}
