import { AuthzValidationError } from "./errors.js";

/** An object such as `file:1234`. */
export interface ObjectRef {
  readonly type: string;
  readonly id: string;
}

/** A user in OpenFGA form: an object (`user:anne`), a wildcard (`user:*`) or a userset (`group:eng#member`). */
export type UserRef =
  | { readonly kind: "object"; readonly type: string; readonly id: string }
  | { readonly kind: "wildcard"; readonly type: string }
  | { readonly kind: "userset"; readonly type: string; readonly id: string; readonly relation: string };

// Patterns from OpenFGA's API (openfga/v1/openfga.proto).
const USER_PATTERN = /^[^\s]{2,512}$/;
const OBJECT_PATTERN = /^[^\s]{2,256}$/;
const RELATION_PATTERN = /^[^:#@\s]{1,50}$/;
const TYPE_PATTERN = /^[^:#@\s]{1,254}$/;

/** Throws unless `relation` is a well-formed relation name. */
export function assertRelationName(relation: string): void {
  if (!RELATION_PATTERN.test(relation)) {
    throw new AuthzValidationError(
      `relation '${relation}' is malformed: use 1-50 characters without ':', '#', '@' or spaces`,
    );
  }
}

/** Throws unless `type` is a well-formed type name. */
export function assertTypeName(type: string): void {
  if (!TYPE_PATTERN.test(type)) {
    throw new AuthzValidationError(
      `type '${type}' is malformed: use 1-254 characters without ':', '#', '@' or spaces`,
    );
  }
}

/** Parses `type:id`; rejects usersets and wildcards. @example parseObject("file:42") */
export function parseObject(value: string): ObjectRef {
  const colon = value.indexOf(":");
  if (!OBJECT_PATTERN.test(value) || colon <= 0 || colon === value.length - 1 || value.includes("#")) {
    throw new AuthzValidationError(`object '${value}' is malformed: write it as 'type:id'`);
  }
  const type = value.slice(0, colon);
  const id = value.slice(colon + 1);
  if (id === "*")
    throw new AuthzValidationError(`object '${value}' is a wildcard: name one object, 'type:id'`);
  assertTypeName(type);
  return { type, id };
}

/** Parses `type:id`, `type:*` or `type:id#relation`. @example parseUser("group:eng#member") */
export function parseUser(value: string): UserRef {
  const colon = value.indexOf(":");
  if (!USER_PATTERN.test(value) || colon <= 0 || colon === value.length - 1) {
    throw new AuthzValidationError(
      `user '${value}' is malformed: write 'type:id', 'type:*' or 'type:id#relation'`,
    );
  }
  const type = value.slice(0, colon);
  assertTypeName(type);
  const rest = value.slice(colon + 1);
  const hash = rest.lastIndexOf("#");
  if (hash === -1) {
    return rest === "*" ? { kind: "wildcard", type } : { kind: "object", type, id: rest };
  }
  const id = rest.slice(0, hash);
  const relation = rest.slice(hash + 1);
  if (id === "" || id === "*") {
    throw new AuthzValidationError(
      `user '${value}' is malformed: a userset names one object, 'type:id#relation'`,
    );
  }
  assertRelationName(relation);
  return { kind: "userset", type, id, relation };
}

/** Formats a user back to its OpenFGA string. */
export function formatUser(user: UserRef): string {
  switch (user.kind) {
    case "object":
      return `${user.type}:${user.id}`;
    case "wildcard":
      return `${user.type}:*`;
    case "userset":
      return `${user.type}:${user.id}#${user.relation}`;
  }
}
