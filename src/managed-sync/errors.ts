import { ClearanceError } from "../errors.js";

/** Where a Managed Sync error happened: the endpoint template (e.g. `GET /api/syncs/{syncId}`) and what the server said. */
export interface ManagedSyncErrorContext {
  endpoint?: string;
  status?: number;
  requestId?: string;
  cause?: unknown;
}

/**
 * Base of every error the Managed Sync client throws; `instanceof ManagedSyncError` catches them all.
 * `endpoint` names the call, `status` and `requestId` are set when the server answered.
 */
export class ManagedSyncError extends ClearanceError {
  readonly endpoint: string | undefined;
  readonly status: number | undefined;
  readonly requestId: string | undefined;

  constructor(code: string, message: string, context: ManagedSyncErrorContext = {}) {
    super(code, message, { cause: context.cause });
    this.endpoint = context.endpoint;
    this.status = context.status;
    this.requestId = context.requestId;
  }
}

/**
 * The server answered with a non-2xx status. `code` is `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`,
 * `RATE_LIMITED`, `SERVER_ERROR`, `BAD_REQUEST`, `CONFLICT` or `HTTP_<status>`.
 */
export class ManagedSyncHttpError extends ManagedSyncError {
  /** The server's own words (its JSON `message`/`error`, or the start of its body), if any. */
  readonly serverMessage: string | undefined;
  /** The server's own error code (its JSON `code`), e.g. `PERMISSION_CHANGES_CURSOR_INVALID`. */
  readonly serverCode: string | undefined;
  /** From `Retry-After`, when the server sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    context: ManagedSyncErrorContext & {
      status: number;
      serverMessage?: string;
      serverCode?: string;
      retryAfterMs?: number;
    },
  ) {
    super(httpCode(context.status), message, context);
    this.serverMessage = context.serverMessage;
    this.serverCode = context.serverCode;
    this.retryAfterMs = context.retryAfterMs;
  }
}

/** The server answered 2xx but the body is not what the API documents (`code` `INVALID_RESPONSE`); `field` names the offending path. */
export class ManagedSyncResponseError extends ManagedSyncError {
  readonly field: string | undefined;

  constructor(message: string, context: ManagedSyncErrorContext & { field?: string }) {
    super("INVALID_RESPONSE", message, context);
    this.field = context.field;
  }
}

/** No complete answer within the per-request timeout (`code` `TIMEOUT`). */
export class ManagedSyncTimeoutError extends ManagedSyncError {
  readonly timeoutMs: number;

  constructor(message: string, context: ManagedSyncErrorContext & { timeoutMs: number }) {
    super("TIMEOUT", message, context);
    this.timeoutMs = context.timeoutMs;
  }
}

/** The connection failed before a response arrived (`code` `NETWORK_ERROR`). */
export class ManagedSyncNetworkError extends ManagedSyncError {
  constructor(message: string, context: ManagedSyncErrorContext) {
    super("NETWORK_ERROR", message, context);
  }
}

/** The caller's `AbortSignal` fired (`code` `ABORTED`); `cause` is the signal's reason. */
export class ManagedSyncAbortedError extends ManagedSyncError {
  constructor(message: string, context: ManagedSyncErrorContext) {
    super("ABORTED", message, context);
  }
}

/** A response body ended before it was complete: the connection dropped mid-body (`code` `BODY_INCOMPLETE`). */
export class BodyIncompleteError extends ManagedSyncError {
  readonly receivedBytes: number | undefined;
  readonly expectedBytes: number | undefined;

  constructor(
    message: string,
    context: ManagedSyncErrorContext & { receivedBytes?: number; expectedBytes?: number },
  ) {
    super("BODY_INCOMPLETE", message, context);
    this.receivedBytes = context.receivedBytes;
    this.expectedBytes = context.expectedBytes;
  }
}

/** A body past a size limit: the limit, and the size announced or seen when it was crossed. */
abstract class OverLimitError extends ManagedSyncError {
  readonly maxBytes: number;
  /** The announced `Content-Length`, or the bytes seen when the limit was crossed. */
  readonly sizeBytes: number;

  constructor(
    code: string,
    message: string,
    context: ManagedSyncErrorContext & { maxBytes: number; sizeBytes: number },
  ) {
    super(code, message, context);
    this.maxBytes = context.maxBytes;
    this.sizeBytes = context.sizeBytes;
  }
}

/** Downloaded content is larger than the caller's `maxBytes` (`code` `CONTENT_TOO_LARGE`). */
export class ContentTooLargeError extends OverLimitError {
  constructor(message: string, context: ManagedSyncErrorContext & { maxBytes: number; sizeBytes: number }) {
    super("CONTENT_TOO_LARGE", message, context);
  }
}

/**
 * A JSON or error body from the API is larger than any answer it documents (`code`
 * `RESPONSE_TOO_LARGE`): the read stopped there instead of buffering it all. A server or a proxy is
 * misbehaving; not retried, since it would send the same. File downloads are bounded by their
 * own `maxBytes` (`ContentTooLargeError`) instead.
 */
export class ResponseTooLargeError extends OverLimitError {
  constructor(message: string, context: ManagedSyncErrorContext & { maxBytes: number; sizeBytes: number }) {
    super("RESPONSE_TOO_LARGE", message, context);
  }
}

/** The Paragon user token cannot be used: expired, or the signing key is unusable (`code` `TOKEN_EXPIRED` / `TOKEN_INVALID`). */
export class ManagedSyncTokenError extends ManagedSyncError {}

/** Client options or call arguments are invalid (`code` `CONFIG_INVALID` / `INVALID_ARGUMENT`). */
export class ManagedSyncArgumentError extends ManagedSyncError {}

/** A sync reached a state it cannot leave by waiting (`code` `SYNC_ERRORED` / `SYNC_DISABLED`). */
export class SyncStateError extends ManagedSyncError {
  readonly syncId: string;
  readonly syncStatus: string;

  constructor(message: string, context: ManagedSyncErrorContext & { syncId: string; syncStatus: string }) {
    super(`SYNC_${context.syncStatus}`, message, context);
    this.syncId = context.syncId;
    this.syncStatus = context.syncStatus;
  }
}

function httpCode(status: number): string {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "CONFLICT";
    case 429:
      return "RATE_LIMITED";
    default:
      return status >= 500 && status <= 599 ? "SERVER_ERROR" : `HTTP_${status}`;
  }
}

/**
 * The Permission Changes feed no longer accepts a continuation token (`code`
 * `PERMISSION_CHANGES_CURSOR_INVALID`: expired past retention, or unknown). Restart the read from
 * the beginning or from a `startTime`; whatever was derived from the feed may have missed changes.
 */
export class PermissionChangesCursorInvalidError extends ManagedSyncError {
  constructor(message: string, context: ManagedSyncErrorContext) {
    super("PERMISSION_CHANGES_CURSOR_INVALID", message, context);
  }
}

/**
 * A Permission Changes continuation token was issued for another `type` filter (`code`
 * `PERMISSION_CHANGES_CURSOR_TYPE_MISMATCH`): send the same `type` on every page, or start a new read.
 */
export class PermissionChangesTypeMismatchError extends ManagedSyncError {
  constructor(message: string, context: ManagedSyncErrorContext) {
    super("PERMISSION_CHANGES_CURSOR_TYPE_MISMATCH", message, context);
  }
}
