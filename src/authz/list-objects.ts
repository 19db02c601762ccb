import type { Checker } from "./check.js";
import { MAX_RESOLUTION_DEPTH } from "./check.js";
import { ResolutionTooComplexError } from "./errors.js";
import { formatUser } from "./identifiers.js";
import { reverseIndex } from "./reverse-index.js";

interface Reached {
  readonly type: string;
  readonly id: string;
  readonly relation: string;
  readonly certain: boolean;
  readonly depth: number;
}

const CANDIDATE = 1;
const CERTAIN = 2;

/**
 * Yields the ids of every `type` object on which the checker's user has `relation`, each once.
 *
 * Reverse expansion: start from the tuples that name the user (or its type's wildcard), climb
 * usersets (nested groups), computed relations and tuple-to-userset edges (children of a folder),
 * visiting only relations the target can depend on. A node reached only through union edges is
 * certain; one reached through `and` or the base of `but not` is a candidate, confirmed by check
 * before it is yielded. So every yielded object passes check, and every object that passes check
 * is reached. Certain objects stream as they are found; candidates follow at the end.
 */
export function* reverseExpand(checker: Checker, type: string, relation: string): Generator<string> {
  const { model, store, user } = checker;
  const index = reverseIndex(model);
  const relevant = index.relevantTo(type, relation);
  const state = new Map<string, number>();
  const queue: Reached[] = [];
  const ready: string[] = [];
  const candidates: string[] = [];

  const reach = (
    nodeType: string,
    id: string,
    nodeRelation: string,
    certain: boolean,
    depth: number,
  ): void => {
    const key = `${nodeType}:${id}#${nodeRelation}`;
    const previous = state.get(key) ?? 0;
    const next = certain ? CERTAIN : CANDIDATE;
    if (next <= previous) return;
    if (previous === 0 && depth >= MAX_RESOLUTION_DEPTH)
      throw new ResolutionTooComplexError(MAX_RESOLUTION_DEPTH);
    state.set(key, next);
    queue.push({ type: nodeType, id, relation: nodeRelation, certain, depth });
    if (nodeType === type && nodeRelation === relation) (certain ? ready : candidates).push(id);
  };

  const userKey = formatUser(user);
  for (const leaf of index.directLeaves) {
    if (!relevant.has(`${leaf.type}#${leaf.relation}`)) continue;
    const stored: string[] = [];
    if (user.kind === "object") {
      if (leaf.direct.objects.has(user.type)) stored.push(userKey);
      if (leaf.direct.wildcards.has(user.type)) stored.push(`${user.type}:*`);
    } else if (user.kind === "wildcard") {
      if (leaf.direct.wildcards.has(user.type)) stored.push(userKey);
    } else if (leaf.direct.usersets.has(`${user.type}#${user.relation}`)) {
      stored.push(userKey);
    }
    for (const name of stored) {
      for (const id of store.objectIds(name, leaf.type, leaf.relation) ?? []) {
        reach(leaf.type, id, leaf.relation, leaf.certain, 0);
      }
    }
  }
  // A userset contains itself: group:eng#member has member on group:eng.
  if (user.kind === "userset" && relevant.has(`${user.type}#${user.relation}`)) {
    reach(user.type, user.id, user.relation, true, 0);
  }

  for (let head = 0; head < queue.length || ready.length > 0; ) {
    while (ready.length > 0) yield ready.pop() as string;
    const node = queue[head++];
    if (!node) break;
    const source = `${node.type}#${node.relation}`;
    for (const trigger of index.triggers.get(source) ?? []) {
      if (!relevant.has(`${trigger.type}#${trigger.relation}`)) continue;
      const certain = node.certain && trigger.certain;
      const depth = node.depth + 1;
      if (trigger.kind === "computed") {
        reach(node.type, node.id, trigger.relation, certain, depth);
        continue;
      }
      const storedUser =
        trigger.kind === "userset" ? `${node.type}:${node.id}#${node.relation}` : `${node.type}:${node.id}`;
      const storedRelation = trigger.kind === "userset" ? trigger.relation : (trigger.tupleset as string);
      for (const id of store.objectIds(storedUser, trigger.type, storedRelation) ?? []) {
        reach(trigger.type, id, trigger.relation, certain, depth);
      }
    }
  }

  for (const id of candidates) {
    if (state.get(`${type}:${id}#${relation}`) === CERTAIN) continue;
    if (checker.check(type, id, relation)) yield id;
  }
}
