// Public surface of the chat endpoint wrapper: other folders import from here only.
export type { Answerer, AnswerInput, AnswerSource } from "./answerer.js";
export { ChatModelAnswerer, type ChatModelAnswererOptions } from "./chat-model-answerer.js";
export { type CreateAnswererOptions, createAnswerer, DEFAULT_CHAT_MODEL } from "./create-answerer.js";
export { AnswerError, ChatConfigError, ChatTimeoutError } from "./errors.js";
export { ExtractiveAnswerer, type ExtractiveAnswererOptions } from "./extractive-answerer.js";
export {
  type ChatHandler,
  type ChatHandlerOptions,
  type ChatResponseBody,
  type ChatRetriever,
  createChatHandler,
  type Identify,
  NOTHING_FOUND_ANSWER,
} from "./handler.js";
export { IdentityError, type JwtIdentityOptions, jwtIdentity } from "./jwt-identity.js";
export { expressAdapter, type FetchHandler, type NodeHandler, toNodeHandler } from "./node-adapter.js";
export { type ChatRequest, chatRequestSchema } from "./request-body.js";
export { type Citation, excerptOf } from "./sources.js";
