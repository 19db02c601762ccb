import { z } from "zod";
import type { ChatMessage } from "./conversation.js";
import { conversationIssue, MAX_QUESTION_CHARS } from "./conversation.js";
import { type BodyResult, badRequest, readJsonBody, validateBody } from "./json-body.js";

const messageSchema = z
  .object({
    role: z.enum(["system", "user", "assistant"], { error: "must be user, assistant or system" }),
    content: z.string({ error: "must be a string" }),
  })
  .strict();

/** The JSON body of a `/api/chat` request: a `question`, or a conversation (`messages`), not both. */
export const chatRequestSchema = z
  .object({
    question: z
      .string({ error: "must be a string: the question to answer" })
      .trim()
      .min(1, "must not be empty: ask something")
      .max(MAX_QUESTION_CHARS, "is too long: keep it under 4,000 characters")
      .optional(),
    messages: z.array(messageSchema, { error: "must be a list of { role, content }" }).optional(),
    stream: z.boolean({ error: "must be true or false" }).optional(),
    k: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .positive("must be at least 1")
      .optional(),
  })
  .strict();

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** A chat request as every protocol hands it on: the conversation, whether to stream, and k. */
export interface ParsedChatRequest {
  messages: ChatMessage[];
  /** Undefined: the protocol's default (for `/api/chat`, the `Accept` header decides). */
  stream: boolean | undefined;
  k: number | undefined;
}

const EXAMPLE = '{ "question": "…" } or { "messages": [{ "role": "user", "content": "…" }] }';

/** Reads and validates a `/api/chat` body; `maxK` caps `k`, `maxBytes` the body size. */
export async function readChatRequest(
  request: Request,
  limits: { maxK: number; maxBytes: number; signal?: AbortSignal },
): Promise<BodyResult<ParsedChatRequest>> {
  const json = await readJsonBody(request, limits.maxBytes, EXAMPLE, limits.signal);
  if (!json.ok) return json;
  const body = validateBody(chatRequestSchema, json.value, (issue) =>
    issue.code === "unrecognized_keys"
      ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}: allowed are question, messages, stream, k`
      : issue.path.length === 0
        ? `must be a JSON object like ${EXAMPLE}`
        : issue.message,
  );
  if (!body.ok) return body;
  const { question, messages, stream, k } = body.value;
  if ((question === undefined) === (messages === undefined)) {
    return badRequest([
      { path: "question", message: "send either question or messages (a conversation), one of them" },
    ]);
  }
  const conversation = messages ?? [{ role: "user" as const, content: question! }];
  const issue = conversationIssue(conversation);
  if (issue) return badRequest([issue]);
  if (k !== undefined && k > limits.maxK)
    return badRequest([{ path: "k", message: `must be at most ${limits.maxK}` }]);
  return { ok: true, value: { messages: conversation, stream, k } };
}
