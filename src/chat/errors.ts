import { ClearanceError } from "../errors.js";

/** The answerer (a chat model, usually) failed; the caller got no partial answer in its place. */
export class AnswerError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ANSWER_FAILED", message, options);
  }
}

/** `createChatHandler` or `createAnswerer` was given options it cannot use. */
export class ChatConfigError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CHAT_CONFIG_INVALID", message, options);
  }
}

/** The request took longer than the handler's `timeoutMs`; nothing partial was answered. */
export class ChatTimeoutError extends ClearanceError {
  constructor(timeoutMs: number) {
    super(
      "CHAT_TIMEOUT",
      `no answer within ${timeoutMs} ms: retry, or raise the handler's timeoutMs if this keeps happening`,
    );
  }
}
