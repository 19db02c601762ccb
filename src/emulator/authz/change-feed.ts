import { randomUUID } from "node:crypto";
import { loadDriveModel } from "../../authz/index.js";
import type { SyncEntry } from "../state/index.js";
import type { TupleChange } from "./change-log.js";
import { PermissionInputError } from "./errors.js";
import type { TupleLedger } from "./tuple-ledger.js";

/** Changes per page when the caller names no `pageSize`. */
export const DEFAULT_CHANGES_PAGE_SIZE = 100;
/** The most changes one page holds, whatever the caller asks for. */
export const MAX_CHANGES_PAGE_SIZE = 1000;

/** A read of the feed as the query string gives it (every field optional, validated here). */
export interface ChangesQuery {
  type?: string | undefined;
  startTime?: string | undefined;
  continuationToken?: string | undefined;
  pageSize?: string | undefined;
}

/** One change as the feed answers it: OpenFGA's ReadChanges item, camel-cased. */
export interface ChangeView {
  tupleKey: { user: string; relation: string; object: string };
  operation: "TUPLE_OPERATION_WRITE" | "TUPLE_OPERATION_DELETE";
  timestamp: string;
}

export interface ChangesPage {
  changes: ChangeView[];
  continuationToken: string;
}

interface Token {
  /** The feed instance (a restarted emulator's old tokens are invalid). */
  g: string;
  /** The sync, shortened. */
  s: string;
  /** The next position to read. */
  n: number;
  /** The type filter the token was issued for ("" for none). */
  t: string;
}

/**
 * `GET /api/permissions/{syncId}/changes` over the `TupleLedger`'s logs, with the documented rules:
 * every page carries a `continuationToken`; the end of the feed is an empty `changes` with the
 * token that was sent; a token wins over `startTime`; a token is bound to the `type` filter it was
 * issued for (400 `PERMISSION_CHANGES_CURSOR_TYPE_MISMATCH`); a token that is malformed, another
 * sync's, from before a restart or older than the retention window is 400
 * `PERMISSION_CHANGES_CURSOR_INVALID`.
 */
export class ChangeFeed {
  readonly #generation = randomUUID().slice(0, 8);
  readonly #types = new Set(loadDriveModel().types.keys());

  constructor(private readonly ledger: TupleLedger) {}

  read(sync: SyncEntry, query: ChangesQuery): ChangesPage {
    const type = this.#type(query.type);
    const pageSize = pageSizeOf(query.pageSize);
    const log = this.ledger.logOf(sync);
    let position: number;
    if (query.continuationToken !== undefined && query.continuationToken !== "") {
      const token = this.#decode(sync, query.continuationToken);
      if (token.t !== (type ?? "")) {
        throw new PermissionInputError(
          "PERMISSION_CHANGES_CURSOR_TYPE_MISMATCH",
          `this continuationToken was issued for type ${token.t === "" ? "(none)" : JSON.stringify(token.t)}, not ${type === undefined ? "(none)" : JSON.stringify(type)}: send the same type on every page, or start a new read`,
        );
      }
      if (token.n < log.start || token.n > log.end) {
        throw invalidToken("it is older than the feed's retention window");
      }
      position = token.n;
    } else if (query.startTime !== undefined && query.startTime !== "") {
      position = log.positionAt(timeOf(query.startTime));
    } else {
      position = log.start;
    }
    const page = log.read(position, pageSize, type);
    const sent = query.continuationToken;
    const continuationToken =
      page.changes.length === 0 && sent ? sent : this.#encode(sync, page.next, type ?? "");
    return { changes: page.changes.map(view), continuationToken };
  }

  #type(value: string | undefined): string | undefined {
    if (value === undefined || value === "") return undefined;
    if (!this.#types.has(value)) {
      throw new PermissionInputError(
        "UNKNOWN_TYPE",
        `type ${JSON.stringify(value)} is not an object type of the permission model: use one of ${[...this.#types].join(", ")}`,
      );
    }
    return value;
  }

  #encode(sync: SyncEntry, next: number, type: string): string {
    const token: Token = { g: this.#generation, s: sync.id.slice(0, 8), n: next, t: type };
    return Buffer.from(JSON.stringify(token)).toString("base64url");
  }

  #decode(sync: SyncEntry, raw: string): Token {
    let token: Partial<Token>;
    try {
      token = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Partial<Token>;
    } catch {
      throw invalidToken("it is not a token this feed issued");
    }
    if (
      typeof token !== "object" ||
      token === null ||
      typeof token.t !== "string" ||
      !Number.isSafeInteger(token.n) ||
      token.s !== sync.id.slice(0, 8)
    ) {
      throw invalidToken("it is not a token this sync's feed issued");
    }
    if (token.g !== this.#generation) throw invalidToken("the feed restarted since it was issued");
    return token as Token;
  }
}

function invalidToken(why: string): PermissionInputError {
  return new PermissionInputError(
    "PERMISSION_CHANGES_CURSOR_INVALID",
    `continuationToken is no longer valid (${why}): restart the read from the beginning (omit it, or pass startTime)`,
  );
}

function pageSizeOf(raw: string | undefined): number {
  if (raw === undefined || raw === "") return DEFAULT_CHANGES_PAGE_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1) {
    throw new PermissionInputError(
      "BAD_REQUEST",
      `pageSize ${JSON.stringify(raw)} is not a positive integer`,
    );
  }
  return Math.min(size, MAX_CHANGES_PAGE_SIZE);
}

/** An ISO-8601 time or epoch milliseconds. */
function timeOf(raw: string): number {
  const time = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(time)) {
    throw new PermissionInputError(
      "BAD_REQUEST",
      `startTime ${JSON.stringify(raw)} is not a time: send ISO 8601 (2026-01-01T00:00:00Z)`,
    );
  }
  return time;
}

function view(change: TupleChange): ChangeView {
  return {
    tupleKey: { user: change.tuple.user, relation: change.tuple.relation, object: change.tuple.object },
    operation: change.operation === "write" ? "TUPLE_OPERATION_WRITE" : "TUPLE_OPERATION_DELETE",
    timestamp: new Date(change.at).toISOString(),
  };
}
