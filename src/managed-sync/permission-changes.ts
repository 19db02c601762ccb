import { type CallOptions, pathId } from "./call-options.js";
import {
  ManagedSyncArgumentError,
  ManagedSyncHttpError,
  PermissionChangesCursorInvalidError,
  PermissionChangesTypeMismatchError,
} from "./errors.js";
import type { HttpCore } from "./http.js";
import { type PermissionChange, PermissionChangesResponseSchema } from "./permission-schemas.js";

/** Where a read of the Permission Changes feed starts, and what it reads. */
export interface PermissionChangesOptions extends CallOptions {
  /** Only changes on objects of this type (e.g. `file`, `group`). Send the same on every page of a read. */
  type?: string;
  /** Start at the first change at or after this time (ignored when `continuationToken` is given). */
  startTime?: Date | string;
  /** Resume where an earlier read ended. Wins over `startTime`. */
  continuationToken?: string;
  /** Changes per page (the server may cap it). */
  pageSize?: number;
}

/** One page of the feed. `end` marks the empty page that says the reader is caught up. */
export interface PermissionChangesPage {
  changes: PermissionChange[];
  /** Pass it to the next read; persist the last one to resume later. */
  continuationToken: string;
  end: boolean;
}

/**
 * Reads `GET /api/permissions/{syncId}/changes` page after page until it is caught up: the page
 * with no changes (its token is the one to keep and poll with later). The two documented 400s
 * become `PermissionChangesCursorInvalidError` and `PermissionChangesTypeMismatchError`.
 */
export async function* readPermissionChanges(
  http: HttpCore,
  syncId: string,
  options: PermissionChangesOptions = {},
): AsyncGenerator<PermissionChangesPage> {
  const path = `/api/permissions/${pathId("syncId", syncId)}/changes`;
  const endpoint = "GET /api/permissions/{syncId}/changes";
  if (options.pageSize !== undefined && !(Number.isInteger(options.pageSize) && options.pageSize > 0)) {
    throw new ManagedSyncArgumentError(
      "INVALID_ARGUMENT",
      `pageSize must be a positive integer, got ${options.pageSize}`,
    );
  }
  const startTime = options.startTime instanceof Date ? options.startTime.toISOString() : options.startTime;
  let token = options.continuationToken;
  for (;;) {
    let page: { changes: PermissionChange[]; continuationToken: string };
    try {
      page = await http.json(
        {
          method: "GET",
          path,
          endpoint,
          retry: "safe",
          query: {
            type: options.type,
            pageSize: options.pageSize,
            ...(token ? { continuationToken: token } : { startTime }),
          },
          signal: options.signal,
          timeoutMs: options.timeoutMs,
        },
        PermissionChangesResponseSchema,
      );
    } catch (error) {
      throw cursorError(error) ?? error;
    }
    const end = page.changes.length === 0;
    yield { changes: page.changes, continuationToken: page.continuationToken, end };
    if (end) return;
    token = page.continuationToken;
  }
}

function cursorError(error: unknown): Error | undefined {
  if (!(error instanceof ManagedSyncHttpError) || error.status !== 400) return undefined;
  // Paragon names the code in its JSON `code`, or at least in the message.
  const said = `${error.serverCode ?? ""} ${error.serverMessage ?? ""}`;
  const context = { endpoint: error.endpoint, status: 400, requestId: error.requestId, cause: error };
  if (said.includes("PERMISSION_CHANGES_CURSOR_TYPE_MISMATCH")) {
    return new PermissionChangesTypeMismatchError(
      `the continuation token was issued for another type filter: send the same type on every page, or start a new read (${error.serverMessage ?? "400"})`,
      context,
    );
  }
  if (said.includes("PERMISSION_CHANGES_CURSOR_INVALID")) {
    return new PermissionChangesCursorInvalidError(
      `the continuation token is no longer valid: restart the read from the beginning or a startTime, and treat anything derived from earlier changes as unverified (${error.serverMessage ?? "400"})`,
      context,
    );
  }
  return undefined;
}
