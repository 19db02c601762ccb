/** One message of a conversation, as chat front ends send it (system messages are kept, never searched). */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A conversation split at its last user message: what came before, and the question to answer now. */
export interface ConversationTurn {
  /** The messages before the question (earlier questions, earlier answers, system messages). */
  history: ChatMessage[];
  /** The last user message: what is asked now. */
  question: string;
}

/**
 * Splits a conversation at its last message, which must be the user's (validated at the edge).
 *
 * @example splitConversation([{ role: "user", content: "Q3 revenue?" }]) // { history: [], question: "Q3 revenue?" }
 */
export function splitConversation(messages: readonly ChatMessage[]): ConversationTurn {
  const last = messages.at(-1);
  if (last?.role !== "user") throw new TypeError("a conversation must end with a user message");
  return { history: messages.slice(0, -1), question: last.content.trim() };
}

/** The longest question, and the most messages, a conversation may hold. */
export const MAX_QUESTION_CHARS = 4000;
export const MAX_MESSAGES = 100;

/**
 * What is wrong with a conversation as a request to answer, or undefined: it must end with a
 * non-empty user message of at most 4,000 characters, and hold at most 100 messages.
 */
export function conversationIssue(
  messages: readonly ChatMessage[],
): { path: string; message: string } | undefined {
  if (messages.length === 0)
    return { path: "messages", message: "must hold at least one message: ask something" };
  if (messages.length > MAX_MESSAGES) {
    return { path: "messages", message: `holds over ${MAX_MESSAGES} messages: send the recent ones` };
  }
  const last = messages.length - 1;
  const question = messages[last]!;
  if (question.role !== "user") {
    return { path: `messages.${last}.role`, message: "the last message must be the user's question" };
  }
  const text = question.content.trim();
  if (text === "") return { path: `messages.${last}.content`, message: "must not be empty: ask something" };
  if (text.length > MAX_QUESTION_CHARS) {
    return { path: `messages.${last}.content`, message: "is too long: keep it under 4,000 characters" };
  }
  return undefined;
}
