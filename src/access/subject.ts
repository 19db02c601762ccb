import { bareObjectId, plainUser } from "../managed-sync/index.js";
import type { Subject } from "./types.js";

/**
 * The one form of a subject used everywhere (cache keys, invalidation, reports, requests): trimmed,
 * lower-cased (the Permissions API compares emails case-insensitively, so `Sam@` and `sam@` are one
 * person and must share one cache entry), without the `user:` prefix some Paragon examples use.
 *
 * @example normalizeSubject(" user:Ana@Northwind.test ") // "ana@northwind.test"
 */
export function normalizeSubject(raw: string): Subject {
  return plainUser(raw.trim().toLowerCase());
}

/**
 * A record id as the store keeps it: Paragon may echo objects as `file:<uuid>` (its FGA type prefix).
 *
 * @example normalizeObjectId("file:3f0c…") // "3f0c…"
 */
export function normalizeObjectId(raw: string): string {
  return bareObjectId(raw);
}
