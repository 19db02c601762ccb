import { type Invalidation, normalizeSubject } from "../access/index.js";
import type { PermissionChange } from "../managed-sync/index.js";

/** Past this many distinct scopes in one page, the whole sync is dropped instead (cheaper, same safety). */
const MAX_SCOPES_PER_PAGE = 500;

/**
 * What one tuple change may have made stale in a sync's caches, as narrowly as the tuple allows:
 * - the subject: the tuple's user when it is one person (`user:<email>`); every subject when it is
 *   a userset (`group:x#member`, `domain:y#member`) or everyone (`user:*`);
 * - the records: the one file when the object is a file (its grants, owner or parent); every
 *   record of the sync when it is a folder (its subtree inherits, and the feed does not say which
 *   records are below it), a group or a domain (membership reaches whatever they are granted).
 *
 * @example invalidationOf(syncId, { object: "group:eng", relation: "member", user: "user:leo@x.test", operation: "delete" })
 * // { syncId, subject: "leo@x.test" }
 */
export function invalidationOf(
  syncId: string,
  change: Pick<PermissionChange, "object" | "user">,
): Invalidation {
  const subject = personOf(change.user);
  const colon = change.object.indexOf(":");
  const type = change.object.slice(0, colon);
  const id = change.object.slice(colon + 1);
  const scope: Invalidation = { syncId };
  if (type === "file" && id !== "") scope.recordId = id;
  if (subject !== undefined) scope.subject = subject;
  return scope;
}

/** The distinct invalidations a page of changes calls for (the whole sync when there are too many). */
export function invalidationsOf(syncId: string, changes: readonly PermissionChange[]): Invalidation[] {
  const scopes = new Map<string, Invalidation>();
  for (const change of changes) {
    const scope = invalidationOf(syncId, change);
    if (scope.recordId === undefined && scope.subject === undefined) return [{ syncId }];
    scopes.set(`${scope.recordId ?? ""}\u0000${scope.subject ?? ""}`, scope);
    if (scopes.size > MAX_SCOPES_PER_PAGE) return [{ syncId }];
  }
  return [...scopes.values()];
}

/** `user:ana@x.test` → `ana@x.test`; a userset, `user:*` or anything else → undefined (every subject). */
function personOf(user: string): string | undefined {
  if (!user.startsWith("user:") || user.includes("#")) return undefined;
  const email = normalizeSubject(user);
  return email === "*" || email === "" ? undefined : email;
}
