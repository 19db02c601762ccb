import type { Handler } from "./loopback.js";
import { sendJson } from "./loopback.js";

/** A file record as the Sync API documents it. */
export function fileRecord(index: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const hex = index.toString(16).padStart(12, "0");
  return {
    id: `00000000-0000-5000-8000-${hex}`,
    externalId: `drive-${index}`,
    name: `File ${index}.txt`,
    mimeType: "text/plain",
    size: 100 + index,
    url: `https://drive.example/${index}`,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-02T00:00:00.000Z",
    parentFolderId: null,
    ...extra,
  };
}

/** Options of `recordsHandler`. */
export interface RecordsServerOptions {
  syncId: string;
  records: Record<string, unknown>[];
  /** `camel` (current docs) or `snake` (older docs: total_records, remaining_records, last_seen). */
  style?: "camel" | "snake";
  defaultPageSize?: number;
  /** Leave `remainingRecords` out, so only an empty page tells the client it is caught up. */
  omitRemainingRecords?: boolean;
}

/**
 * Serves `GET /api/syncs/{syncId}/records` as documented: `pageSize` + `cursor` in, `{data, paging}`
 * out, where `paging.cursor` is the id of the page's last record and the next page starts after it.
 */
export function recordsHandler(options: RecordsServerOptions): Handler {
  const { records, syncId } = options;
  return (request, res) => {
    if (request.method !== "GET" || request.path !== `/api/syncs/${syncId}/records`) {
      sendJson(res, 404, { message: "Not found" });
      return;
    }
    const pageSize = Number(
      request.query.get("pageSize") ?? request.query.get("page_size") ?? options.defaultPageSize ?? 100,
    );
    const cursor = request.query.get("cursor");
    const start = cursor ? records.findIndex((r) => r.id === cursor) + 1 : 0;
    if (cursor && start === 0) {
      sendJson(res, 400, { message: "Invalid cursor" });
      return;
    }
    const page = records.slice(start, start + pageSize);
    const remaining = records.length - start - page.length;
    const last = page.at(-1);
    const nextCursor = (last?.id as string | undefined) ?? cursor ?? null;
    const paging =
      options.style === "snake"
        ? {
            total_records: records.length,
            remaining_records: remaining,
            cursor: nextCursor,
            last_seen: "2026-01-02T00:00:00Z",
          }
        : {
            totalRecords: records.length,
            totalActiveRecords: records.length,
            remainingRecords: remaining,
            cursor: nextCursor,
            lastSeen: 123,
          };
    if (options.omitRemainingRecords) {
      delete (paging as Record<string, unknown>).remainingRecords;
      delete (paging as Record<string, unknown>).remaining_records;
    }
    sendJson(res, 200, { data: page, paging });
  };
}
