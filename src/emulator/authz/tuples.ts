import {
  type DriveGrant,
  driveObject,
  driveUser,
  grantTuple,
  memberTuple,
  parentTuple,
  type TupleKey,
} from "../../authz/index.js";
import type { Grant, Group, NodeType, Person } from "../state/index.js";

/** The part of a node (a `SyncNode` or a `SharingNode`) its tuples come from. */
export interface TupleSource {
  id: string;
  type: NodeType;
  parentId: string | null;
  owner: string;
  grants: readonly Grant[];
}

function driveGrant(grant: Grant): DriveGrant {
  const { principal, role } = grant;
  switch (principal.type) {
    case "user":
      return { user: principal.email, role };
    case "group":
      return { group: principal.id, role };
    case "domain":
      return { domain: principal.domain, role };
    case "anyone":
      return { anyone: principal.scope, role };
  }
}

/**
 * A node's own tuples through the drive mapping: its parent folder, its owner and its grants.
 * Inheritance is the model's (`… from parent`), so a folder's grants reach its subtree without
 * tuples on the children. A grant Drive cannot express (an owner that is not a person) is skipped:
 * the state allows it, the model has no relation for it, and it must not break the other tuples.
 */
export function nodeTuples(node: TupleSource): TupleKey[] {
  const tuples: TupleKey[] = [];
  if (node.parentId !== null) tuples.push(parentTuple(node, node.parentId));
  tuples.push({ object: driveObject(node), relation: "owner", user: driveUser(node.owner) });
  for (const grant of node.grants) {
    try {
      tuples.push(grantTuple(node, driveGrant(grant)));
    } catch {
      // See above: not expressible in the drive model.
    }
  }
  return tuples;
}

/** A group's membership tuples (members are people or nested groups). */
export function groupTuples(group: Group): TupleKey[] {
  return group.members.map((member) =>
    memberTuple(group.id, member.type === "user" ? member.email : `group:${member.id}`),
  );
}

/**
 * A person's domain membership (`domain:<their domain>#member`). Written for everyone, not only for
 * granted domains, so a later domain grant needs no membership change.
 */
export function personTuple(person: Person): TupleKey {
  const email = person.email.trim().toLowerCase();
  return {
    object: `domain:${email.slice(email.lastIndexOf("@") + 1)}`,
    relation: "member",
    user: driveUser(email),
  };
}
