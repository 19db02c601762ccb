import type { Subject } from "./types.js";

/**
 * The canonical form of a subject: trimmed, without the `user:` prefix some Paragon examples use.
 *
 * @example normalizeSubject(" user:ana@northwind.test ") // "ana@northwind.test"
 */
export function normalizeSubject(raw: string): Subject {
  const trimmed = raw.trim();
  return trimmed.startsWith("user:") ? trimmed.slice("user:".length) : trimmed;
}

/**
 * A record id as the store keeps it: Paragon may echo objects as `file:<uuid>` (its FGA type prefix).
 *
 * @example normalizeObjectId("file:3f0c…") // "3f0c…"
 */
export function normalizeObjectId(raw: string): string {
  const colon = raw.indexOf(":");
  if (colon < 0) return raw;
  const prefix = raw.slice(0, colon);
  return prefix === "file" || prefix === "folder" ? raw.slice(colon + 1) : raw;
}
