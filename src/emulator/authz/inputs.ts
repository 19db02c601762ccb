import { driveUser } from "../../authz/index.js";
import type { SyncEntry } from "../state/index.js";
import { PermissionInputError } from "./errors.js";

/** The roles the Permissions API documents (not owner/viewer/editor). */
export const ROLES = ["can_read", "can_write", "is_owner"] as const;
export type PermissionRole = (typeof ROLES)[number];

/** The object types a File Storage sync has. */
export const OBJECT_TYPES = ["file", "folder"] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** `"x" is malformed` or `is missing`, for messages that name the field. */
function shown(value: unknown): string {
  return value === undefined ? "is missing" : `${JSON.stringify(value)} is malformed`;
}

// Lenient on purpose: Paragon documents "the email of the user" and nothing stricter.
const EMAIL = /^[^\s@:#]+@[^\s@:#]+$/;
const OBJECT_ID = /^[^\s:#@]{1,256}$/;

/** A role of the documented enum; anything else is a 400 naming it. */
export function parseRole(value: unknown, field = "role"): PermissionRole {
  if (typeof value === "string" && (ROLES as readonly string[]).includes(value))
    return value as PermissionRole;
  throw new PermissionInputError(
    "INVALID_ROLE",
    value === undefined
      ? `${field} is missing: use ${ROLES.join(", ")}`
      : `${field} ${JSON.stringify(value)} is not a Permissions API role: use ${ROLES.join(", ")}`,
  );
}

/** `ana@x.test` or `user:ana@x.test` → the OpenFGA user `user:ana@x.test` (lowercased). */
export function parseUser(value: unknown, field = "user"): { email: string; user: string } {
  const raw = typeof value === "string" ? value.trim() : "";
  const email = raw.startsWith("user:") ? raw.slice("user:".length) : raw;
  if (!EMAIL.test(email)) {
    throw new PermissionInputError(
      "INVALID_USER",
      `${field} ${shown(value)}: send an email ("ana@example.com") or "user:<email>"`,
    );
  }
  return { email: email.toLowerCase(), user: driveUser(email) };
}

/** An object of one sync, resolved: `known` is false when no record of the sync has that id and type. */
export interface ResolvedObject {
  type: ObjectType;
  id: string;
  /** `type:id`, as the engine names it. */
  object: string;
  known: boolean;
}

/**
 * A record id (`<uuid>`) or a typed one (`file:<uuid>`, `folder:<uuid>`). A bare id takes the type
 * of the sync's record with that id (file when there is none). The sync root is not a Synced Object,
 * so it counts as unknown.
 */
export function parseObject(sync: SyncEntry | undefined, value: unknown, field = "object"): ResolvedObject {
  const raw = typeof value === "string" ? value.trim() : "";
  const colon = raw.indexOf(":");
  const typed = colon >= 0;
  const type = typed ? raw.slice(0, colon) : undefined;
  const id = typed ? raw.slice(colon + 1) : raw;
  if (!OBJECT_ID.test(id) || (typed && type === "")) {
    throw new PermissionInputError(
      "INVALID_OBJECT",
      `${field} ${shown(value)}: send a record id ("<uuid>") or "file:<uuid>" / "folder:<uuid>"`,
    );
  }
  if (type !== undefined && !(OBJECT_TYPES as readonly string[]).includes(type)) {
    throw new PermissionInputError(
      "UNKNOWN_TYPE",
      `${field} ${JSON.stringify(value)} has type '${type}', which a File Storage sync does not have: use file or folder`,
    );
  }
  const node = sync?.tree.get(id);
  const record = node && node !== sync?.tree.root ? node : undefined;
  const resolved = (type as ObjectType | undefined) ?? record?.type ?? "file";
  return { type: resolved, id, object: `${resolved}:${id}`, known: record?.type === resolved };
}

/** The record id of an object, whichever form it was sent in (no validation: `parseObject` does that). */
export function objectId(value: unknown): string {
  const raw = typeof value === "string" ? value.trim() : "";
  return raw.slice(raw.indexOf(":") + 1);
}

/** An object type for list-objects: `file` or `folder`. */
export function parseObjectType(value: unknown, field = "objectType"): ObjectType {
  if (typeof value === "string" && (OBJECT_TYPES as readonly string[]).includes(value)) {
    return value as ObjectType;
  }
  throw new PermissionInputError(
    "UNKNOWN_TYPE",
    `${field} ${value === undefined ? "is missing" : `${JSON.stringify(value)} is not an object type of a File Storage sync`}: use file or folder`,
  );
}
