import { AuthzError, type UsersetTreeNode } from "../../authz/index.js";
import type { SyncEntry } from "../state/index.js";
import { ChangeFeed, type ChangesPage, type ChangesQuery } from "./change-feed.js";
import { PermissionInputError } from "./errors.js";
import {
  type ObjectType,
  type PermissionRole,
  parseObject,
  parseObjectType,
  parseRole,
  parseUser,
} from "./inputs.js";
import type { PermissionGraph } from "./permission-graph.js";

/** Paragon's documented caps: list-objects and list-users answer at most this many. */
export const DEFAULT_LIST_CAP = 1000;

/** Caps of the list endpoints (tests lower them to watch truncation). */
export interface PermissionLimits {
  /** list-objects returns at most this many objects, silently (as Paragon); streamed has no cap. */
  listObjects: number;
  /** list-users returns at most this many users. */
  listUsers: number;
}

/** One batch-check answer: `request` is the item as sent; `error` says what was wrong with it. */
export interface BatchCheckAnswer {
  allowed: boolean;
  request: unknown;
  error: string | null;
}

/** A check's inputs as sent (read loosely, so a bad one fails with a message naming it). */
export interface CheckInput {
  object?: unknown;
  user?: unknown;
  role?: unknown;
}

/** What the request calls its user and role fields (the alias routes say `subject` and `relation`). */
export interface FieldNames {
  user: string;
  role: string;
}

/** A list-objects request as sent. */
export interface ListObjectsInput {
  objectType?: unknown;
  user?: unknown;
  role?: unknown;
}

const DOCUMENTED: FieldNames = { user: "user", role: "role" };

/**
 * The Permissions API's semantics over the sync graphs, in Paragon's terms: users are emails (or
 * `user:<email>`), objects are record ids (or `file:<id>` / `folder:<id>`), roles are `can_read |
 * can_write | is_owner`. A person the project does not know has access to nothing (Paragon answers
 * false, not an error), even to public files; a malformed input throws `PermissionInputError`.
 */
export class PermissionService {
  readonly limits: PermissionLimits;
  readonly #feed: ChangeFeed;

  constructor(
    readonly graph: PermissionGraph,
    limits: Partial<PermissionLimits> = {},
  ) {
    this.limits = {
      listObjects: limits.listObjects ?? DEFAULT_LIST_CAP,
      listUsers: limits.listUsers ?? DEFAULT_LIST_CAP,
    };
    this.#feed = new ChangeFeed(graph.changes);
  }

  /**
   * How long the Permission Changes feed keeps a change (default 7 days); a continuation token
   * older than that is invalid. Tests shorten it to watch `PERMISSION_CHANGES_CURSOR_INVALID`.
   */
  get changeRetentionMs(): number {
    return this.graph.changes.retention.ms;
  }

  set changeRetentionMs(ms: number) {
    this.graph.changes.retention.ms = ms;
  }

  /** One page of the sync's Permission Changes feed (`GET …/changes`). */
  changes(sync: SyncEntry, query: ChangesQuery): ChangesPage {
    return this.#feed.read(sync, query);
  }

  /** Has `user` got `role` on `object`? An object that is not a record of the sync: no. */
  check(sync: SyncEntry | undefined, input: CheckInput, names: FieldNames = DOCUMENTED): boolean {
    const user = parseUser(input.user, names.user);
    const role = parseRole(input.role, names.role);
    const object = parseObject(sync, input.object);
    if (!sync || !object.known || !this.graph.knows(user.email)) return false;
    return this.graph.of(sync).engine.check({ user: user.user, relation: role, object: object.object })
      .allowed;
  }

  /**
   * Many checks; `resolve` maps an item to its sync and inputs. A bad item gets `allowed: false` and
   * its own `error`; the others are answered. `request` echoes each item as it was sent.
   */
  batchCheck(
    items: readonly unknown[],
    resolve: (item: Record<string, unknown>) => { sync: SyncEntry | undefined; input: CheckInput },
    names: FieldNames = DOCUMENTED,
  ): BatchCheckAnswer[] {
    return items.map((request) => {
      try {
        if (typeof request !== "object" || request === null || Array.isArray(request)) {
          throw new PermissionInputError(
            "INVALID_OBJECT",
            `each check is an object {object, ${names.user}, ${names.role}}, got ${JSON.stringify(request)}`,
          );
        }
        const { sync, input } = resolve(request as Record<string, unknown>);
        return { allowed: this.check(sync, input, names), request, error: null };
      } catch (error) {
        if (!(error instanceof PermissionInputError || error instanceof AuthzError)) throw error;
        return { allowed: false, request, error: error.message };
      }
    });
  }

  /** Emails of the people with `role` on `object`, sorted, at most `limits.listUsers`. */
  listUsers(
    sync: SyncEntry | undefined,
    input: { object?: unknown; role?: unknown },
    names: Pick<FieldNames, "role"> = DOCUMENTED,
  ): string[] {
    const role = parseRole(input.role, names.role);
    const object = parseObject(sync, input.object);
    if (!sync || !object.known) return [];
    const engine = this.graph.of(sync).engine;
    const request = { relation: role, object: object.object };
    const users = new Set<string>();
    for (const listed of engine.listUsers({ ...request, userFilters: [{ type: "user" }] }).users) {
      if ("object" in listed) users.add(listed.object.id);
      if ("wildcard" in listed) {
        // `user:*` (public): every person who passes the check, never a literal "*".
        for (const email of this.graph.people()) {
          if (engine.check({ ...request, user: `user:${email}` }).allowed) users.add(email);
        }
      }
    }
    return [...users]
      .filter((email) => this.graph.knows(email))
      .sort()
      .slice(0, this.limits.listUsers);
  }

  /** Record ids of `objectType` on which `user` has `role`, at most `limits.listObjects`, with no word about the cut. */
  listObjects(
    syncs: readonly SyncEntry[],
    input: ListObjectsInput,
    names: FieldNames = DOCUMENTED,
  ): string[] {
    const objects: string[] = [];
    for (const id of this.iterateObjects(syncs, input, names)) {
      if (objects.length >= this.limits.listObjects) break;
      objects.push(id);
    }
    return objects;
  }

  /**
   * The same list without a cap, streamed by the engine (`AuthzEngine.streamObjects`: it gives the
   * event loop a turn between batches and stops when `signal` aborts). Bad input throws here, before
   * the first object, so a route can still answer 400.
   */
  streamObjects(sync: SyncEntry, input: ListObjectsInput, signal?: AbortSignal): AsyncGenerator<string> {
    const type = parseObjectType(input.objectType);
    const user = parseUser(input.user, DOCUMENTED.user);
    const role = parseRole(input.role, DOCUMENTED.role);
    const known = this.graph.knows(user.email);
    const graph = known ? this.graph.of(sync) : undefined;
    return (async function* () {
      if (!graph) return;
      const prefix = `${type}:`;
      for await (const object of graph.engine.streamObjects(
        { user: user.user, relation: role, type },
        { signal },
      )) {
        const id = object.slice(prefix.length);
        // The sync root holds sharing but is not a Synced Object.
        if (id !== graph.rootId) yield id;
      }
    })();
  }

  /** One level of `object#relation` (default `can_read`) as OpenFGA's userset tree. */
  expand(
    sync: SyncEntry,
    input: { object?: unknown; relation?: unknown },
  ): { tree: { root: UsersetTreeNode } } {
    const object = parseObject(sync, input.object);
    const relation = input.relation ?? "can_read";
    const engine = this.graph.of(sync).engine;
    // The tree names internal relations (reader, parent, …), so expanding those is allowed too.
    if (typeof relation !== "string" || !engine.model.relation(object.type, relation)) {
      throw new PermissionInputError(
        "UNKNOWN_RELATION",
        `relation ${JSON.stringify(relation)} is not defined on ${object.type}: use can_read, can_write, is_owner or a relation an expanded tree names`,
      );
    }
    return engine.expand({ object: object.object, relation });
  }

  /** Validates at once (not on the first `next()`), then lists lazily. */
  private iterateObjects(syncs: readonly SyncEntry[], input: ListObjectsInput, names: FieldNames) {
    const type = parseObjectType(input.objectType);
    const user = parseUser(input.user, names.user);
    const role = parseRole(input.role, names.role);
    return this.objectsOf(syncs, type, user, role);
  }

  private *objectsOf(
    syncs: readonly SyncEntry[],
    type: ObjectType,
    user: { email: string; user: string },
    role: PermissionRole,
  ): Generator<string> {
    if (!this.graph.knows(user.email)) return;
    for (const sync of syncs) {
      const graph = this.graph.of(sync);
      const prefix = `${type}:`;
      for (const object of graph.engine.iterateObjects({ user: user.user, relation: role, type })) {
        const id = object.slice(prefix.length);
        // The sync root holds sharing but is not a Synced Object.
        if (id !== graph.rootId) yield id;
      }
    }
  }
}
