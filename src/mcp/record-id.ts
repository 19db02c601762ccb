import type { ObjectRef } from "../access/index.js";

/**
 * The MCP `id` of a record: its sync and its record id together (record ids are unique only within
 * a sync), base64url-encoded so clients treat it as opaque. The tenant is not in it: `fetch` always
 * looks in the caller's own tenant, so another company's id finds nothing.
 *
 * @example encodeRecordId({ syncId: "s1", recordId: "r1" }) // "czE.cjE"
 */
export function encodeRecordId(ref: ObjectRef): string {
  return `${toBase64Url(ref.syncId)}.${toBase64Url(ref.recordId)}`;
}

/**
 * The longest MCP `id` accepted: a sync id and a record id of up to ~3 KB together (an S3 key is
 * at most 1,024 bytes). A longer one was never made by `encodeRecordId` for a real record, and
 * would otherwise go on, decoded, to the store and the Permissions API.
 */
export const MAX_RECORD_ID_CHARS = 4096;

/** The record an MCP `id` names, or undefined when it is not one `encodeRecordId` could have made. */
export function decodeRecordId(id: string): ObjectRef | undefined {
  const parts = id.trim().split(".");
  if (parts.length !== 2) return undefined;
  const [syncId, recordId] = parts.map(fromBase64Url);
  if (!syncId || !recordId) return undefined;
  // Only the canonical spelling: one record, one id (no padding or alphabet variants).
  if (encodeRecordId({ syncId, recordId }) !== id.trim()) return undefined;
  return { syncId, recordId };
}

function toBase64Url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

function fromBase64Url(part: string | undefined): string | undefined {
  if (!part || !/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  const text = Buffer.from(part, "base64url").toString("utf8");
  return text === "" ? undefined : text;
}
