import { ClearanceError } from "../errors.js";
import type { RetrievalReport } from "../retrieval/index.js";
import {
  type Identify,
  type Identity,
  normalizeIdentity,
  type RetrieverSource,
  singleTenant,
  UnknownTenantError,
} from "../tenants/index.js";
import { isAbstention } from "./abstention.js";
import {
  answerPieces,
  type ChatResponseBody,
  type ChatRetriever,
  DEFAULT_CHAT_K,
  type RetrievedSources,
  retrieveSources,
} from "./answer-question.js";
import type { Answerer } from "./answerer.js";
import { requestDeadline } from "./deadline.js";
import { errorResponse, failureResponse, unauthenticated } from "./error-response.js";
import { ChatConfigError, ChatTimeoutError } from "./errors.js";
import { ExtractiveAnswerer } from "./extractive-answerer.js";
import { readChatRequest } from "./request-body.js";
import { SSE_HEADERS, sseEvent } from "./sse.js";

export type ChatHandler = (request: Request) => Promise<Response>;

export interface ChatHandlerOptions {
  /** Single tenant: this retriever answers, and only identities of its tenant are served. */
  retriever?: ChatRetriever;
  /** Multi-tenant: each identity's tenant gets its own retriever (`TenantRetrievers`). */
  retrievers?: RetrieverSource<ChatRetriever>;
  /** Who is asking, `{ tenant, user }`, from a verified source. No identity or no tenant: 401. */
  identify: Identify;
  /** Writes the answer; default the offline `ExtractiveAnswerer`. */
  model?: Answerer;
  /** Chunks retrieved per question (default `DEFAULT_CHAT_K`, 10); a body's `k` overrides up to `maxK`. */
  k?: number;
  /** Largest `k` a body may ask for (default 20). */
  maxK?: number;
  /** Largest body accepted (default 64 KiB). */
  maxBodyBytes?: number;
  /** Deadline of retrieval plus answer (default 60 s). */
  timeoutMs?: number;
  /** Told about every failure answered with a 5xx, for logging. */
  onError?: (error: unknown) => void;
}

/**
 * A Web-standard chat endpoint (`(Request) => Promise<Response>`: Hono, Next.js route handlers,
 * Bun, Deno; `toNodeHandler` for Express). POST `{ question, stream?, k? }`; answers
 * `{ answer, citations, report, answerer }` as JSON, or as Server-Sent Events when `stream` is true or
 * the client accepts `text/event-stream`. No identity (or no tenant): 401; a tenant not served
 * here: 403. Permissions unavailable: 503, no answer. The answer and its report name the tenant.
 *
 * @example
 * const identify = jwtIdentity({ jwksUrl, issuer, audience: "clearance", tenantClaim: "org_id" });
 * const chat = createChatHandler({ retrievers, identify }); // or { retriever } for one tenant
 * app.post("/api/chat", (c) => chat(c.req.raw));
 */
export function createChatHandler(options: ChatHandlerOptions): ChatHandler {
  const settings = resolveSettings(options);
  const { identify } = options;
  const retrievers = options.retrievers ?? singleTenant(options.retriever!);
  const answerer = options.model ?? new ExtractiveAnswerer();
  const notify = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A broken logger must not turn an error response into a crash.
    }
  };

  return async (request: Request): Promise<Response> => {
    if (request.method !== "POST") {
      return errorResponse(405, "METHOD_NOT_ALLOWED", "use POST with a JSON body", {}, { allow: "POST" });
    }
    let identity: Identity | undefined;
    try {
      const given: unknown = await identify(request);
      if (typeof given === "string") {
        // An identify written for the email-only API: refuse (which tenant is unknown) and say why.
        notify(new ChatConfigError("identify returned a string: it must return { tenant, user }"));
      }
      identity = normalizeIdentity(given as Identity | undefined);
    } catch (error) {
      // Failing to verify credentials is a refusal, never a fallback to anonymous. Only our own
      // errors (a refused token) are worded for the caller; anything else stays in the log.
      if (error instanceof ClearanceError)
        return unauthenticated(`who is asking could not be verified: ${error.message}`);
      notify(error);
      return unauthenticated("who is asking could not be verified: sign in again, or try later");
    }
    if (!identity) return unauthenticated();
    let retriever: ChatRetriever;
    try {
      retriever = retrievers.forTenant(identity.tenant);
    } catch (error) {
      if (error instanceof UnknownTenantError) {
        return errorResponse(403, error.code, "your organisation is not served by this deployment");
      }
      notify(error);
      return failureResponse(error);
    }

    const body = await readChatRequest(request, settings);
    if (!body.ok) {
      const { status, code, message, issues } = body.problem;
      return errorResponse(status, code, message, issues ? { issues } : {});
    }
    const { question } = body.value;
    const streaming = body.value.stream ?? acceptsEventStream(request);
    const k = body.value.k ?? settings.k;

    const deadline = requestDeadline(request.signal, settings.timeoutMs);
    const fail = (error: unknown) => {
      const cause = deadline.signal.reason instanceof ChatTimeoutError ? deadline.signal.reason : error;
      deadline.dispose();
      const response = failureResponse(cause);
      if (response.status >= 500) notify(cause);
      return response;
    };

    // Retrieval finishes before any byte is sent, so a permission failure is always a clean 503.
    let retrieved: RetrievedSources;
    try {
      retrieved = await retrieveSources(retriever, question, {
        user: identity.user,
        signal: deadline.signal,
        k,
      });
    } catch (error) {
      return fail(error);
    }

    if (streaming) return streamResponse(answerer, question, retrieved, deadline, notify);
    const { tenant } = identity;
    try {
      let answer = "";
      for await (const piece of answerPieces(answerer, question, retrieved.sources, deadline.signal)) {
        answer += piece;
      }
      deadline.dispose();
      const payload: ChatResponseBody = {
        tenant,
        answer,
        answered: !isAbstention(answer),
        citations: retrieved.citations,
        report: { ...callerReport(retrieved.report), query: question },
        answerer: answerer.name,
      };
      return Response.json(payload, { headers: { "cache-control": "no-store" } });
    } catch (error) {
      return fail(error);
    }
  };
}

/**
 * SSE: `report`, one `citation` per source, `delta` pieces `{ text }`, then `done` `{ answer }`;
 * an answerer failure mid-way ends the stream with `error` `{ code, message }` instead of `done`.
 */
function streamResponse(
  answerer: Answerer,
  question: string,
  { sources, citations, report: retrievalReport }: RetrievedSources,
  deadline: { signal: AbortSignal; dispose(): void },
  onError: (error: unknown) => void,
): Response {
  async function* events(): AsyncGenerator<string> {
    yield sseEvent("report", callerReport(retrievalReport));
    for (const citation of citations) yield sseEvent("citation", citation);
    let answer = "";
    try {
      for await (const text of answerPieces(answerer, question, sources, deadline.signal)) {
        answer += text;
        yield sseEvent("delta", { text });
      }
      yield sseEvent("done", { answer, answered: !isAbstention(answer), answerer: answerer.name });
    } catch (error) {
      const cause = deadline.signal.reason instanceof ChatTimeoutError ? deadline.signal.reason : error;
      onError(cause);
      const { error: body } = (await failureResponse(cause).json()) as { error: object };
      yield sseEvent("error", body);
    }
  }
  const encoder = new TextEncoder();
  const iterator = events();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        deadline.dispose();
        controller.close();
      } else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      deadline.dispose();
      await iterator.return(undefined);
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}

/**
 * The report as the caller sees it: undecided objects are counted (`itemErrors`) but not named,
 * since their record ids may belong to documents the caller cannot read.
 */
function callerReport(report: RetrievalReport): RetrievalReport {
  return report.errors.length === 0 ? report : { ...report, errors: [] };
}

function acceptsEventStream(request: Request): boolean {
  return (request.headers.get("accept") ?? "").toLowerCase().includes("text/event-stream");
}

function resolveSettings(options: ChatHandlerOptions) {
  const single = options.retriever !== undefined;
  if (single === (options.retrievers !== undefined)) {
    throw new ChatConfigError(
      "createChatHandler needs exactly one of retriever (one tenant) and retrievers (a TenantRetrievers, one per tenant)",
    );
  }
  if (single && (typeof options.retriever?.retrieveWithReport !== "function" || !options.retriever.tenant)) {
    throw new ChatConfigError(
      "createChatHandler needs a retriever with tenant and retrieveWithReport (a PermissionAwareRetriever)",
    );
  }
  if (!single && typeof options.retrievers?.forTenant !== "function") {
    throw new ChatConfigError("createChatHandler retrievers needs forTenant(tenant) (a TenantRetrievers)");
  }
  if (typeof options.identify !== "function") {
    throw new ChatConfigError(
      "createChatHandler needs identify(request) → { tenant, user }: it decides what they may read",
    );
  }
  const maxK = options.maxK ?? 20;
  const timeoutMs = options.timeoutMs ?? 60_000;
  for (const [name, value] of [
    ["k", options.k],
    ["maxK", maxK],
    ["timeoutMs", timeoutMs],
    ["maxBodyBytes", options.maxBodyBytes],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new ChatConfigError(`createChatHandler option ${name} must be a positive integer (got ${value})`);
    }
  }
  return {
    k: options.k ?? Math.min(DEFAULT_CHAT_K, maxK),
    maxK,
    timeoutMs,
    maxBytes: options.maxBodyBytes ?? 64 * 1024,
  };
}
