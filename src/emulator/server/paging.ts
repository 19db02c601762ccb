import { ClearanceError } from "../../errors.js";
import type { EmulatorState, SyncEntry, SyncNode } from "../state/index.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { badRequest } from "./http-errors.js";
import { type FileRecord, toRecord } from "./records.js";

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

/** One page of records after `cursor`, ordered by seq, with `paging` as the Sync API documents it. */
export function pullPage(
  sync: SyncEntry,
  cursor: string | undefined,
  pageSize: number,
): { records: SyncNode[]; data: FileRecord[]; paging: Paging } {
  const after = decodeCursor(sync.id, cursor);
  const { records, remaining } = sync.tree.pageAfter(after, pageSize);
  const lastSeen = records.at(-1)?.seq ?? after;
  const active = sync.tree.recordCount;
  return {
    records,
    data: records.map((node) => toRecord(sync, node)),
    paging: {
      totalRecords: active + sync.tree.deletedCount,
      totalActiveRecords: active,
      remainingRecords: remaining,
      cursor: encodeCursor(sync.id, lastSeen),
      lastSeen,
    },
  };
}

/** The raw bytes of a file record with its MIME type, or a 400 for folders. */
export function contentResponse(state: EmulatorState, node: SyncNode): Response {
  const bytes = node.type === "file" ? state.contentOf(node) : undefined;
  if (!bytes) {
    throw new ClearanceError("NO_CONTENT", `record ${node.id} is a folder: only files have content`);
  }
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      "Content-Type": node.mimeType,
      "Content-Length": String(bytes.byteLength),
      ETag: `"${node.hash?.md5 ?? ""}"`,
    },
  });
}
