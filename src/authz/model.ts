import { RelationNotFoundError, TypeNotFoundError } from "./errors.js";
import type { UserRef } from "./identifiers.js";

/** A relation's rewrite rule, compiled from OpenFGA's `Userset` JSON. */
export type Rewrite =
  | { readonly kind: "this" }
  | { readonly kind: "computed"; readonly relation: string }
  | { readonly kind: "ttu"; readonly tupleset: string; readonly computed: string }
  | { readonly kind: "union"; readonly children: readonly Rewrite[] }
  | { readonly kind: "intersection"; readonly children: readonly Rewrite[] }
  | { readonly kind: "difference"; readonly base: Rewrite; readonly subtract: Rewrite };

/** The user shapes a relation accepts in stored tuples (its `[...]` type restrictions). */
export interface DirectRestrictions {
  /** Types allowed as plain objects: `[user]`. */
  readonly objects: ReadonlySet<string>;
  /** Types allowed as wildcards: `[user:*]`. */
  readonly wildcards: ReadonlySet<string>;
  /** Usersets allowed, as `type#relation`: `[group#member]`. */
  readonly usersets: ReadonlySet<string>;
}

/** One compiled relation of one type. */
export interface RelationDef {
  readonly type: string;
  readonly name: string;
  readonly rewrite: Rewrite;
  readonly direct: DirectRestrictions;
}

/** The OpenFGA JSON form of a model (`schema_version` + `type_definitions`), as parsed from the DSL. */
export interface AuthorizationModelJson {
  readonly schema_version: string;
  readonly type_definitions: readonly unknown[];
  readonly conditions?: Record<string, unknown>;
}

/** A compiled, validated authorization model: types, their relations and rewrites. */
export class AuthorizationModel {
  readonly types: ReadonlyMap<string, ReadonlyMap<string, RelationDef>>;
  /** The OpenFGA JSON the model was compiled from, for serving `GET /authorization-models`. */
  readonly json: AuthorizationModelJson;

  constructor(types: ReadonlyMap<string, ReadonlyMap<string, RelationDef>>, json: AuthorizationModelJson) {
    this.types = types;
    this.json = json;
  }

  /** The relation, or undefined when the type or relation is not defined. */
  relation(type: string, relation: string): RelationDef | undefined {
    return this.types.get(type)?.get(relation);
  }

  /** The relation; throws TypeNotFoundError / RelationNotFoundError otherwise. */
  requireRelation(type: string, relation: string): RelationDef {
    const relations = this.types.get(type);
    if (!relations) throw new TypeNotFoundError(type);
    const def = relations.get(relation);
    if (!def) throw new RelationNotFoundError(type, relation);
    return def;
  }

  /** Throws TypeNotFoundError unless the model defines `type`. */
  requireType(type: string): void {
    if (!this.types.has(type)) throw new TypeNotFoundError(type);
  }

  /** Whether a stored tuple `type:…#relation@user` satisfies the current type restrictions. */
  allowsTuple(type: string, relation: string, user: UserRef): boolean {
    const def = this.relation(type, relation);
    if (!def) return false;
    return allows(def.direct, user);
  }
}

/** Whether restrictions accept the user shape (OpenFGA ignores stored tuples that do not). */
export function allows(direct: DirectRestrictions, user: UserRef): boolean {
  switch (user.kind) {
    case "object":
      return direct.objects.has(user.type);
    case "wildcard":
      return direct.wildcards.has(user.type);
    case "userset":
      return direct.usersets.has(`${user.type}#${user.relation}`);
  }
}
