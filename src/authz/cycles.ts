import { ResolutionTooComplexError } from "./errors.js";
import type { AuthorizationModel, RelationDef, Rewrite } from "./model.js";
import type { Bucket, TupleStore } from "./tuple-store.js";

/** What the ground solver needs from a Checker (kept as an interface to avoid an import cycle). */
export interface GroundSource {
  readonly model: AuthorizationModel;
  readonly store: TupleStore;
  isSelf(type: string, id: string, relation: string): boolean;
  directHit(def: RelationDef, bucket: Bucket): boolean;
  known(key: string): boolean | undefined;
  remember(key: string, allowed: boolean): void;
}

/** A node's rule over other nodes: constants, node indexes, and/or/not. */
type Formula = boolean | number | { or: Formula[] } | { and: Formula[] } | { not: Formula };

const DEPTH_LIMIT = 25;

/**
 * Exact answer for a query whose reachable graph has a cycle. Grounds every node reachable from
 * the root for this user (breadth-first, so the depth limit applies to the shortest path), then
 * computes the well-founded model by Van Gelder's alternating fixpoint: positive recursion gets its
 * least fixpoint (cycles give false) and a node that depends on itself through `but not` stays
 * undefined, which is read as false. True and false nodes are exact, so they are memoised; an
 * undefined one is not: memoised as false, a later query of the same request (a batch-check, a
 * list-objects) read it as a false constant, so `but not` it became true there and the answer
 * depended on which object was asked first.
 */
export function resolveWithCycles(source: GroundSource, type: string, id: string, relation: string): boolean {
  const graph = ground(source, type, id, relation);
  if (typeof graph === "boolean") return graph;
  const { truth, possible } = wellFounded(graph.formulas);
  graph.keys.forEach((key, index) => {
    if (truth[index] === 1) source.remember(key, true);
    else if (possible[index] === 0) source.remember(key, false);
  });
  return truth[0] === 1;
}

function ground(
  source: GroundSource,
  rootType: string,
  rootId: string,
  rootRelation: string,
): boolean | { keys: string[]; formulas: Formula[] } {
  const { model, store } = source;
  const index = new Map<string, number>();
  const keys: string[] = [];
  const nodes: { type: string; id: string; def: RelationDef; level: number }[] = [];

  const ref = (type: string, id: string, relation: string, level: number): Formula => {
    if (source.isSelf(type, id, relation)) return true;
    const key = `${type}:${id}#${relation}`;
    const known = source.known(key);
    if (known !== undefined) return known;
    const existing = index.get(key);
    if (existing !== undefined) return existing;
    const def = model.relation(type, relation);
    if (!def) return false;
    if (level >= DEPTH_LIMIT) throw new ResolutionTooComplexError(DEPTH_LIMIT);
    index.set(key, nodes.length);
    keys.push(key);
    nodes.push({ type, id, def, level });
    return nodes.length - 1;
  };

  const build = (def: RelationDef, rewrite: Rewrite, id: string, level: number): Formula => {
    switch (rewrite.kind) {
      case "this": {
        const bucket = store.bucket(def.type, id, def.name);
        if (!bucket) return false;
        if (source.directHit(def, bucket)) return true;
        const or: Formula[] = [];
        for (const userset of bucket.usersets.values()) {
          if (def.direct.usersets.has(userset.typeRelation)) {
            or.push(ref(userset.type, userset.id, userset.relation, level + 1));
          }
        }
        return { or };
      }
      case "computed":
        return ref(def.type, id, rewrite.relation, level + 1);
      case "ttu": {
        const tupleset = model.relation(def.type, rewrite.tupleset);
        const bucket = store.bucket(def.type, id, rewrite.tupleset);
        if (!tupleset || !bucket) return false;
        const or: Formula[] = [];
        for (const parent of bucket.direct.values()) {
          if (parent.kind === "object" && tupleset.direct.objects.has(parent.type)) {
            or.push(ref(parent.type, parent.id, rewrite.computed, level + 1));
          }
        }
        return { or };
      }
      case "union":
        return { or: rewrite.children.map((child) => build(def, child, id, level)) };
      case "intersection":
        return { and: rewrite.children.map((child) => build(def, child, id, level)) };
      case "difference":
        return {
          and: [build(def, rewrite.base, id, level), { not: build(def, rewrite.subtract, id, level) }],
        };
    }
  };

  const root = ref(rootType, rootId, rootRelation, 0);
  if (typeof root === "boolean") return root;
  const formulas: Formula[] = [];
  // nodes grows while we build: a breadth-first walk of the reachable graph.
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    formulas.push(build(node.def, node.def.rewrite, node.id, node.level));
  }
  return { keys, formulas };
}

/**
 * The well-founded model: `truth` holds the true nodes (1), `possible` the nodes not false (1):
 * a node true in neither is false, one possible but not true is undefined.
 */
function wellFounded(formulas: Formula[]): { truth: Uint8Array; possible: Uint8Array } {
  let truth: Uint8Array = new Uint8Array(formulas.length);
  for (;;) {
    const possible = leastModel(formulas, truth);
    const next = leastModel(formulas, possible);
    if (next.every((value, i) => value === truth[i])) return { truth: next, possible };
    truth = next;
  }
}

/** Least fixpoint of the rules with every negated node read from the fixed `negated` set. */
function leastModel(formulas: Formula[], negated: Uint8Array): Uint8Array {
  const current = new Uint8Array(formulas.length);
  const evaluate = (formula: Formula, positive: boolean): boolean => {
    if (typeof formula === "boolean") return formula;
    if (typeof formula === "number") return (positive ? current[formula] : negated[formula]) === 1;
    if ("or" in formula) return formula.or.some((child) => evaluate(child, positive));
    if ("and" in formula) return formula.and.every((child) => evaluate(child, positive));
    return !evaluate(formula.not, !positive);
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = formulas.length - 1; i >= 0; i--) {
      if (current[i] === 0 && evaluate(formulas[i]!, true)) {
        current[i] = 1;
        changed = true;
      }
    }
  }
  return current;
}
