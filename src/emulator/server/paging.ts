import { createHash } from "node:crypto";
import { ClearanceError } from "../../errors.js";
import {
  type EmulatorState,
  isFileSync,
  type SyncEntry,
  type SyncRecord,
  syncedItems,
} from "../state/index.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { badRequest } from "./http-errors.js";
import type { MalformedRecords } from "./malformed-records.js";
import { type FieldsRecord, type FileRecord, type SyncItem, toRecordJson } from "./records.js";
import { ticketArchive } from "./ticket-content.js";

/** Page size when the caller gives none. */
export const DEFAULT_PAGE_SIZE = 100;
/** Larger requests are clamped to this. */
export const MAX_PAGE_SIZE = 1000;

export interface Paging {
  totalRecords: number;
  totalActiveRecords: number;
  remainingRecords: number;
  cursor: string;
  lastSeen: number;
}

/** Parses `pageSize` (or the older `page_size`): a positive integer, clamped to MAX_PAGE_SIZE. */
export function pageSizeFrom(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_PAGE_SIZE;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1)
    throw badRequest(`pageSize must be a positive integer (got "${value}")`);
  return Math.min(size, MAX_PAGE_SIZE);
}

/**
 * One page of records after `cursor`, ordered by seq, with `paging` as the Sync API documents it.
 * Files and CRM/ticket records page alike.
 */
export function pullPage(
  sync: SyncEntry,
  cursor: string | undefined,
  pageSize: number,
): { records: SyncItem[]; data: (FileRecord | FieldsRecord)[]; paging: Paging } {
  const after = decodeCursor(sync.id, cursor);
  const items = syncedItems(sync);
  const { records, remaining } = items.pageAfter(after, pageSize);
  const lastSeen = records.at(-1)?.seq ?? after;
  const active = items.recordCount;
  return {
    records,
    data: records.map((item) => toRecordJson(sync, item)),
    paging: {
      totalRecords: active + items.deletedCount,
      totalActiveRecords: active,
      remainingRecords: remaining,
      cursor: encodeCursor(sync.id, lastSeen),
      lastSeen,
    },
  };
}

/**
 * Download Content: a file's raw bytes with its MIME type; a ticket's ZIP archive (a Markdown file
 * with its title, description and comments, and `attachments/`). Folders and CRM records have none
 * (400). Content set malformed on purpose (`malformed.setContent`) is served instead.
 */
export function contentResponse(
  state: EmulatorState,
  sync: SyncEntry,
  item: SyncItem,
  malformed?: MalformedRecords,
): Response {
  const served = malformed?.contentOf(sync.id, item.id);
  if (served) {
    return bytesResponse(served.bytes, served.mimeType, createHash("md5").update(served.bytes).digest("hex"));
  }
  if (!isFileSync(sync)) {
    if (sync.pipeline !== "tickets") {
      throw new ClearanceError(
        "NO_CONTENT",
        `record ${item.id} is a ${sync.pipeline} record: only files and tickets have content`,
      );
    }
    const bytes = ticketArchive(item as SyncRecord);
    return bytesResponse(bytes, "application/zip", createHash("md5").update(bytes).digest("hex"));
  }
  const node = item as Exclude<SyncItem, SyncRecord>;
  const bytes = node.type === "file" ? state.contentOf(node) : undefined;
  if (!bytes) {
    throw new ClearanceError("NO_CONTENT", `record ${node.id} is a folder: only files have content`);
  }
  return bytesResponse(bytes, node.mimeType, node.hash?.md5 ?? "");
}

function bytesResponse(bytes: Uint8Array, mimeType: string, md5: string): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: { "Content-Type": mimeType, "Content-Length": String(bytes.byteLength), ETag: `"${md5}"` },
  });
}
