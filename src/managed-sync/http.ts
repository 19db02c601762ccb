import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { backoffDelayMs, type RetryPolicy } from "./backoff.js";
import { MAX_JSON_BODY_BYTES, readCappedText, readJsonText } from "./capped-body.js";
import {
  BodyIncompleteError,
  ManagedSyncError,
  ManagedSyncHttpError,
  ManagedSyncNetworkError,
  ManagedSyncTimeoutError,
} from "./errors.js";
import { aborted, describeCause, errorCode, httpError, timedOut } from "./http-errors.js";
import { Deadline } from "./signals.js";
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

/** What the HTTP core is built from; `ManagedSyncClient` fills it from its validated options. */
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
  /**
   * For readers that return a live body: keeps the attempt's timeout and signal link after `read`
   * returns, and gives back the function to call once the body is finished.
   */
  keepOpen(): () => void;
}

// Connection errors where the request never reached the server, so even a write is safe to resend.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ManagedSyncError; retryable: boolean };

/** The one place that talks HTTP: auth header, per-attempt timeout, retries, error typing, body validation. */
export class HttpCore {
  constructor(private readonly options: HttpCoreOptions) {}

  /** Sends the request and returns the validated JSON body. */
  json<T>(spec: RequestSpec, schema: z.ZodType<T>): Promise<T> {
    return this.execute(spec, async (response, attempt) => {
      const text = await readJsonText(response, { endpoint: spec.endpoint, requestId: attempt.requestId });
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
      // Read to the end so the connection can be reused, but not past what a JSON body may be.
      await readCappedText(response, MAX_JSON_BODY_BYTES);
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
  ): Promise<Outcome<T>> {
    if (spec.signal?.aborted) throw aborted(spec, spec.signal.reason);
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs;
    const deadline = new Deadline(spec.signal, timeoutMs);
    let handedOver = false;
    const keepOpen = () => {
      handedOver = true;
      return () => deadline.dispose();
    };
    try {
      const outcome = await this.send(spec, read, deadline, timeoutMs, keepOpen);
      // A reader that returned a live body owns the deadline now; everything else is finished.
      if (!(outcome.ok && handedOver)) deadline.dispose();
      return outcome;
    } catch (error) {
      deadline.dispose();
      throw error;
    }
  }

  private async send<T>(
    spec: RequestSpec,
    read: (response: Response, attempt: Attempt) => Promise<T>,
    deadline: Deadline,
    timeoutMs: number,
    keepOpen: () => () => void,
  ): Promise<Outcome<T>> {
    const signal = deadline.signal;
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
      if (deadline.timedOut)
        return { ok: false, error: timedOut(spec, timeoutMs, cause), retryable: spec.retry === "safe" };
      const notSent = NOT_SENT_CODES.has(errorCode(cause) ?? "");
      return {
        ok: false,
        error: new ManagedSyncNetworkError(
          `${spec.endpoint} could not reach ${this.options.baseUrl} (${errorCode(cause) ?? describeCause(cause)}): check the URL (PARAGON_SYNC_URL, or the client's baseUrl) and the network`,
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
      return { ok: true, value: await read(response, { signal, timeoutMs, requestId, keepOpen }) };
    } catch (cause) {
      if (spec.signal?.aborted) throw aborted(spec, spec.signal.reason);
      if (cause instanceof ManagedSyncError) {
        const retryable =
          spec.retry === "safe" &&
          (cause instanceof BodyIncompleteError || cause instanceof ManagedSyncTimeoutError);
        return { ok: false, error: cause, retryable };
      }
      if (deadline.timedOut)
        return { ok: false, error: timedOut(spec, timeoutMs, cause), retryable: spec.retry === "safe" };
      return {
        ok: false,
        error: new BodyIncompleteError(
          `${spec.endpoint}: the connection dropped before the response body was complete (${describeCause(cause)}); retry the call`,
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
