import {
  type AccessCheck,
  type AccessCheckResult,
  type BatchCheckOptions,
  batchCheck,
} from "./batch-check.js";
import { type CallOptions, pathId } from "./call-options.js";
import { ManagedSyncArgumentError, ManagedSyncResponseError } from "./errors.js";
import { guardBody } from "./guarded-body.js";
import type { HttpCore } from "./http.js";
import { ndjsonLineBatches } from "./ndjson.js";
import {
  type PermissionChangesOptions,
  type PermissionChangesPage,
  readPermissionChanges,
} from "./permission-changes.js";
import {
  CheckResponseSchema,
  type ExpandResponse,
  ExpandResponseSchema,
  ListObjectsResponseSchema,
  ListUsersResponseSchema,
  ROLES,
  type Role,
  StreamedObjectLineSchema,
} from "./permission-schemas.js";
import { bareObjectId, plainUser, type UserFormat } from "./users.js";
import { validateValue } from "./validate.js";

/** Options the client passes to the Permissions API. */
export interface PermissionsOptions {
  userFormat: UserFormat;
  /** A list-objects result this long may have been cut by the server. */
  listObjectsCap: number;
  /** A list-users result this long may have been cut by the server. */
  listUsersCap: number;
}

/** Which objects to list for a user. */
export interface ListObjectsInput {
  user: string;
  role: Role;
  objectType: "file" | "folder";
}

/** A list the server may cap: `truncated` is true when the result reached the cap, so it may be incomplete. */
export interface CappedList {
  truncated: boolean;
}

/** The Permissions API (File Storage syncs): check, batch-check, list-users, list-objects (plain and streamed), expand. */
export class PermissionsApi {
  constructor(
    private readonly http: HttpCore,
    private readonly options: PermissionsOptions,
  ) {}

  /** May `user` have `role` on `object`? (`POST /api/permissions/{syncId}/check`) */
  async check(syncId: string, check: AccessCheck, options: CallOptions = {}): Promise<boolean> {
    const body = {
      object: required("object", check.object),
      user: this.user(check.user),
      role: role(check.role),
    };
    const response = await this.http.json(
      { ...this.post(syncId, "check"), body, ...options },
      CheckResponseSchema,
    );
    return response.hasAccess;
  }

  /**
   * Many checks at once, deduped and batched; results in input order, a per-item `error` kept apart from a deny.
   *
   * @example
   * const results = await client.permissions.batchCheck(syncId, ids.map((object) => ({ object, user: email, role: "can_read" })));
   */
  async batchCheck(
    syncId: string,
    checks: readonly AccessCheck[],
    options: BatchCheckOptions = {},
  ): Promise<AccessCheckResult[]> {
    for (const check of checks) role(check.role);
    return batchCheck(this.http, this.options.userFormat, syncId, checks, options);
  }

  /** Users (emails) with `role` on `object`; `truncated` when the result reached the server's cap. */
  async listUsers(
    syncId: string,
    input: { object: string; role: Role },
    options: CallOptions = {},
  ): Promise<{ users: string[] } & CappedList> {
    const body = { object: required("object", input.object), role: role(input.role) };
    const response = await this.http.json(
      { ...this.post(syncId, "list-users"), body, ...options },
      ListUsersResponseSchema,
    );
    const users = response.users.map(plainUser);
    return { users, truncated: users.length >= this.options.listUsersCap };
  }

  /**
   * Record ids of the objects `user` has `role` on. `truncated` is true when the result reached the
   * server's cap: then it may be incomplete, so use `streamListObjects` or post-filtering instead.
   */
  async listObjects(
    syncId: string,
    input: ListObjectsInput,
    options: CallOptions = {},
  ): Promise<{ objects: string[] } & CappedList> {
    const response = await this.http.json(
      { ...this.post(syncId, "list-objects"), body: this.listObjectsBody(input), ...options },
      ListObjectsResponseSchema,
    );
    const objects = response.objects.map(bareObjectId);
    return { objects, truncated: objects.length >= this.options.listObjectsCap };
  }

  /**
   * Like `listObjects`, without the cap: streams NDJSON and yields record ids as they arrive.
   * Retried until the response starts; a stream cut off later raises `BodyIncompleteError`.
   */
  async *streamListObjects(
    syncId: string,
    input: ListObjectsInput,
    options: CallOptions = {},
  ): AsyncGenerator<string> {
    for await (const ids of this.streamListObjectBatches(syncId, input, options)) yield* ids;
  }

  /**
   * `streamListObjects` a network chunk at a time: the record ids of the lines each chunk
   * completed. For long lists (tens of thousands of ids), where an await per id is most of the cost.
   */
  async *streamListObjectBatches(
    syncId: string,
    input: ListObjectsInput,
    options: CallOptions = {},
  ): AsyncGenerator<string[]> {
    const spec = {
      ...this.post(syncId, "streamed-list-objects"),
      body: this.listObjectsBody(input),
      accept: "application/x-ndjson",
      ...options,
    };
    const body = await this.http.execute(spec, async (response, attempt) =>
      guardBody(response.body, {
        endpoint: spec.endpoint,
        maxBytes: Number.POSITIVE_INFINITY,
        expectedBytes: undefined,
        callerSignal: options.signal,
        attemptSignal: attempt.signal,
        timeoutMs: attempt.timeoutMs,
        requestId: attempt.requestId,
        release: attempt.keepOpen(),
      }),
    );
    let line = 0;
    for await (const texts of ndjsonLineBatches(body)) {
      const ids: string[] = [];
      let failure: unknown;
      for (const text of texts) {
        line++;
        try {
          ids.push(bareObjectId(streamedObject(text, spec.endpoint, line)));
        } catch (error) {
          failure = error;
          break;
        }
      }
      // The ids before a bad line are still delivered, as they would be one at a time.
      if (ids.length > 0) yield ids;
      if (failure !== undefined) throw failure;
    }
  }

  /**
   * The sync's Permission Changes feed, page by page, until caught up (the last page is empty,
   * `end: true`; keep its `continuationToken` to poll later).
   *
   * @example
   * for await (const page of client.permissions.changes(syncId, { continuationToken: saved })) {
   *   apply(page.changes);
   *   saved = page.continuationToken;
   * }
   */
  changes(syncId: string, options: PermissionChangesOptions = {}): AsyncGenerator<PermissionChangesPage> {
    return readPermissionChanges(this.http, syncId, options);
  }

  /** The OpenFGA-style userset tree of `object` (`POST /api/permissions/{syncId}/expand`), validated. */
  async expand(
    syncId: string,
    input: { object: string; relation?: string },
    options: CallOptions = {},
  ): Promise<ExpandResponse> {
    const body = {
      object: required("object", input.object),
      ...(input.relation ? { relation: input.relation } : {}),
    };
    return this.http.json({ ...this.post(syncId, "expand"), body, ...options }, ExpandResponseSchema);
  }

  private post(syncId: string, name: string) {
    return {
      method: "POST" as const,
      path: `/api/permissions/${pathId("syncId", syncId)}/${name}`,
      endpoint: `POST /api/permissions/{syncId}/${name}`,
      // Every Permissions API call is a read, so all failures may be retried.
      retry: "safe" as const,
    };
  }

  private listObjectsBody(input: ListObjectsInput) {
    if (input.objectType !== "file" && input.objectType !== "folder") {
      throw new ManagedSyncArgumentError(
        "INVALID_ARGUMENT",
        `objectType must be "file" or "folder", got ${JSON.stringify(input.objectType)}`,
      );
    }
    return { objectType: input.objectType, user: this.user(input.user), role: role(input.role) };
  }

  // check and list-* document a plain email.
  private user(user: string): string {
    required("user", user);
    return this.options.userFormat === "documented" ? plainUser(user) : user;
  }
}

function required(name: string, value: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ManagedSyncArgumentError(
      "INVALID_ARGUMENT",
      `${name} is empty: pass a record id (object) or an email (user)`,
    );
  }
  return value;
}

function role(value: Role): Role {
  if (!ROLES.includes(value)) {
    throw new ManagedSyncArgumentError(
      "INVALID_ARGUMENT",
      `role ${JSON.stringify(value)} is not a Managed Sync role: use one of ${ROLES.join(", ")}`,
    );
  }
  return value;
}

/**
 * A line that is exactly `{"object":"<id>"}` or `{"result":{"object":"<id>"}}` with nothing to
 * unescape (no quote, backslash or control character): the id is the text between the quotes, as
 * JSON.parse would give it. Nearly every line of a list is one; others take the full parse.
 */
const PLAIN_OBJECT_LINE = /^\{"object":"([^"\\\p{Cc}]+)"\}$/u;
const RESULT_OBJECT_LINE = /^\{"result":\{"object":"([^"\\\p{Cc}]+)"\}\}$/u;

/** The object of one streamed-list-objects line, validated. */
function streamedObject(text: string, endpoint: string, line: number): string {
  const plain = PLAIN_OBJECT_LINE.exec(text) ?? RESULT_OBJECT_LINE.exec(text);
  if (plain) return plain[1] as string;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ManagedSyncResponseError(
      `${endpoint} sent line ${line} that is not JSON (${JSON.stringify(text.slice(0, 80))}): the stream is corrupt; retry the call`,
      { endpoint, field: `line ${line}`, cause },
    );
  }
  return validateValue(json, StreamedObjectLineSchema, { endpoint: `${endpoint} line ${line}` });
}
