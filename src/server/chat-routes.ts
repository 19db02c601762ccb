import type { Hono } from "hono";
import { type FetchHandler, openAIModelsResponse } from "../chat/index.js";

/** Where the chat protocols besides `/api/chat` are served. */
export const CHAT_PROTOCOL_PATHS = {
  openai: "/v1/chat/completions",
  openaiModels: "/v1/models",
  aiSdk: "/api/ai-sdk/chat",
} as const;

export interface ChatProtocolRoutes {
  /** `createOpenAIChatHandler`: `POST /v1/chat/completions`, with `GET /v1/models` beside it. */
  openai?: FetchHandler;
  /** `createAiSdkChatHandler`: `POST /api/ai-sdk/chat` for `useChat` front ends. */
  aiSdk?: FetchHandler;
}

/** Mounts the OpenAI-compatible and AI SDK chat routes that are given. */
export function mountChatProtocols(app: Hono, routes: ChatProtocolRoutes): void {
  const { openai, aiSdk } = routes;
  if (openai) {
    app.post(CHAT_PROTOCOL_PATHS.openai, (c) => openai(c.req.raw));
    app.get(CHAT_PROTOCOL_PATHS.openaiModels, () => openAIModelsResponse());
  }
  if (aiSdk) app.post(CHAT_PROTOCOL_PATHS.aiSdk, (c) => aiSdk(c.req.raw));
}
