import { createHash } from "node:crypto";

/**
 * SHA-256 hex of extracted text (UTF-8) or raw bytes: equal hashes mean the record need not be
 * re-embedded.
 *
 * @example contentHash("hello") // "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
 */
export function contentHash(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}
