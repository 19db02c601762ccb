import { isAbstention } from "./abstention.js";
import type { ChatResponseBody } from "./answer-question.js";
import {
  type ChatHandler,
  type ChatHandlerOptions,
  type ChatProtocol,
  createChatEndpoint,
} from "./endpoint.js";
import { errorResponse } from "./error-response.js";
import { type ParsedChatRequest, readChatRequest } from "./request-body.js";
import { SSE_HEADERS, sseEvent } from "./sse.js";

/**
 * The `/api/chat` protocol: `{ question }` or `{ messages }` in; `{ tenant, answer, answered,
 * citations, report, answerer }` out as JSON, or as Server-Sent Events `report`, one `citation` per
 * source, `delta` `{ text }` pieces, then `done` `{ answer, answered, answerer }` (or `error`
 * `{ code, message }` when the answerer fails mid-way).
 */
export const chatProtocol: ChatProtocol<ParsedChatRequest> = {
  read: readChatRequest,
  streamsByDefault: (request) =>
    (request.headers.get("accept") ?? "").toLowerCase().includes("text/event-stream"),
  error: errorResponse,
  json(turn) {
    const body: ChatResponseBody = {
      tenant: turn.tenant,
      answer: turn.answer,
      answered: turn.answered,
      citations: turn.citations,
      report: turn.report,
      answerer: turn.answerer,
    };
    return Response.json(body, { headers: { "cache-control": "no-store" } });
  },
  async *stream(turn) {
    yield sseEvent("report", turn.report);
    for (const citation of turn.citations) yield sseEvent("citation", citation);
    let answer = "";
    try {
      for await (const text of turn.pieces) {
        answer += text;
        yield sseEvent("delta", { text });
      }
      yield sseEvent("done", { answer, answered: !isAbstention(answer), answerer: turn.answerer });
    } catch (error) {
      const { code, message } = turn.fail(error);
      yield sseEvent("error", { code, message });
    }
  },
  streamHeaders: SSE_HEADERS,
};

/**
 * A Web-standard chat endpoint (`(Request) => Promise<Response>`: Hono, Next.js route handlers,
 * Bun, Deno; `toNodeHandler` for Express). POST `{ question }` or a conversation `{ messages:
 * [{ role, content }] }` (a follow-up is condensed into a standalone query), with `stream?` and
 * `k?`; answers `{ tenant, answer, answered, citations, report, answerer }` as JSON, or as
 * Server-Sent Events when `stream` is true or the client accepts `text/event-stream`. No identity
 * (or no tenant): 401; a tenant not served here: 403. Permissions unavailable: 503, no answer.
 *
 * @example
 * const identify = jwtIdentity({ jwksUrl, issuer, audience: "clearance", tenantClaim: "org_id" });
 * const chat = createChatHandler({ retrievers, identify }); // or { retriever } for one tenant
 * app.post("/api/chat", (c) => chat(c.req.raw));
 */
export function createChatHandler(options: ChatHandlerOptions): ChatHandler {
  return createChatEndpoint(chatProtocol, options);
}
