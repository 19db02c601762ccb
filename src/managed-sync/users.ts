/**
 * How `user` is sent to the Permissions API. The docs disagree: check and list-* show a plain
 * email, batch-check shows `user:email`. `documented` (the default) sends each endpoint the form its
 * documentation shows, whichever form the caller passed; `as-given` sends exactly what the caller passed.
 */
export type UserFormat = "documented" | "as-given";

const USER_PREFIX = "user:";

/** `user:ana@x.test` → `ana@x.test`; a plain email is returned unchanged. */
export function plainUser(user: string): string {
  return user.startsWith(USER_PREFIX) ? user.slice(USER_PREFIX.length) : user;
}

/** `ana@x.test` → `user:ana@x.test`; an already prefixed user is returned unchanged. */
export function prefixedUser(user: string): string {
  return user.startsWith(USER_PREFIX) ? user : `${USER_PREFIX}${user}`;
}

/** `file:<uuid>` / `folder:<uuid>` → `<uuid>`: the record id, whichever form the server echoes. */
export function bareObjectId(object: string): string {
  return object.replace(/^(file|folder):/, "");
}
