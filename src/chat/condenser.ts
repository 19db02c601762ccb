import type { ChatMessage } from "./conversation.js";

export interface CondenseInput {
  /** The conversation before the question. */
  history: readonly ChatMessage[];
  /** The question asked now, maybe a follow-up ("and for sales?"). */
  question: string;
  signal?: AbortSignal;
}

/**
 * Turns a follow-up into a standalone search query from the conversation, so that each turn is
 * searched on its own (and retrieved anew for the person asking). Implementations: `RuleCondenser`
 * (offline, deterministic) and `ChatModelCondenser` (LangChain's history-aware pattern).
 */
export interface QueryCondenser {
  /** Shown in the report, e.g. `rule` or `chat-model:gpt-4o-mini`. */
  readonly name: string;
  condense(input: CondenseInput): Promise<string>;
}
