import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { backoffDelayMs, parseRetryAfter, type RetryPolicy } from "./backoff.js";
import {
  BodyIncompleteError,
  ManagedSyncAbortedError,
  ManagedSyncError,
  ManagedSyncHttpError,
  ManagedSyncNetworkError,
  ManagedSyncTimeoutError,
} from "./errors.js";
import type { TokenSource } from "./token.js";
import { parseJsonBody } from "./validate.js";

/**
 * Which failures may be retried. `safe`: reads (GETs, read-only permission POSTs): retried on 429,
 * 5xx, timeouts, network errors and cut-off bodies. `unprocessed`: writes: retried only when the
 * server cannot have acted on them (429, or a connection refused before anything was sent).
 */
export type RetryMode = "safe" | "unprocessed";

/** One call to the API. `endpoint` is the template used in errors, e.g. `GET /api/syncs/{syncId}`. */
export interface RequestSpec {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  endpoint: string;
  retry: RetryMode;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  accept?: string;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** Reported before each retry (for logs and metrics). */
export interface RetryEvent {
  endpoint: string;
  attempt: number;
  delayMs: number;
  error: ManagedSyncError;
}

export interface HttpCoreOptions {
  baseUrl: string;
  tokens: TokenSource;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof fetch;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  random?: () => number;
}

/** What a body reader gets besides the response: the signal that covers this attempt. */
export interface Attempt {
  signal: AbortSignal;
  timeoutMs: number;
  requestId: string | undefined;
}

// Connection errors where the request never reached the server, so even a write is safe to resend.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** The one place that talks HTTP: auth header, per-attempt timeout, retries, error typing, body validation. */
export class HttpCore {
  constructor(private readonly options: HttpCoreOptions) {}

  /** Sends the request and returns the validated JSON body. */
  json<T>(spec: RequestSpec, schema: z.ZodType<T>): Promise<T> {
    return this.execute(spec, async (response, attempt) => {
      const text = await response.text();
      return parseJsonBody(text, schema, {
        endpoint: spec.endpoint,
        status: response.status,
        requestId: attempt.requestId,
      });
    });
  }

  /** Sends the request and drains the body, whatever it is (for endpoints that document no body). */
  discard(spec: RequestSpec): Promise<void> {
    return this.execute(spec, async (response) => {
      await response.arrayBuffer();
    });
  }

  /**
   * Sends the request and hands the open response to `read`, inside the retry loop: whatever `read`
   * throws while the body is cut off or times out is retried like any other failure (for safe requests).
   */
  async execute<T>(
    spec: RequestSpec,
    read: (response: Response, attempt: Attempt) => Promise<T>,
  ): Promise<T> {
    const { retry } = this.options;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(spec, read);
      if (outcome.ok) return outcome.value;
      const failure = outcome.error;
      const retryAfterMs = failure instanceof ManagedSyncHttpError ? failure.retryAfterMs : undefined;
      if (!outcome.retryable || attempt >= retry.retries) throw failure;
      if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs) throw failure;
      const delayMs = backoffDelayMs(retry, attempt, retryAfterMs, this.options.random);
      this.options.onRetry?.({ endpoint: spec.endpoint, attempt: attempt + 1, delayMs, error: failure });
      try {
        await sleep(delayMs, undefined, { signal: spec.signal });
      } catch (cause) {
        throw aborted(spec, spec.signal?.reason ?? cause);
      }
    }
  }

  private async attempt<T>(
    spec: RequestSpec,
    read: (response: Response, attempt: Attempt) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: ManagedSyncError; retryable: boolean }> {
    if (spec.signal?.aborted) throw aborted(spec, spec.signal.reason);
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    const token = await this.options.tokens.token(signal);

    let response: Response;
    try {
      response = await this.options.fetch(this.url(spec), {
        method: spec.method,
        headers: this.headers(spec, token),
        body: spec.body === undefined ? null : JSON.stringify(spec.body),
        signal,
      });
    } catch (cause) {
      if (spec.signal?.aborted) throw aborted(spec, spec.signal.reason);
      if (timeout.aborted)
        return { ok: false, error: timedOut(spec, timeoutMs, cause), retryable: spec.retry === "safe" };
      const notSent = NOT_SENT_CODES.has(errorCode(cause) ?? "");
      return {
        ok: false,
        error: new ManagedSyncNetworkError(
          `${spec.endpoint} could not reach ${this.options.baseUrl} (${errorCode(cause) ?? describe(cause)}): check baseUrl and the network`,
          { endpoint: spec.endpoint, cause },
        ),
        retryable: spec.retry === "safe" || notSent,
      };
    }

    const requestId = response.headers.get("x-request-id") ?? undefined;
    if (!response.ok) {
      const error = await httpError(spec, response, requestId);
      const retryable =
        error.status === 429 || (spec.retry === "safe" && RETRYABLE_STATUSES.has(response.status));
      return { ok: false, error, retryable };
    }

    try {
      return { ok: true, value: await read(response, { signal, timeoutMs, requestId }) };
    } catch (cause) {
      if (spec.signal?.aborted) throw aborted(spec, spec.signal.reason);
      if (cause instanceof ManagedSyncError) {
        const retryable =
          spec.retry === "safe" &&
          (cause instanceof BodyIncompleteError || cause instanceof ManagedSyncTimeoutError);
        return { ok: false, error: cause, retryable };
      }
      if (timeout.aborted)
        return { ok: false, error: timedOut(spec, timeoutMs, cause), retryable: spec.retry === "safe" };
      return {
        ok: false,
        error: new BodyIncompleteError(
          `${spec.endpoint}: the connection dropped before the response body was complete (${describe(cause)}); retry the call`,
          { endpoint: spec.endpoint, status: response.status, requestId, cause },
        ),
        retryable: spec.retry === "safe",
      };
    }
  }

  private url(spec: RequestSpec): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, "") + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private headers(spec: RequestSpec, token: string): Record<string, string> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: spec.accept ?? "application/json",
    };
    if (spec.body !== undefined) headers["content-type"] = "application/json";
    return headers;
  }
}

/** Wraps a caller abort. */
export function aborted(spec: Pick<RequestSpec, "endpoint">, cause: unknown): ManagedSyncAbortedError {
  return new ManagedSyncAbortedError(`${spec.endpoint} was aborted by the caller's signal`, {
    endpoint: spec.endpoint,
    cause,
  });
}

/** Wraps a per-request timeout. */
export function timedOut(
  spec: Pick<RequestSpec, "endpoint">,
  timeoutMs: number,
  cause: unknown,
): ManagedSyncTimeoutError {
  return new ManagedSyncTimeoutError(
    `${spec.endpoint} did not complete within ${timeoutMs} ms: raise timeoutMs for large downloads, or retry later`,
    { endpoint: spec.endpoint, timeoutMs, cause },
  );
}

async function httpError(
  spec: RequestSpec,
  response: Response,
  requestId: string | undefined,
): Promise<ManagedSyncHttpError> {
  let serverMessage: string | undefined;
  try {
    serverMessage = extractMessage(await response.text());
  } catch {
    // The error body is a courtesy; the status alone is enough to report.
  }
  const status = response.status;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  const said = serverMessage ? `: ${serverMessage}` : "";
  const id = requestId ? ` [request id ${requestId}]` : "";
  return new ManagedSyncHttpError(
    `${spec.endpoint} failed with HTTP ${status}${said}${id}. ${hint(status)}`,
    {
      endpoint: spec.endpoint,
      status,
      requestId,
      ...(serverMessage === undefined ? {} : { serverMessage }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

function hint(status: number): string {
  if (status === 401)
    return "Check the Paragon user token: RS256-signed with the project's signing key, not expired, aud = useparagon.com/<projectId>";
  if (status === 403) return "The token's Connected User (sub) may not use this sync or credential";
  if (status === 404)
    return "The sync or record does not exist for this Connected User (the token's sub): check the ids";
  if (status === 429)
    return "Rate limited even after retries: slow down, or raise retry.retries / retry.maxRetryAfterMs";
  if (status >= 500) return "The Managed Sync service failed even after retries: try again later";
  return "The request was rejected: check the arguments";
}

function extractMessage(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  try {
    const json: unknown = JSON.parse(trimmed);
    if (json && typeof json === "object") {
      const record = json as Record<string, unknown>;
      for (const key of ["message", "error", "detail"]) {
        const value = record[key];
        if (typeof value === "string" && value !== "") return value.slice(0, 300);
      }
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return trimmed.slice(0, 300);
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // undici wraps socket errors: TypeError("fetch failed") → cause (maybe an AggregateError) → code.
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}
