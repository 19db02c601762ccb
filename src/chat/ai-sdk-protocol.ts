import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isAbstention } from "./abstention.js";
import { type ChatMessage, conversationIssue } from "./conversation.js";
import {
  type ChatHandler,
  type ChatHandlerOptions,
  type ChatProtocol,
  createChatEndpoint,
} from "./endpoint.js";
import { errorResponse } from "./error-response.js";
import { type BodyResult, badRequest, readJsonBody, validateBody } from "./json-body.js";
import type { ParsedChatRequest } from "./request-body.js";
import type { Citation } from "./sources.js";
import { SSE_HEADERS } from "./sse.js";

// What `useChat` (DefaultChatTransport) posts: { id, messages: UIMessage[], trigger, messageId?, ...body }.
const partSchema = z.looseObject({ type: z.string(), text: z.string().optional() });
const uiMessageSchema = z.looseObject({
  role: z.enum(["system", "user", "assistant"], { error: "must be user, assistant or system" }),
  parts: z.array(partSchema, { error: "must be a list of parts" }),
});
const requestSchema = z.looseObject({
  messages: z.array(uiMessageSchema, { error: "must be a list of UI messages" }),
  k: z.number().int().positive().optional(),
});

/** Metadata on the assistant message: the standalone query at `start`, whether it answered at `finish`. */
export interface ClearanceMessageMetadata {
  tenant: string;
  query: string;
  answered?: boolean;
  answerer?: string;
}

const EXAMPLE = '{ "messages": [{ "role": "user", "parts": [{ "type": "text", "text": "…" }] }] }';

async function readUIRequest(
  request: Request,
  limits: { maxK: number; maxBytes: number; signal?: AbortSignal },
): Promise<BodyResult<ParsedChatRequest>> {
  const json = await readJsonBody(request, limits.maxBytes, EXAMPLE, limits.signal);
  if (!json.ok) return json;
  const body = validateBody(requestSchema, json.value, (issue) =>
    issue.path.length === 0 ? `must be a JSON object like ${EXAMPLE}` : issue.message,
  );
  if (!body.ok) return body;
  // Earlier answers' sources and data parts are the client's copy: only the text is conversation.
  const messages: ChatMessage[] = body.value.messages.map((m) => ({
    role: m.role,
    content: m.parts.flatMap((p) => (p.type === "text" && p.text ? [p.text] : [])).join("\n"),
  }));
  const issue = conversationIssue(messages);
  if (issue) return badRequest([issue]);
  const { k } = body.value;
  if (k !== undefined && k > limits.maxK)
    return badRequest([{ path: "k", message: `must be at most ${limits.maxK}` }]);
  return { ok: true, value: { messages, stream: true, k } };
}

/** One UI message stream part per citation: `source-url` with a link, `source-document` without. */
function sourcePart(citation: Citation): object {
  const sourceId = `${citation.n}`;
  const title = citation.page !== undefined ? `${citation.name}, page ${citation.page}` : citation.name;
  if (citation.url && /^https?:\/\//i.test(citation.url)) {
    return { type: "source-url", sourceId, url: citation.url, title };
  }
  return { type: "source-document", sourceId, mediaType: "text/plain", title, filename: citation.name };
}

/**
 * The Vercel AI SDK's UI message stream (v1), what `useChat` reads: `start` (metadata: tenant,
 * query), one source part per citation, a `data-clearance` part (citations and retrieval report),
 * the answer as `text-start` / `text-delta` / `text-end`, then `finish` (metadata: answered,
 * answerer) and `[DONE]`; a failure mid-way is an `error` part.
 */
export const aiSdkProtocol: ChatProtocol<ParsedChatRequest> = {
  read: readUIRequest,
  streamsByDefault: () => true,
  error: errorResponse,
  async *stream(turn) {
    const metadata: ClearanceMessageMetadata = { tenant: turn.tenant, query: turn.query };
    yield part({ type: "start", messageId: `msg-${randomUUID()}`, messageMetadata: metadata });
    for (const citation of turn.citations) yield part(sourcePart(citation));
    yield part({ type: "data-clearance", data: { citations: turn.citations, report: turn.report } });
    const id = `text-${randomUUID()}`;
    yield part({ type: "text-start", id });
    let answer = "";
    try {
      for await (const delta of turn.pieces) {
        answer += delta;
        yield part({ type: "text-delta", id, delta });
      }
    } catch (error) {
      const { code, message } = turn.fail(error);
      yield part({ type: "error", errorText: `${code}: ${message}` });
      yield "data: [DONE]\n\n";
      return;
    }
    yield part({ type: "text-end", id });
    const finished: ClearanceMessageMetadata = {
      ...metadata,
      answered: !isAbstention(answer),
      answerer: turn.answerer,
    };
    yield part({ type: "finish", finishReason: "stop", messageMetadata: finished });
    yield "data: [DONE]\n\n";
  },
  streamHeaders: { ...SSE_HEADERS, "x-vercel-ai-ui-message-stream": "v1" },
};

function part(value: object): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/**
 * A chat endpoint for Vercel AI SDK front ends (`useChat` with its default transport): posts UI
 * messages, answers with the UI message stream protocol, sources as source parts. Identity as for
 * `/api/chat` (the same `identify`); errors before the stream are `/api/chat`'s JSON errors.
 *
 * @example
 * app.post("/api/ai-sdk/chat", (c) => uiChat(c.req.raw));
 * // useChat({ transport: new DefaultChatTransport({ api: "/api/ai-sdk/chat", headers: { authorization } }) })
 */
export function createAiSdkChatHandler(options: ChatHandlerOptions): ChatHandler {
  return createChatEndpoint(aiSdkProtocol, options);
}
