import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { CONDENSE_PROMPT } from "./chat-model-condenser.js";
import type { ChatMessage } from "./conversation.js";

// The LangChain half of ChatModelCondenser, in its own module: LangChain's prompts, output parsers
// and messages take ~30 ms to import, which `import "clearance"` should not cost an app that never
// condenses a follow-up with a chat model (ChatModelCondenser loads this at its first use).

/** Asks the model for a standalone query: the conversation so far, then the question. */
export type CondenseCall = (
  conversation: readonly ChatMessage[],
  question: string,
  signal: AbortSignal | undefined,
) => Promise<string>;

/**
 * LangChain's history-aware retriever pattern as a chain: the contextualising prompt, the chat
 * history (the assistant's turns as AI messages, the others as human ones), the question.
 */
export function condenseCall(model: BaseChatModel): CondenseCall {
  const prompt = ChatPromptTemplate.fromMessages([
    ["system", CONDENSE_PROMPT],
    new MessagesPlaceholder("chat_history"),
    ["human", "{input}"],
  ]);
  const chain = prompt.pipe(model).pipe(new StringOutputParser());
  return (conversation, question, signal) =>
    chain.invoke(
      {
        chat_history: conversation.map((m) =>
          m.role === "assistant" ? new AIMessage(m.content) : new HumanMessage(m.content),
        ),
        input: question,
      },
      signal ? { signal } : {},
    );
}
