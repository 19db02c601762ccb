import { createHash } from "node:crypto";
import type { ChunkMetadata } from "../store/index.js";

/**
 * A record's version as its metadata tells it, before any download: `v1:<content>:<meta>`.
 * `content` digests what decides the bytes (the source's content hash, size, MIME type — or
 * `updatedAt` when the source gives no hash); `meta` digests the fields copied onto chunks.
 */
export interface SourceVersion {
  value: string;
  /** Whether `content` rests on the source's own content hash, so equal means equal bytes. */
  trustedContent: boolean;
}

const PREFIX = "v1";

/** The version of a file record: changes of content and of chunk metadata are told apart. */
export function fileSourceVersion(
  record: { hash?: unknown; size?: number | null; mimeType?: string | null; updatedAt?: string | null },
  metadata: Omit<ChunkMetadata, "page">,
): SourceVersion {
  const trustedContent = hasHash(record.hash);
  const content = digest([
    trustedContent ? record.hash : null,
    record.size ?? null,
    record.mimeType ?? null,
    // Without a source hash only the modification time can say the bytes changed.
    trustedContent ? null : (record.updatedAt ?? null),
  ]);
  return { value: `${PREFIX}:${content}:${digest(metadata)}`, trustedContent };
}

/** The version of a CRM or ticket record: the record itself is the content, so any change counts. */
export function recordSourceVersion(record: unknown): SourceVersion {
  return { value: `${PREFIX}:${digest(record)}:`, trustedContent: false };
}

/**
 * The version stored for a record indexed without its content: its source version marked with
 * the limits it was read under. The planner takes it as unchanged while the limits stay; under
 * other limits it no longer matches, so the record is read again.
 */
export function contentUnreadVersion(version: string, limits: string): string {
  return `${version}#content-unread;${limits}`;
}

/** True when two versions agree on content, so the stored chunks' text is still right. */
export function sameContent(a: string, b: string): boolean {
  const [prefixA, contentA] = a.split(":");
  const [prefixB, contentB] = b.split(":");
  return prefixA === PREFIX && prefixB === PREFIX && contentA !== undefined && contentA === contentB;
}

function hasHash(hash: unknown): boolean {
  if (hash === null || hash === undefined || hash === "") return false;
  if (typeof hash === "object")
    return Object.values(hash).some((v) => v !== null && v !== undefined && v !== "");
  return true;
}

function digest(value: unknown): string {
  return createHash("sha256").update(stableJson(value)).digest("base64url").slice(0, 22);
}

/** JSON with object keys sorted, so the same record always digests the same. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
