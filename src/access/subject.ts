import { bareObjectId, plainUser } from "../managed-sync/index.js";
import type { Subject } from "./types.js";

/**
 * The canonical form of a subject: trimmed, without the `user:` prefix some Paragon examples use.
 *
 * @example normalizeSubject(" user:ana@northwind.test ") // "ana@northwind.test"
 */
export function normalizeSubject(raw: string): Subject {
  return plainUser(raw.trim());
}

/**
 * A record id as the store keeps it: Paragon may echo objects as `file:<uuid>` (its FGA type prefix).
 *
 * @example normalizeObjectId("file:3f0c…") // "3f0c…"
 */
export function normalizeObjectId(raw: string): string {
  return bareObjectId(raw);
}
