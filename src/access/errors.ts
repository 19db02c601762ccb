import { ClearanceError } from "../errors.js";

/** The Permissions API could not be asked (server error, network, bad answer): nothing was returned unchecked. */
export class PermissionsUnavailableError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("PERMISSIONS_UNAVAILABLE", message, options);
  }
}

/** The Permissions API did not answer in time: nothing was returned unchecked. */
export class PermissionsTimeoutError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("PERMISSIONS_TIMEOUT", message, options);
  }
}

/** The caller's `AbortSignal` fired while permissions were being checked. */
export class PermissionsAbortedError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("PERMISSIONS_ABORTED", message, options);
  }
}

/**
 * Maps whatever the permissions client threw onto the access errors, by the stable `code` of
 * Clearance errors, so the retriever only has three cases to fail closed on.
 */
export function toPermissionsError(error: unknown, what: string): ClearanceError {
  if (
    error instanceof PermissionsUnavailableError ||
    error instanceof PermissionsTimeoutError ||
    error instanceof PermissionsAbortedError
  ) {
    return error;
  }
  const code = error instanceof ClearanceError ? error.code : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  if (code === "TIMEOUT") {
    return new PermissionsTimeoutError(
      `${what} timed out (${detail}): nothing was returned unchecked; retry, or raise the client's timeoutMs`,
      { cause: error },
    );
  }
  if (code === "ABORTED" || (error instanceof Error && error.name === "AbortError")) {
    return new PermissionsAbortedError(`${what} was aborted by the caller`, { cause: error });
  }
  return new PermissionsUnavailableError(
    `${what} failed (${detail}): nothing was returned unchecked; check the Permissions API and retry`,
    { cause: error },
  );
}
