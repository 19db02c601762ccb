import { Checker } from "./check.js";
import type { UserRef } from "./identifiers.js";
import { formatUser } from "./identifiers.js";
import type { AuthorizationModel, RelationDef, Rewrite } from "./model.js";
import { allows } from "./model.js";
import type { TupleStore } from "./tuple-store.js";

/** A list-users filter: a type (`user`) or a userset type (`group#member`). */
export interface UserFilter {
  readonly type: string;
  readonly relation?: string;
}

/** One list-users result in OpenFGA's shape. */
export type ListedUser =
  | { readonly object: { readonly type: string; readonly id: string } }
  | { readonly userset: { readonly type: string; readonly id: string; readonly relation: string } }
  | { readonly wildcard: { readonly type: string } };

/**
 * Users matching `filter` that have `relation` on `type:id`, as OpenFGA's ListUsers returns them:
 * objects, usersets and wildcards. A forward walk collects candidates (a `user` filter walks into
 * group usersets to reach their members); each candidate is then confirmed by check, so every
 * returned user passes check (the wildcard too: `user:*` is returned when the type-bound public
 * grant holds, which — as in OpenFGA — does not mean every user passes once `but not` applies).
 */
export function listUsers(
  model: AuthorizationModel,
  store: TupleStore,
  object: { type: string; id: string },
  relation: string,
  filter: UserFilter,
): ListedUser[] {
  const candidates = new Map<string, UserRef>();
  const visited = new Set<string>();
  const wanted = (user: UserRef): boolean =>
    user.type === filter.type &&
    (filter.relation === undefined
      ? user.kind !== "userset"
      : user.kind === "userset" && user.relation === filter.relation);

  const visit = (type: string, id: string, name: string): void => {
    const key = `${type}:${id}#${name}`;
    if (visited.has(key)) return;
    visited.add(key);
    const def = model.relation(type, name);
    if (!def) return;
    // A userset contains itself, so it matches a filter of its own type#relation.
    const self: UserRef = { kind: "userset", type, id, relation: name };
    if (wanted(self)) candidates.set(key, self);
    walk(def, def.rewrite, id);
  };

  const walk = (def: RelationDef, rewrite: Rewrite, id: string): void => {
    switch (rewrite.kind) {
      case "this": {
        const bucket = store.bucket(def.type, id, def.name);
        if (!bucket) return;
        for (const [key, user] of bucket.direct) {
          if (allows(def.direct, user) && wanted(user)) candidates.set(key, user);
        }
        for (const userset of bucket.usersets.values()) {
          if (!def.direct.usersets.has(userset.typeRelation)) continue;
          visit(userset.type, userset.id, userset.relation);
        }
        return;
      }
      case "computed":
        visit(def.type, id, rewrite.relation);
        return;
      case "ttu": {
        const tupleset = model.relation(def.type, rewrite.tupleset);
        const bucket = store.bucket(def.type, id, rewrite.tupleset);
        if (!tupleset || !bucket) return;
        for (const parent of bucket.direct.values()) {
          if (parent.kind === "object" && tupleset.direct.objects.has(parent.type)) {
            visit(parent.type, parent.id, rewrite.computed);
          }
        }
        return;
      }
      case "union":
      case "intersection":
        for (const child of rewrite.children) walk(def, child, id);
        return;
      case "difference":
        walk(def, rewrite.base, id);
        return;
    }
  };

  visit(object.type, object.id, relation);
  const users: ListedUser[] = [];
  for (const user of candidates.values()) {
    if (new Checker(model, store, user).check(object.type, object.id, relation)) users.push(toListed(user));
  }
  return users;
}

function toListed(user: UserRef): ListedUser {
  switch (user.kind) {
    case "object":
      return { object: { type: user.type, id: user.id } };
    case "wildcard":
      return { wildcard: { type: user.type } };
    case "userset":
      return { userset: { type: user.type, id: user.id, relation: user.relation } };
  }
}

/** The OpenFGA string of a listed user (`user:anne`, `user:*`, `group:eng#member`). */
export function listedUserString(user: ListedUser): string {
  if ("object" in user) return formatUser({ kind: "object", ...user.object });
  if ("wildcard" in user) return formatUser({ kind: "wildcard", ...user.wildcard });
  return formatUser({ kind: "userset", ...user.userset });
}
