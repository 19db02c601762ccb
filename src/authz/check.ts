import { resolveWithCycles } from "./cycles.js";
import { ResolutionTooComplexError } from "./errors.js";
import type { UserRef } from "./identifiers.js";
import { formatUser } from "./identifiers.js";
import type { AuthorizationModel, RelationDef, Rewrite } from "./model.js";
import type { Bucket, TupleStore } from "./tuple-store.js";

/** OpenFGA's default resolve-node limit: nested lookups deeper than this are an error. */
export const MAX_RESOLUTION_DEPTH = 25;

/** Thrown inside the fast path when it meets a cycle; never escapes this module. */
const CYCLE = Symbol("cycle");

/**
 * Answers "does `user` have `relation` on `type:id`?" for one user, memoising sub-results for the
 * life of one request (create a new Checker per request so writes are seen at once).
 *
 * Semantics: OpenFGA's rewrite rules over stored tuples that satisfy the current type restrictions.
 * Recursion is read as a least fixpoint (a cycle contributes nothing, so `viewer from parent` over a
 * parent loop is false unless something else grants), and a relation that depends on itself through
 * `but not` is false — the well-founded reading, which gives OpenFGA's answers on its cycle tests
 * (including `true_butnot_cycle_return_false`). The fast path is a depth-first search with
 * short-circuits; on meeting a cycle it hands the query to the exact ground solver in `cycles.ts`.
 */
export class Checker {
  readonly model: AuthorizationModel;
  readonly store: TupleStore;
  readonly user: UserRef;
  private readonly userKey: string;
  private readonly wildcardKey: string | undefined;
  private readonly memo = new Map<string, boolean>();
  private readonly onPath = new Set<string>();

  constructor(model: AuthorizationModel, store: TupleStore, user: UserRef) {
    this.model = model;
    this.store = store;
    this.user = user;
    this.userKey = formatUser(user);
    this.wildcardKey = user.kind === "object" ? `${user.type}:*` : undefined;
  }

  /** Whether the user has `relation` on `type:id`. Throws ResolutionTooComplexError past the depth limit. */
  check(type: string, id: string, relation: string): boolean {
    try {
      return this.resolve(type, id, relation, 0);
    } catch (error) {
      if (error !== CYCLE) throw error;
      this.onPath.clear();
      return resolveWithCycles(this, type, id, relation);
    } finally {
      this.onPath.clear();
    }
  }

  /** Whether `type:id#relation` is the checked user itself (OpenFGA: `doc:1#viewer` ∈ `doc:1#viewer`). */
  isSelf(type: string, id: string, relation: string): boolean {
    const user = this.user;
    return user.kind === "userset" && user.relation === relation && user.id === id && user.type === type;
  }

  /** Whether the bucket holds the user itself, or its type's wildcard, as the restrictions allow. */
  directHit(def: RelationDef, bucket: Bucket): boolean {
    const user = this.user;
    switch (user.kind) {
      case "object":
        return (
          (def.direct.objects.has(user.type) && bucket.direct.has(this.userKey)) ||
          (def.direct.wildcards.has(user.type) && bucket.direct.has(this.wildcardKey as string))
        );
      case "wildcard":
        return def.direct.wildcards.has(user.type) && bucket.direct.has(this.userKey);
      case "userset":
        return def.direct.usersets.has(`${user.type}#${user.relation}`) && bucket.usersets.has(this.userKey);
    }
  }

  /** A result already known in this request. */
  known(key: string): boolean | undefined {
    return this.memo.get(key);
  }

  /** Records an exact result for reuse in this request. */
  remember(key: string, allowed: boolean): void {
    this.memo.set(key, allowed);
  }

  private resolve(type: string, id: string, relation: string, depth: number): boolean {
    if (depth >= MAX_RESOLUTION_DEPTH) throw new ResolutionTooComplexError(MAX_RESOLUTION_DEPTH);
    if (this.isSelf(type, id, relation)) return true;
    const key = `${type}:${id}#${relation}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (this.onPath.has(key)) throw CYCLE;
    const def = this.model.relation(type, relation);
    if (!def) return false;
    this.onPath.add(key);
    const allowed = this.evaluate(def, def.rewrite, id, depth);
    this.onPath.delete(key);
    this.memo.set(key, allowed);
    return allowed;
  }

  private evaluate(def: RelationDef, rewrite: Rewrite, id: string, depth: number): boolean {
    switch (rewrite.kind) {
      case "this": {
        const bucket = this.store.bucket(def.type, id, def.name);
        if (!bucket) return false;
        if (this.directHit(def, bucket)) return true;
        for (const userset of bucket.usersets.values()) {
          if (
            def.direct.usersets.has(userset.typeRelation) &&
            this.resolve(userset.type, userset.id, userset.relation, depth + 1)
          ) {
            return true;
          }
        }
        return false;
      }
      case "computed":
        return this.resolve(def.type, id, rewrite.relation, depth + 1);
      case "ttu": {
        const tupleset = this.model.relation(def.type, rewrite.tupleset);
        const bucket = this.store.bucket(def.type, id, rewrite.tupleset);
        if (!tupleset || !bucket) return false;
        for (const parent of bucket.direct.values()) {
          if (parent.kind !== "object" || !tupleset.direct.objects.has(parent.type)) continue;
          if (!this.model.relation(parent.type, rewrite.computed)) continue;
          if (this.resolve(parent.type, parent.id, rewrite.computed, depth + 1)) return true;
        }
        return false;
      }
      case "union":
        return rewrite.children.some((child) => this.evaluate(def, child, id, depth));
      case "intersection":
        return rewrite.children.every((child) => this.evaluate(def, child, id, depth));
      case "difference":
        return (
          this.evaluate(def, rewrite.base, id, depth) && !this.evaluate(def, rewrite.subtract, id, depth)
        );
    }
  }
}
