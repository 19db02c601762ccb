import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DriveGraphError } from "./errors.js";
import { loadModelFile } from "./load-model.js";
import type { AuthorizationModel } from "./model.js";
import type { TupleKey } from "./tuple-store.js";

const role = z.enum(["owner", "writer", "reader"]);

const grantSchema = z
  .object({
    user: z.string().min(3).optional(),
    group: z.string().min(1).optional(),
    domain: z.string().min(1).optional(),
    anyone: z.enum(["link", "public"]).optional(),
    role,
  })
  .refine((grant) => [grant.user, grant.group, grant.domain, grant.anyone].filter(Boolean).length === 1, {
    message: "a grant names exactly one of user, group, domain, anyone",
  });

const nodeSchema = z.object({
  id: z.string().min(1),
  type: z.enum(["file", "folder"]),
  parentId: z.string().min(1).optional(),
  owner: z.string().min(3).optional(),
  grants: z.array(grantSchema).default([]),
});

/** A neutral description of a drive: people, (nested) groups, and files/folders with their sharing. */
export const driveGraphSchema = z.object({
  /** The workspace domain: every person whose email is in it is a member of `domain:<domain>`. */
  domain: z.string().min(1).optional(),
  /** Everyone who can be asked about, by email. */
  people: z.array(z.string().min(3)),
  /** Members are emails or `group:<id>` (nested groups). */
  groups: z.array(z.object({ id: z.string().min(1), members: z.array(z.string().min(1)) })).default([]),
  /** Files and folders by record id; `parentId` names a folder node. */
  nodes: z.array(nodeSchema),
});

export type DriveGraph = z.input<typeof driveGraphSchema>;
export type DriveGrant = z.infer<typeof grantSchema>;
export type DriveNode = z.input<typeof nodeSchema>;

/** The drive model's relations to ask about: `is_owner ⊃ can_write ⊃ can_read`. */
export type DrivePermission =
  | "is_owner"
  | "can_write"
  | "can_read"
  | "can_read_with_link"
  | "can_write_with_link";

let driveModel: AuthorizationModel | undefined;

/** The default file-storage model (`src/authz/models/drive.fga`), parsed once. */
export function loadDriveModel(): AuthorizationModel {
  driveModel ??= loadModelFile(driveModelPath());
  return driveModel;
}

/** Where `drive.fga` is: next to this module, or in `src/` when running from a build without it. */
export function driveModelPath(): string {
  const beside = fileURLToPath(new URL("./models/drive.fga", import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL("../../src/authz/models/drive.fga", import.meta.url));
}

/** The OpenFGA user for an email (emails compare case-insensitively). @example driveUser("Ana@x.test") // "user:ana@x.test" */
export function driveUser(email: string): string {
  return `user:${email.trim().toLowerCase()}`;
}

/** The OpenFGA object for a file or folder record. @example driveObject({ type: "file", id: "r1" }) // "file:r1" */
export function driveObject(node: { type: "file" | "folder"; id: string }): string {
  return `${node.type}:${node.id}`;
}

/** The tuple a grant on a node becomes. Throws DriveGraphError for a grant Drive cannot express. */
export function grantTuple(node: { type: "file" | "folder"; id: string }, grant: DriveGrant): TupleKey {
  const object = driveObject(node);
  if (grant.anyone) {
    if (grant.role === "owner")
      throw new DriveGraphError(`${object}: 'anyone' cannot be an owner; grant writer or reader`);
    const relation = grant.anyone === "link" ? `link_${grant.role}` : grant.role;
    return { object, relation, user: "user:*" };
  }
  if (grant.user) return { object, relation: grant.role, user: driveUser(grant.user) };
  if (grant.role === "owner") {
    throw new DriveGraphError(
      `${object}: only a person can be an owner; grant the group or domain writer instead`,
    );
  }
  if (grant.group) return { object, relation: grant.role, user: `group:${grant.group}#member` };
  return { object, relation: grant.role, user: `domain:${(grant.domain as string).toLowerCase()}#member` };
}

/** The tuple putting `member` (an email or `group:<id>`) in a group. */
export function memberTuple(groupId: string, member: string): TupleKey {
  const user = member.startsWith("group:") ? `${member}#member` : driveUser(member);
  return { object: `group:${groupId}`, relation: "member", user };
}

/** The tuple placing a node in a folder (moving a file = delete the old one, write the new one). */
export function parentTuple(node: { type: "file" | "folder"; id: string }, folderId: string): TupleKey {
  return { object: driveObject(node), relation: "parent", user: `folder:${folderId}` };
}

/**
 * Every tuple a drive description implies, for the drive model: parents, owners, grants, group
 * members, and domain members (each person whose email is in the workspace domain or a granted domain).
 *
 * @example driveTuples({ people: ["a@x.test"], nodes: [{ id: "f1", type: "file", owner: "a@x.test" }] })
 */
export function driveTuples(input: DriveGraph): TupleKey[] {
  const parsed = driveGraphSchema.safeParse(input);
  if (!parsed.success) {
    throw new DriveGraphError(`the drive description is invalid: ${z.prettifyError(parsed.error)}`);
  }
  const graph = parsed.data;
  const tuples: TupleKey[] = [];
  const groups = new Set(graph.groups.map((group) => group.id));
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const domains = new Set<string>();
  if (graph.domain) domains.add(graph.domain.toLowerCase());

  for (const group of graph.groups) {
    for (const member of group.members) {
      if (member.startsWith("group:") && !groups.has(member.slice("group:".length))) {
        throw new DriveGraphError(
          `group '${group.id}' lists ${member}, which is not a defined group: define it`,
        );
      }
      tuples.push(memberTuple(group.id, member));
    }
  }
  for (const node of graph.nodes) {
    if (node.parentId !== undefined) {
      const parent = nodes.get(node.parentId);
      if (parent?.type !== "folder") {
        throw new DriveGraphError(
          `${node.type} '${node.id}' has parent '${node.parentId}', which is not a folder node`,
        );
      }
      tuples.push(parentTuple(node, node.parentId));
    }
    if (node.owner)
      tuples.push({ object: driveObject(node), relation: "owner", user: driveUser(node.owner) });
    for (const grant of node.grants) {
      if (grant.group !== undefined && !groups.has(grant.group)) {
        throw new DriveGraphError(
          `${driveObject(node)} is shared with group '${grant.group}', which is not defined`,
        );
      }
      if (grant.domain) domains.add(grant.domain.toLowerCase());
      tuples.push(grantTuple(node, grant));
    }
  }
  for (const email of graph.people) {
    const domain = email
      .slice(email.lastIndexOf("@") + 1)
      .trim()
      .toLowerCase();
    if (domains.has(domain))
      tuples.push({ object: `domain:${domain}`, relation: "member", user: driveUser(email) });
  }
  return tuples;
}

/** What to write and delete to go from `current` to `next` (e.g. after an admin change). */
export function diffTuples(
  current: Iterable<TupleKey>,
  next: Iterable<TupleKey>,
): { writes: TupleKey[]; deletes: TupleKey[] } {
  const key = (tuple: TupleKey): string => `${tuple.object}#${tuple.relation}@${tuple.user}`;
  const before = new Map([...current].map((tuple) => [key(tuple), tuple]));
  const after = new Map([...next].map((tuple) => [key(tuple), tuple]));
  return {
    writes: [...after].filter(([k]) => !before.has(k)).map(([, tuple]) => tuple),
    deletes: [...before].filter(([k]) => !after.has(k)).map(([, tuple]) => tuple),
  };
}
