import { parseRetryAfter } from "./backoff.js";
import { MAX_ERROR_BODY_BYTES, readCappedText } from "./capped-body.js";
import { ManagedSyncAbortedError, ManagedSyncHttpError, ManagedSyncTimeoutError } from "./errors.js";
import type { RequestSpec } from "./http.js";

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

/** Builds the typed error for a non-2xx response: code from the status, server message, Retry-After, request id, a hint. */
export async function httpError(
  spec: Pick<RequestSpec, "endpoint">,
  response: Response,
  requestId: string | undefined,
): Promise<ManagedSyncHttpError> {
  let serverMessage: string | undefined;
  let serverCode: string | undefined;
  try {
    // Only the start is read: a message is kept to 300 characters, and a huge error body is not
    // worth buffering (its JSON, cut off, is then read as plain text).
    const body = await readCappedText(response, MAX_ERROR_BODY_BYTES);
    ({ message: serverMessage, code: serverCode } = readErrorBody(body.text));
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
      ...(serverCode === undefined ? {} : { serverCode }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

function hint(status: number): string {
  if (status === 401)
    return "Check the Paragon user token (PARAGON_USER_TOKEN, or the one minted from PARAGON_SIGNING_KEY and PARAGON_PROJECT_ID): RS256-signed with the project's signing key, not expired, aud = useparagon.com/<projectId>";
  if (status === 403) return "The token's Connected User (sub) may not use this sync or credential";
  if (status === 404)
    return "The sync or record does not exist for this Connected User (the token's sub, CLEARANCE_TENANT): check the ids";
  if (status === 429)
    return "Rate limited even after retries: slow down, or raise retry.retries / retry.maxRetryAfterMs";
  if (status >= 500)
    return "The Managed Sync service failed: try again later (reads are retried automatically; writes are not, since the server may have acted on them)";
  return "The request was rejected: check the arguments";
}

/** The server's message and, when its JSON body has one, its error `code`. */
function readErrorBody(text: string): { message: string | undefined; code: string | undefined } {
  const trimmed = text.trim();
  if (trimmed === "") return { message: undefined, code: undefined };
  try {
    const json: unknown = JSON.parse(trimmed);
    if (json && typeof json === "object") {
      const record = json as Record<string, unknown>;
      const code = typeof record.code === "string" && record.code !== "" ? record.code : undefined;
      for (const key of ["message", "error", "detail"]) {
        const value = record[key];
        if (typeof value === "string" && value !== "") return { message: value.slice(0, 300), code };
      }
      return { message: trimmed.slice(0, 300), code };
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return { message: trimmed.slice(0, 300), code: undefined };
}

/** The socket error code (`ECONNREFUSED`, `UND_ERR_SOCKET`…) buried in a fetch failure, if any. */
export function errorCode(error: unknown): string | undefined {
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

/** A short "CODE: message" description of a low-level failure, for error messages. */
export function describeCause(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}
