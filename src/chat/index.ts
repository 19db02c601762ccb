// Public surface of the chat endpoint wrapper: other folders import from here only.

export { isAbstention, NOTHING_FOUND_ANSWER } from "./abstention.js";
export { aiSdkProtocol, type ClearanceMessageMetadata, createAiSdkChatHandler } from "./ai-sdk-protocol.js";
export {
  answerQuestion,
  type ChatReport,
  type ChatResponseBody,
  type ChatRetriever,
  DEFAULT_CHAT_K,
  type PreparedTurn,
  permissionFailureOf,
  prepareTurn,
  type RetrievedSources,
  retrieveSources,
} from "./answer-question.js";
export type { Answerer, AnswerInput, AnswerSource } from "./answerer.js";
export { ChatModelAnswerer, type ChatModelAnswererOptions } from "./chat-model-answerer.js";
export { ChatModelCondenser, CONDENSE_PROMPT } from "./chat-model-condenser.js";
export type { CondenseInput, QueryCondenser } from "./condenser.js";
export { type ChatMessage, MAX_QUESTION_CHARS, splitConversation } from "./conversation.js";
export { type CreateAnswererOptions, createAnswerer, DEFAULT_CHAT_MODEL } from "./create-answerer.js";
export {
  type AnsweredTurn,
  type BodyLimits,
  type ChatHandler,
  type ChatHandlerOptions,
  type ChatProtocol,
  createChatEndpoint,
  type StreamingTurn,
  type TurnView,
} from "./endpoint.js";
export { isPermissionFailure } from "./error-response.js";
export { AnswerError, ChatConfigError, ChatTimeoutError } from "./errors.js";
export { ExtractiveAnswerer, type ExtractiveAnswererOptions } from "./extractive-answerer.js";
export { chatProtocol, createChatHandler } from "./handler.js";
export { linkCitations, sourcesFooter } from "./markdown-citations.js";
export { expressAdapter, type FetchHandler, type NodeHandler, toNodeHandler } from "./node-adapter.js";
export {
  type ClearanceCompletionExtra,
  createOpenAIChatHandler,
  OPENAI_MODEL_NAME,
  type OpenAIChatRequest,
  openAIModelsResponse,
  openAIProtocol,
} from "./openai-protocol.js";
export { type ChatRequest, chatRequestSchema, type ParsedChatRequest } from "./request-body.js";
export { RuleCondenser } from "./rule-condenser.js";
export { type Citation, excerptOf } from "./sources.js";
