import { setImmediate as nextTick } from "node:timers/promises";
import { Checker } from "./check.js";
import { AuthzError, AuthzValidationError, InvalidTupleError, TypeNotFoundError } from "./errors.js";
import { expand, type UsersetTreeNode } from "./expand.js";
import type { ObjectRef, UserRef } from "./identifiers.js";
import { assertRelationName, assertTypeName, parseObject, parseUser } from "./identifiers.js";
import { reverseExpand } from "./list-objects.js";
import { type ListedUser, listUsers, type UserFilter } from "./list-users.js";
import { parseModel } from "./load-model.js";
import type { AuthorizationModel } from "./model.js";
import { allows } from "./model.js";
import { type TupleKey, TupleStore } from "./tuple-store.js";

/** `user` has `relation` on `object`? */
export interface CheckRequest {
  readonly user: string;
  readonly relation: string;
  readonly object: string;
}

/** One item of a batch check; `correlationId` matches OpenFGA's `^[\w\d-]{1,36}$`, unique per batch. */
export interface BatchCheckItem extends CheckRequest {
  readonly correlationId: string;
}

/** Per-item batch-check outcome: a decision, or an error that does not fail the batch. */
export type BatchCheckResult =
  | { readonly allowed: boolean }
  | { readonly error: { readonly code: AuthzError["code"] | "internal_error"; readonly message: string } };

/** Objects of `type` on which `user` has `relation`. */
export interface ListObjectsRequest {
  readonly user: string;
  readonly relation: string;
  readonly type: string;
  /** At most this many objects (OpenFGA serves 1000); `truncated` says when more exist. */
  readonly limit?: number;
}

/** List-objects answer: objects as `type:id`; `truncated` is true when the limit cut the list. */
export interface ListObjectsResult {
  readonly objects: string[];
  readonly truncated: boolean;
}

/** Users (of the filter's shape) with `relation` on `object`; exactly one filter, as in OpenFGA. */
export interface ListUsersRequest {
  readonly object: string;
  readonly relation: string;
  readonly userFilters: readonly UserFilter[];
}

const CORRELATION_ID = /^[\w\d-]{1,36}$/;
const STREAM_BATCH = 512;

/**
 * An OpenFGA-semantics authorization engine over an in-memory tuple store: check, batch-check,
 * list-objects (also streamed), list-users and expand. Writes and deletes apply at once, so every
 * request sees the tuples as they are when it starts. Conditions (CEL) and contextual tuples are
 * not supported.
 *
 * @example
 * const engine = AuthzEngine.fromDsl(dsl, [{ object: "doc:1", relation: "viewer", user: "user:anne" }]);
 * engine.check({ user: "user:anne", relation: "viewer", object: "doc:1" }); // { allowed: true }
 */
export class AuthzEngine {
  private currentModel: AuthorizationModel;
  readonly store: TupleStore;

  constructor(model: AuthorizationModel, store: TupleStore = new TupleStore()) {
    this.currentModel = model;
    this.store = store;
  }

  /** An engine for a DSL model, holding `tuples` (validated against the model). */
  static fromDsl(dsl: string, tuples: Iterable<TupleKey> = []): AuthzEngine {
    const engine = new AuthzEngine(parseModel(dsl));
    engine.write(tuples);
    return engine;
  }

  /** The model requests are evaluated against. */
  get model(): AuthorizationModel {
    return this.currentModel;
  }

  /** Switches to a new model; stored tuples stay, and those it rejects are ignored (as in OpenFGA). */
  setModel(model: AuthorizationModel): void {
    this.currentModel = model;
  }

  /** Adds tuples after checking each against the model; all or nothing. Returns how many were new. */
  write(tuples: Iterable<TupleKey>): number {
    const list = [...tuples];
    for (const tuple of list) this.validateTuple(tuple);
    return this.store.write(list);
  }

  /** Removes tuples (absent ones are ignored); returns how many were removed. */
  delete(tuples: Iterable<TupleKey>): number {
    return this.store.delete(tuples);
  }

  /** Every stored tuple, e.g. to persist them. */
  tuples(): TupleKey[] {
    return [...this.store.tuples()];
  }

  /** Check: does `user` have `relation` on `object`? Throws AuthzError on bad input or excess depth. */
  check(request: CheckRequest): { allowed: boolean } {
    const user = this.checkUser(request.user);
    const object = this.checkObject(request.object, request.relation);
    return {
      allowed: new Checker(this.model, this.store, user).check(object.type, object.id, request.relation),
    };
  }

  /** Batch check: one result per correlation id; a bad item gets an error, the rest are answered. */
  batchCheck(items: readonly BatchCheckItem[]): Map<string, BatchCheckResult> {
    const seen = new Set<string>();
    for (const { correlationId } of items) {
      if (!CORRELATION_ID.test(correlationId)) {
        throw new AuthzValidationError(
          `correlation id '${correlationId}' is malformed: use 1-36 letters, digits, '_' or '-'`,
        );
      }
      if (seen.has(correlationId)) {
        throw new AuthzValidationError(
          `correlation id '${correlationId}' appears twice: make each one unique`,
        );
      }
      seen.add(correlationId);
    }
    const checkers = new Map<string, Checker>();
    const results = new Map<string, BatchCheckResult>();
    for (const item of items) {
      try {
        const object = this.checkObject(item.object, item.relation);
        let checker = checkers.get(item.user);
        if (!checker) {
          checker = new Checker(this.model, this.store, this.checkUser(item.user));
          checkers.set(item.user, checker);
        }
        results.set(item.correlationId, { allowed: checker.check(object.type, object.id, item.relation) });
      } catch (error) {
        results.set(item.correlationId, {
          error:
            error instanceof AuthzError
              ? { code: error.code, message: error.message }
              : { code: "internal_error", message: String(error) },
        });
      }
    }
    return results;
  }

  /** List-objects: every object returned passes check, and every object that passes is returned. */
  listObjects(request: ListObjectsRequest): ListObjectsResult {
    const limit = request.limit ?? Number.POSITIVE_INFINITY;
    const objects: string[] = [];
    for (const object of this.iterateObjects(request)) {
      if (objects.length >= limit) return { objects, truncated: true };
      objects.push(object);
    }
    return { objects, truncated: false };
  }

  /** List-objects as a lazy iterator of `type:id` (validation happens on the first `next()`). */
  *iterateObjects(request: Omit<ListObjectsRequest, "limit">): Generator<string> {
    assertTypeName(request.type);
    assertRelationName(request.relation);
    this.model.requireRelation(request.type, request.relation);
    const user = this.checkUser(request.user);
    for (const id of reverseExpand(
      new Checker(this.model, this.store, user),
      request.type,
      request.relation,
    )) {
      yield `${request.type}:${id}`;
    }
  }

  /** Streamed list-objects: yields to the event loop between batches and stops when `signal` aborts. */
  async *streamObjects(
    request: ListObjectsRequest,
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<string> {
    const limit = request.limit ?? Number.POSITIVE_INFINITY;
    let count = 0;
    for (const object of this.iterateObjects(request)) {
      if (count >= limit) return;
      options.signal?.throwIfAborted();
      yield object;
      count++;
      if (count % STREAM_BATCH === 0) await nextTick();
    }
  }

  /** List-users with exactly one filter (`{type: "user"}` or `{type: "group", relation: "member"}`). */
  listUsers(request: ListUsersRequest): { users: ListedUser[] } {
    const object = parseObject(request.object);
    assertRelationName(request.relation);
    this.model.requireRelation(object.type, request.relation);
    if (request.userFilters.length !== 1) {
      throw new AuthzValidationError(
        `list-users takes exactly one user filter, got ${request.userFilters.length}: pass one`,
      );
    }
    const filter = request.userFilters[0] as UserFilter;
    if (filter.relation === undefined || filter.relation === "") {
      this.model.requireType(filter.type);
      return { users: listUsers(this.model, this.store, object, request.relation, { type: filter.type }) };
    }
    this.model.requireRelation(filter.type, filter.relation);
    return { users: listUsers(this.model, this.store, object, request.relation, filter) };
  }

  /** Expand one level of `object#relation` into OpenFGA's UsersetTree shape. */
  expand(request: { object: string; relation: string }): { tree: { root: UsersetTreeNode } } {
    const object = parseObject(request.object);
    assertRelationName(request.relation);
    const def = this.model.requireRelation(object.type, request.relation);
    return { tree: expand(this.model, this.store, def, object.id) };
  }

  private checkUser(value: string): UserRef {
    const user = parseUser(value);
    if (!this.model.types.has(user.type)) {
      throw new AuthzValidationError(`user '${value}': type '${user.type}' is not defined in the model`);
    }
    if (user.kind === "userset" && !this.model.relation(user.type, user.relation)) {
      throw new AuthzValidationError(
        `user '${value}': relation '${user.type}#${user.relation}' is not defined in the model`,
      );
    }
    return user;
  }

  private checkObject(value: string, relation: string): ObjectRef {
    const object = parseObject(value);
    assertRelationName(relation);
    if (!this.model.types.has(object.type)) {
      throw new AuthzValidationError(`object '${value}': type '${object.type}' is not defined in the model`);
    }
    if (!this.model.relation(object.type, relation)) {
      throw new AuthzValidationError(`relation '${object.type}#${relation}' is not defined in the model`);
    }
    return object;
  }

  private validateTuple(tuple: TupleKey): void {
    const object = parseObject(tuple.object);
    const user = parseUser(tuple.user);
    assertRelationName(tuple.relation);
    const describe = `tuple ${tuple.object}#${tuple.relation}@${tuple.user}`;
    if (!this.model.types.has(object.type)) {
      throw new InvalidTupleError(`${describe}: ${new TypeNotFoundError(object.type).message}`);
    }
    const def = this.model.relation(object.type, tuple.relation);
    if (!def) {
      throw new InvalidTupleError(`${describe}: relation '${object.type}#${tuple.relation}' is not defined`);
    }
    if (!allows(def.direct, user)) {
      const accepted = [
        ...def.direct.objects,
        ...[...def.direct.wildcards].map((type) => `${type}:*`),
        ...def.direct.usersets,
      ];
      throw new InvalidTupleError(
        `${describe}: '${object.type}#${tuple.relation}' accepts ${accepted.length ? accepted.join(", ") : "no direct users"}`,
      );
    }
  }
}
