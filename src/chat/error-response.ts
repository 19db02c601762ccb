import { ClearanceError } from "../errors.js";

/** A JSON error body: `{ error: { code, message, ...extra } }`. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
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
 * The response for an error thrown while retrieving or answering, before any answer was sent. Its
 * body holds a stable code and a message written for the caller, never the error's own text: an
 * upstream failure can name sync ids, record ids or hosts, and those stay in the server log (the
 * handler's `onError`).
 */
export function failureResponse(error: unknown): Response {
  const code = error instanceof ClearanceError ? error.code : undefined;
  if (isPermissionFailure(code)) {
    return errorResponse(
      503,
      code!,
      "could not check what you may read, so nothing was answered: try again in a moment",
      {},
      { "retry-after": "5" },
    );
  }
  if (code === "NO_SUBJECT") return unauthenticated();
  if (code === "ANSWER_FAILED") {
    return errorResponse(502, code, "the answer could not be written: try again; the server log says why");
  }
  if (code === "CHAT_TIMEOUT") return errorResponse(504, code, (error as Error).message);
  return errorResponse(
    500,
    code ?? "INTERNAL",
    "the chat endpoint failed unexpectedly: try again; the server log says why",
  );
}

/** 401: nobody was identified, so nothing is retrieved (never an anonymous search). */
export function unauthenticated(detail?: string): Response {
  return errorResponse(
    401,
    "UNAUTHENTICATED",
    detail ?? "who is asking is unknown: sign in (the endpoint answers only for an identified person)",
  );
}
