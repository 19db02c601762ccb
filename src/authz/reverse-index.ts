import type { AuthorizationModel, DirectRestrictions, Rewrite } from "./model.js";

/**
 * When node `S:s#r` is known to contain the user, a trigger says which node it feeds:
 * - `computed`: `S:s#relation` (same object, a relation that rewrites to `r`);
 * - `userset`: every `type:x#relation` storing the user `S:s#r`;
 * - `ttu`: every `type:x#relation` whose `tupleset` stores `S:s` (`relation: r from tupleset`).
 * `certain` is false when the leaf sits under `and` or in the base of `but not`: the target is
 * then only a candidate and must be confirmed by check. Leaves under a subtract get no trigger.
 */
export interface Trigger {
  readonly kind: "computed" | "userset" | "ttu";
  readonly type: string;
  readonly relation: string;
  readonly tupleset?: string;
  readonly certain: boolean;
}

/** A `[…]` leaf of some relation: where stored tuples naming the user directly start the search. */
export interface DirectLeaf {
  readonly type: string;
  readonly relation: string;
  readonly direct: DirectRestrictions;
  readonly certain: boolean;
}

/** The model turned around for list-objects, plus which relations each target depends on. */
export interface ReverseIndex {
  readonly triggers: ReadonlyMap<string, readonly Trigger[]>;
  readonly directLeaves: readonly DirectLeaf[];
  /** `type#relation` pairs a target can be reached from (not through a subtract), including itself. */
  relevantTo(type: string, relation: string): ReadonlySet<string>;
}

const cache = new WeakMap<AuthorizationModel, ReverseIndex>();

/** The reverse index for a model, built once per model. */
export function reverseIndex(model: AuthorizationModel): ReverseIndex {
  let index = cache.get(model);
  if (!index) {
    index = build(model);
    cache.set(model, index);
  }
  return index;
}

function build(model: AuthorizationModel): ReverseIndex {
  const triggers = new Map<string, Trigger[]>();
  const directLeaves: DirectLeaf[] = [];
  const dependencies = new Map<string, Set<string>>();
  const add = (source: string, trigger: Trigger): void => {
    const list = triggers.get(source);
    if (list) list.push(trigger);
    else triggers.set(source, [trigger]);
  };

  for (const [type, relations] of model.types) {
    for (const def of relations.values()) {
      const deps = new Set<string>();
      dependencies.set(`${type}#${def.name}`, deps);
      const walk = (rewrite: Rewrite, certain: boolean): void => {
        switch (rewrite.kind) {
          case "this":
            for (const userset of def.direct.usersets) {
              deps.add(userset);
              add(userset, { kind: "userset", type, relation: def.name, certain });
            }
            directLeaves.push({ type, relation: def.name, direct: def.direct, certain });
            return;
          case "computed":
            deps.add(`${type}#${rewrite.relation}`);
            add(`${type}#${rewrite.relation}`, { kind: "computed", type, relation: def.name, certain });
            return;
          case "ttu": {
            const tupleset = model.relation(type, rewrite.tupleset);
            if (!tupleset) return;
            for (const parentType of tupleset.direct.objects) {
              if (!model.relation(parentType, rewrite.computed)) continue;
              const source = `${parentType}#${rewrite.computed}`;
              deps.add(source);
              add(source, { kind: "ttu", type, relation: def.name, tupleset: rewrite.tupleset, certain });
            }
            return;
          }
          case "union":
            for (const child of rewrite.children) walk(child, certain);
            return;
          case "intersection":
            for (const child of rewrite.children) walk(child, false);
            return;
          case "difference":
            // A subtract only removes, so it never yields a candidate.
            walk(rewrite.base, false);
            return;
        }
      };
      walk(def.rewrite, true);
    }
  }

  const relevance = new Map<string, Set<string>>();
  return {
    triggers,
    directLeaves,
    relevantTo(type, relation) {
      const root = `${type}#${relation}`;
      let seen = relevance.get(root);
      if (!seen) {
        seen = new Set([root]);
        const stack = [root];
        for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
          for (const dep of dependencies.get(next) ?? []) {
            if (!seen.has(dep)) {
              seen.add(dep);
              stack.push(dep);
            }
          }
        }
        relevance.set(root, seen);
      }
      return seen;
    },
  };
}
