import { ClearanceError } from "../errors.js";

/**
 * Why a chat request got no answer, as the caller is told it: an HTTP status, a stable code and a
 * message written for them. Each protocol puts it in its own error shape.
 */
export interface Failure {
  status: number;
  code: string;
  message: string;
  /** Details for the caller (validation issues), in the body beside code and message. */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A JSON error body: `{ error: { code, message, ...extra } }` (the `/api/chat` shape). */
export function errorResponse({ status, code, message, extra, headers }: Failure): Response {
  return Response.json(
    { error: { code, message, ...extra } },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

const PERMISSION_CODES = new Set(["PERMISSIONS_UNAVAILABLE", "PERMISSIONS_TIMEOUT", "PERMISSIONS_ABORTED"]);

/** Whether an error means "permissions could not be checked" (so nothing may be answered). */
export function isPermissionFailure(code: string | undefined): boolean {
  return code !== undefined && PERMISSION_CODES.has(code);
}

/**
 * The failure for an error thrown while retrieving or answering. It holds a stable code and a
 * message written for the caller, never the error's own text: an upstream failure can name sync
 * ids, record ids or hosts, and those stay in the server log (the handler's `onError`).
 */
export function describeFailure(error: unknown): Failure {
  const code = error instanceof ClearanceError ? error.code : undefined;
  if (isPermissionFailure(code)) {
    return {
      status: 503,
      code: code!,
      message: "could not check what you may read, so nothing was answered: try again in a moment",
      headers: { "retry-after": "5" },
    };
  }
  if (code === "NO_SUBJECT") return unauthenticated();
  if (code === "ANSWER_FAILED") {
    return {
      status: 502,
      code,
      message: "the answer could not be written: try again; the server log says why",
    };
  }
  // Our own message: it names the deadline, nothing else.
  if (code === "CHAT_TIMEOUT") return { status: 504, code, message: (error as Error).message };
  return {
    status: 500,
    code: code ?? "INTERNAL",
    message: "the chat endpoint failed unexpectedly: try again; the server log says why",
  };
}

/**
 * The client closed the request before it was answered (499, as nginx logs it): nobody reads this,
 * and it is told to no `onError` and counted apart from the server's own failures.
 */
export const CLIENT_CLOSED: Failure = {
  status: 499,
  code: "CLIENT_CLOSED_REQUEST",
  message: "the request was closed by the client before it was answered",
};

/** 408: the request body did not arrive within the deadline (a slow upload is the caller's to fix). */
export function bodyTimeout(timeoutMs: number): Failure {
  return {
    status: 408,
    code: "REQUEST_TIMEOUT",
    message: `the request body did not arrive within ${timeoutMs} ms: send it again, whole`,
    headers: { connection: "close" },
  };
}

/** 401: nobody was identified, so nothing is retrieved (never an anonymous search). */
export function unauthenticated(detail?: string): Failure {
  return {
    status: 401,
    code: "UNAUTHENTICATED",
    message:
      detail ?? "who is asking is unknown: sign in (the endpoint answers only for an identified person)",
  };
}

/**
 * Whether `error` is the request's abort surfacing: the signal's reason itself, an `AbortError`, or
 * an `ABORTED` / `…_ABORTED` error (the Sync API client's, the Permissions API's), found along its `cause` chain.
 */
export function causedByAbort(error: unknown, reason: unknown): boolean {
  let link: unknown = error;
  for (let depth = 0; depth < 8 && link !== undefined && link !== null; depth++) {
    if (link === reason) return true;
    if (link instanceof Error && link.name === "AbortError") return true;
    const code = (link as { code?: unknown }).code;
    if (typeof code === "string" && (code === "ABORTED" || code.endsWith("_ABORTED"))) return true;
    link = (link as { cause?: unknown }).cause;
  }
  return false;
}
