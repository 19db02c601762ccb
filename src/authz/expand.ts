import { formatUser } from "./identifiers.js";
import type { AuthorizationModel, RelationDef, Rewrite } from "./model.js";
import { allows } from "./model.js";
import type { TupleStore } from "./tuple-store.js";

/** A leaf of OpenFGA's UsersetTree. */
export type UsersetTreeLeaf =
  | { readonly users: { readonly users: string[] } }
  | { readonly computed: { readonly userset: string } }
  | {
      readonly tupleToUserset: {
        readonly tupleset: string;
        readonly computed: { readonly userset: string }[];
      };
    };

/** A node of OpenFGA's UsersetTree (`name` is always `type:id#relation`). */
export type UsersetTreeNode = { readonly name: string } & (
  | { readonly leaf: UsersetTreeLeaf }
  | { readonly union: { readonly nodes: UsersetTreeNode[] } }
  | { readonly intersection: { readonly nodes: UsersetTreeNode[] } }
  | { readonly difference: { readonly base: UsersetTreeNode; readonly subtract: UsersetTreeNode } }
);

/**
 * One level of `type:id#relation`, in OpenFGA's Expand shape: the relation's rewrite with its direct
 * users listed and computed / tuple-to-userset parts named, not followed (callers re-expand them).
 * Stored tuples the model's type restrictions reject are left out, as check ignores them.
 */
export function expand(
  model: AuthorizationModel,
  store: TupleStore,
  def: RelationDef,
  id: string,
): { root: UsersetTreeNode } {
  const name = `${def.type}:${id}#${def.name}`;
  const node = (rewrite: Rewrite): UsersetTreeNode => {
    switch (rewrite.kind) {
      case "this": {
        const bucket = store.bucket(def.type, id, def.name);
        const users: string[] = [];
        for (const user of bucket?.direct.values() ?? [])
          if (allows(def.direct, user)) users.push(formatUser(user));
        for (const [key, userset] of bucket?.usersets ?? []) {
          if (def.direct.usersets.has(userset.typeRelation)) users.push(key);
        }
        return { name, leaf: { users: { users } } };
      }
      case "computed":
        return { name, leaf: { computed: { userset: `${def.type}:${id}#${rewrite.relation}` } } };
      case "ttu": {
        const tupleset = model.relation(def.type, rewrite.tupleset);
        const computed: { userset: string }[] = [];
        for (const parent of store.bucket(def.type, id, rewrite.tupleset)?.direct.values() ?? []) {
          if (parent.kind !== "object" || !tupleset?.direct.objects.has(parent.type)) continue;
          if (!model.relation(parent.type, rewrite.computed)) continue;
          computed.push({ userset: `${parent.type}:${parent.id}#${rewrite.computed}` });
        }
        return {
          name,
          leaf: { tupleToUserset: { tupleset: `${def.type}:${id}#${rewrite.tupleset}`, computed } },
        };
      }
      case "union":
        return { name, union: { nodes: rewrite.children.map(node) } };
      case "intersection":
        return { name, intersection: { nodes: rewrite.children.map(node) } };
      case "difference":
        return { name, difference: { base: node(rewrite.base), subtract: node(rewrite.subtract) } };
    }
  };
  return { root: node(def.rewrite) };
}
