import { ClearanceError } from "../errors.js";
import { untilAborted } from "../managed-sync/signals.js";
import type { RetrievalReport } from "../retrieval/index.js";
import {
  type Identify,
  type Identity,
  IdentityUnavailableError,
  normalizeIdentity,
  type RetrieverSource,
  singleTenant,
  UnknownTenantError,
} from "../tenants/index.js";
import { isAbstention } from "./abstention.js";
import {
  answerPieces,
  type ChatReport,
  type ChatRetriever,
  type PreparedTurn,
  prepareTurn,
} from "./answer-question.js";
import type { Answerer } from "./answerer.js";
import type { QueryCondenser } from "./condenser.js";
import { requestDeadline } from "./deadline.js";
import {
  bodyTimeout,
  CLIENT_CLOSED,
  causedByAbort,
  describeFailure,
  type Failure,
  unauthenticated,
} from "./error-response.js";
import { ChatConfigError, ChatTimeoutError } from "./errors.js";
import { ExtractiveAnswerer } from "./extractive-answerer.js";
import type { BodyResult } from "./json-body.js";
import { readableOf } from "./readable-of.js";
import type { ParsedChatRequest } from "./request-body.js";
import { RuleCondenser } from "./rule-condenser.js";
import { resolveSettings } from "./settings.js";
import type { Citation } from "./sources.js";

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
  /**
   * Turns a follow-up into a standalone search query; default the answerer's own (a chat model's),
   * else the offline `RuleCondenser`.
   */
  condenser?: QueryCondenser;
  /**
   * Chunks retrieved per question (default `DEFAULT_CHAT_K`, 10); a body's `k` overrides up to
   * `maxK`. Larger than `maxK`: refused when the handler is made (`CHAT_CONFIG_INVALID`).
   */
  k?: number;
  /** Largest `k` a body may ask for (default 20). */
  maxK?: number;
  /** Largest body accepted (default 256 KiB: a conversation is sent whole). */
  maxBodyBytes?: number;
  /**
   * Deadline of the whole request, from reading the body to the answer's last byte (default 60 s).
   * A body not received by then: 408; an answer not ready: 504.
   */
  timeoutMs?: number;
  /**
   * Told about every failure answered with a 5xx, for logging. Not about a client that went away
   * before its answer (answered 499 `CLIENT_CLOSED_REQUEST`, which nobody reads), unless what
   * failed was not the disconnect (a store failure met after the client left).
   */
  onError?: (error: unknown) => void;
}

/** A turn as a protocol shows it: who asked, what was searched, the sources and the report (caller's view). */
export interface TurnView {
  tenant: string;
  question: string;
  query: string;
  citations: Citation[];
  report: ChatReport;
  answerer: string;
}

/** A turn answered in full. */
export interface AnsweredTurn extends TurnView {
  answer: string;
  answered: boolean;
}

/** A turn whose answer is still to come, piece by piece. */
export interface StreamingTurn extends TurnView {
  pieces: AsyncIterable<string>;
  /** Logs an error met mid-stream and says how to tell the caller. */
  fail(error: unknown): Failure;
}

/** What a protocol's `read` is given: the largest `k` and body, and the request's deadline. */
export interface BodyLimits {
  maxK: number;
  maxBytes: number;
  signal?: AbortSignal;
}

/**
 * A chat protocol: how a request body reads, and how answers and errors are written. The
 * endpoint around it does the rest the same way for every protocol: identity, the tenant's
 * retriever, the deadline, condensing, retrieval before any byte is sent.
 */
export interface ChatProtocol<R extends ParsedChatRequest> {
  /** `signal` fires at the request's deadline (or when the client goes away): stop reading then. */
  read(request: Request, limits: BodyLimits): Promise<BodyResult<R>>;
  /** Whether to stream when the body does not say. */
  streamsByDefault(request: Request): boolean;
  error(failure: Failure): Response;
  /** The whole answer at once; absent for a protocol that always streams. */
  json?(turn: AnsweredTurn, request: R): Response;
  /** The streamed body's text, in order; a failure mid-way is written as the protocol's error event. */
  stream(turn: StreamingTurn, request: R): AsyncIterable<string>;
  streamHeaders: Record<string, string>;
}

/**
 * A Web-standard chat endpoint speaking `protocol`. No identity (or no tenant): 401; a tenant not
 * served here: 403; Permissions API unavailable: 503, no answer. Retrieval and permission checks
 * finish before the first byte, so a stream never starts for a request that cannot be answered.
 */
export function createChatEndpoint<R extends ParsedChatRequest>(
  protocol: ChatProtocol<R>,
  options: ChatHandlerOptions,
): ChatHandler {
  const settings = resolveSettings(options);
  const { identify } = options;
  const retrievers = options.retrievers ?? singleTenant(options.retriever!);
  const answerer: Answerer = options.model ?? new ExtractiveAnswerer();
  const condenser = options.condenser ?? answerer.condenser ?? new RuleCondenser();
  const notify = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A broken logger must not turn an error response into a crash.
    }
  };

  return async (request: Request): Promise<Response> => {
    if (request.method !== "POST") {
      return protocol.error({
        status: 405,
        code: "METHOD_NOT_ALLOWED",
        message: "use POST with a JSON body",
        headers: { allow: "POST" },
      });
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
      if (error instanceof IdentityUnavailableError) {
        // The provider is down, not the token wrong: "sign in again" would not help.
        notify(error);
        return protocol.error({
          status: 503,
          code: error.code,
          message: IdentityUnavailableError.forCaller,
          headers: { "retry-after": "5" },
        });
      }
      if (error instanceof ClearanceError) {
        return protocol.error(unauthenticated(`who is asking could not be verified: ${error.message}`));
      }
      notify(error);
      return protocol.error(
        unauthenticated("who is asking could not be verified: sign in again, or try later"),
      );
    }
    if (!identity) return protocol.error(unauthenticated());
    let retriever: ChatRetriever;
    try {
      retriever = retrievers.forTenant(identity.tenant);
    } catch (error) {
      if (error instanceof UnknownTenantError) {
        return protocol.error({
          status: 403,
          code: error.code,
          message: UnknownTenantError.forCaller,
        });
      }
      notify(error);
      return protocol.error(describeFailure(error));
    }

    // One deadline from the body's first byte to the answer's last: a body sent slowly holds the
    // request (and a socket) as long as a slow answer would, so it is bounded the same way.
    const deadline = requestDeadline(request.signal, settings.timeoutMs);
    const describe = (error: unknown): Failure => {
      const timedOut = deadline.signal.reason instanceof ChatTimeoutError;
      // The client went away: nobody reads this answer and nothing failed here, so it is neither
      // logged nor answered as a server error (a 503 would count as a Permissions API outage).
      if (!timedOut && request.signal.aborted) {
        // …but only a failure the disconnect caused is the client's: a store or Permissions API
        // failure met after it left (a proxy's timeout often ends the request because the server
        // was failing) is still the server's to log, though nobody reads the 499.
        if (!causedByAbort(error, request.signal.reason) && describeFailure(error).status >= 500)
          notify(error);
        return CLIENT_CLOSED;
      }
      const cause = timedOut ? deadline.signal.reason : error;
      const failure = describeFailure(cause);
      if (failure.status >= 500) notify(cause);
      return failure;
    };
    const fail = (error: unknown) => {
      deadline.dispose();
      return protocol.error(describe(error));
    };

    let body: BodyResult<R>;
    try {
      const limits = { maxK: settings.maxK, maxBytes: settings.maxBytes, signal: deadline.signal };
      // Raced as well: a protocol of one's own may not pass the signal on to its body reader.
      body = await untilAborted(protocol.read(request, limits), deadline.signal);
    } catch (error) {
      if (!(deadline.signal.reason instanceof ChatTimeoutError)) return fail(error);
      deadline.dispose();
      // The caller's upload was too slow, not the server: a 408, not logged.
      return protocol.error(bodyTimeout(settings.timeoutMs));
    }
    if (!body.ok) {
      deadline.dispose();
      return protocol.error(body.failure);
    }

    let turn: PreparedTurn;
    try {
      turn = await prepareTurn({
        retriever,
        user: identity.user,
        // identify verified the person as one of this tenant's (a signed claim, a session): the
        // tenant-wide record policy may allow on it.
        member: true,
        messages: body.value.messages,
        condenser,
        k: body.value.k ?? settings.k,
        signal: deadline.signal,
      });
    } catch (error) {
      return fail(error);
    }
    const view: TurnView = {
      tenant: identity.tenant,
      question: turn.question,
      query: turn.query,
      citations: turn.citations,
      report: callerReport(turn.report),
      answerer: answerer.name,
    };
    const pieces = answerPieces(answerer, turn.query, turn.sources, deadline.signal);

    if (!protocol.json || (body.value.stream ?? protocol.streamsByDefault(request))) {
      const events = protocol.stream({ ...view, pieces, fail: describe }, body.value);
      const stream = readableOf(events, deadline.dispose, describe);
      return new Response(stream, { headers: protocol.streamHeaders });
    }
    try {
      let answer = "";
      for await (const piece of pieces) answer += piece;
      deadline.dispose();
      return protocol.json({ ...view, answer, answered: !isAbstention(answer) }, body.value);
    } catch (error) {
      return fail(error);
    }
  };
}

/**
 * The report as the caller sees it: undecided objects are counted (`itemErrors`) but not named,
 * since their record ids may belong to documents the caller cannot read; syncs no record policy
 * names (`unnamedSyncs`) are the operator's to fix (`onUnnamedSync`, the server's log) and tell
 * that such records matched the question, so they are left out too.
 */
function callerReport<T extends RetrievalReport>(report: T): T {
  if (report.errors.length === 0 && report.unnamedSyncs === undefined) return report;
  // undefined, not deleted: left out of the JSON all the same.
  return { ...report, errors: [], unnamedSyncs: undefined };
}
