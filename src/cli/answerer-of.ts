import { type Answerer, createAnswerer } from "../chat/index.js";

/**
 * The answerer `query` and `serve` use: the extractive one offline (no key) or when asked for,
 * otherwise the chat model — `--chat-model` first, then the configured `chat.model`.
 */
export function answererOf(
  flags: { extractive?: boolean; chatModel?: string },
  openaiApiKey: string | undefined,
  configuredModel?: string,
): Answerer {
  if (flags.extractive || !openaiApiKey) return createAnswerer();
  const model = flags.chatModel ?? configuredModel;
  return createAnswerer({ openaiApiKey, ...(model ? { model } : {}) });
}
