import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isAbstention } from "./abstention.js";
import type { ChatMessage } from "./conversation.js";
import { conversationIssue } from "./conversation.js";
import {
  type ChatHandler,
  type ChatHandlerOptions,
  type ChatProtocol,
  createChatEndpoint,
  type TurnView,
} from "./endpoint.js";
import type { Failure } from "./error-response.js";
import { type BodyResult, badRequest, readJsonBody, validateBody } from "./json-body.js";
import { linkCitations, sourcesFooter } from "./markdown-citations.js";
import type { ParsedChatRequest } from "./request-body.js";
import { SSE_HEADERS } from "./sse.js";

/** The longest model name a request may give (answers echo it). */
const MAX_MODEL_NAME_CHARS = 256;

/** The model name answers carry when the request names none (any name is accepted). */
export const OPENAI_MODEL_NAME = "clearance";

// OpenAI clients send many fields (temperature, tools, user…): unknown ones are ignored. `user` in
// particular is never an identity: who asks comes from the bearer token, as for /api/chat.
const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const messageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"], {
    error: "must be system, developer, user, assistant or tool",
  }),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});
const requestSchema = z.looseObject({
  // Echoed in the answer and in every streamed chunk: unbounded, one request's name would be
  // written back hundreds of times (a body-sized name per chunk of a chat model's answer).
  model: z
    .string()
    .max(
      MAX_MODEL_NAME_CHARS,
      `must be at most ${MAX_MODEL_NAME_CHARS} characters: name a model, e.g. clearance`,
    )
    .optional(),
  messages: z.array(messageSchema, { error: "must be a list of messages" }),
  stream: z.boolean({ error: "must be true or false" }).nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  n: z.number().int().nullable().optional(),
});

export interface OpenAIChatRequest extends ParsedChatRequest {
  model: string;
  includeUsage: boolean;
}

/** What Clearance adds to a completion (and to the last streamed chunk): the documented extra field. */
export interface ClearanceCompletionExtra {
  tenant: string;
  /** False when the answer says nothing the asker may read answers the question. */
  answered: boolean;
  /** The standalone query searched. */
  query: string;
  citations: TurnView["citations"];
  report: TurnView["report"];
  answerer: string;
}

const EXAMPLE = '{ "model": "clearance", "messages": [{ "role": "user", "content": "…" }] }';

async function readOpenAIRequest(
  request: Request,
  limits: { maxBytes: number; signal?: AbortSignal },
): Promise<BodyResult<OpenAIChatRequest>> {
  const json = await readJsonBody(request, limits.maxBytes, EXAMPLE, limits.signal);
  if (!json.ok) return json;
  const body = validateBody(requestSchema, json.value, (issue) =>
    issue.path.length === 0 ? `must be a JSON object like ${EXAMPLE}` : issue.message,
  );
  if (!body.ok) return body;
  if (body.value.n != null && body.value.n !== 1) {
    return badRequest([{ path: "n", message: "only one choice is answered: send n: 1 or leave it out" }]);
  }
  const messages: ChatMessage[] = body.value.messages.flatMap((m) => {
    // Tool results belong to the client's own tools, not to the conversation we search.
    if (m.role === "tool" || m.role === "function") return [];
    const role = m.role === "developer" ? "system" : m.role;
    return [{ role, content: textOf(m.content) }];
  });
  const issue = conversationIssue(messages);
  if (issue) return badRequest([issue]);
  return {
    ok: true,
    value: {
      messages,
      stream: body.value.stream ?? false,
      k: undefined,
      model: body.value.model || OPENAI_MODEL_NAME,
      includeUsage: body.value.stream_options?.include_usage === true,
    },
  };
}

/** A message's text: a string, or its text parts (images and other parts are not searched). */
function textOf(content: string | { type: string; text?: string | undefined }[] | null | undefined): string {
  if (typeof content === "string") return content;
  return (content ?? []).flatMap((part) => (part.type === "text" && part.text ? [part.text] : [])).join("\n");
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`, with its `type` for the status. */
function openAIError({ status, code, message, headers }: Failure): Response {
  const type =
    status === 401
      ? "authentication_error"
      : status === 403
        ? "permission_error"
        : status === 404
          ? "not_found_error"
          : status < 500
            ? "invalid_request_error"
            : "server_error";
  return Response.json(
    { error: { message, type, param: null, code } },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

function extraOf(turn: TurnView, answer: string): ClearanceCompletionExtra {
  return {
    tenant: turn.tenant,
    answered: !isAbstention(answer),
    query: turn.query,
    citations: turn.citations,
    report: turn.report,
    answerer: turn.answerer,
  };
}

const NO_USAGE = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

/** OpenAI's chat completions format, answers with Markdown citation links and a `clearance` field. */
export const openAIProtocol: ChatProtocol<OpenAIChatRequest> = {
  read: readOpenAIRequest,
  streamsByDefault: () => false,
  error: openAIError,
  json(turn, request) {
    return Response.json(
      {
        id: `chatcmpl-${randomUUID()}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content:
                linkCitations(turn.answer, turn.citations) + sourcesFooter(turn.answer, turn.citations),
              refusal: null,
            },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: NO_USAGE,
        clearance: extraOf(turn, turn.answer),
      },
      { headers: { "cache-control": "no-store" } },
    );
  },
  async *stream(turn, request) {
    const base = {
      id: `chatcmpl-${randomUUID()}`,
      object: "chat.completion.chunk",
      created: Math.floor(Date.now() / 1000),
      model: request.model,
    };
    const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
      data({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra });
    yield chunk({ role: "assistant", content: "" });
    let answer = "";
    try {
      for await (const piece of turn.pieces) {
        answer += piece;
        yield chunk({ content: linkCitations(piece, turn.citations) });
      }
    } catch (error) {
      // The openai client raises this as an APIError; no [DONE] follows a failed stream.
      const { status, code, message } = turn.fail(error);
      yield data({
        error: { message, type: status < 500 ? "invalid_request_error" : "server_error", param: null, code },
      });
      return;
    }
    const footer = sourcesFooter(answer, turn.citations);
    if (footer) yield chunk({ content: footer });
    yield chunk({}, "stop", { clearance: extraOf(turn, answer) });
    if (request.includeUsage) yield data({ ...base, choices: [], usage: NO_USAGE });
    yield "data: [DONE]\n\n";
  },
  streamHeaders: SSE_HEADERS,
};

function data(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/**
 * An OpenAI-compatible `POST /v1/chat/completions` (non-streaming, and `stream: true` chunks in
 * OpenAI's format) for tools built on OpenAI's API (the `openai` client, Open WebUI, LibreChat).
 * Identity comes from the request exactly as for `/api/chat` (the same `identify`: a bearer JWT),
 * never from the body. The answer's `[n]` are Markdown links followed by a "Sources:" list;
 * `clearance` carries `{ tenant, answered, query, citations, report, answerer }`.
 *
 * @example
 * app.post("/v1/chat/completions", (c) => completions(c.req.raw));
 * // new OpenAI({ baseURL: "https://clearance.example.com/v1", apiKey: userJwt })
 */
export function createOpenAIChatHandler(options: ChatHandlerOptions): ChatHandler {
  return createChatEndpoint(openAIProtocol, options);
}

/** `GET /v1/models`: the one model this endpoint answers as (clients list models before chatting). */
export function openAIModelsResponse(): Response {
  return Response.json({
    object: "list",
    data: [{ id: OPENAI_MODEL_NAME, object: "model", created: 0, owned_by: "clearance" }],
  });
}
