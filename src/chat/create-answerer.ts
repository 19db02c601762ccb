import type { Answerer } from "./answerer.js";
import { ChatModelAnswerer } from "./chat-model-answerer.js";
import { ExtractiveAnswerer } from "./extractive-answerer.js";
import { LazyChatOpenAI } from "./lazy-chat-openai.js";

export interface CreateAnswererOptions {
  /** With a key, an OpenAI chat model writes answers; without one, the offline extractive answerer. */
  openaiApiKey?: string;
  /** OpenAI chat model (default `gpt-4o-mini`). */
  model?: string;
  /** OpenAI-compatible endpoint (a proxy or gateway). */
  baseURL?: string;
}

export const DEFAULT_CHAT_MODEL = "gpt-4o-mini";

/**
 * The answerer for a deployment: `ChatOpenAI` (loaded at the first answer) behind `ChatModelAnswerer`
 * when an API key is set, otherwise `ExtractiveAnswerer`, so everything keeps working offline.
 *
 * @example const answerer = createAnswerer({ openaiApiKey: process.env.OPENAI_API_KEY });
 */
export function createAnswerer(options: CreateAnswererOptions = {}): Answerer {
  if (!options.openaiApiKey) return new ExtractiveAnswerer();
  const model = options.model ?? DEFAULT_CHAT_MODEL;
  const chat = new LazyChatOpenAI({
    apiKey: options.openaiApiKey,
    model,
    temperature: 0,
    streaming: true,
    ...(options.baseURL ? { configuration: { baseURL: options.baseURL } } : {}),
  });
  return new ChatModelAnswerer(chat, { name: `openai:${model}` });
}
