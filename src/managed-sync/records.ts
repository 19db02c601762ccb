import { z } from "zod";
import { type CallOptions, pathId } from "./call-options.js";
import { ManagedSyncArgumentError, ManagedSyncResponseError } from "./errors.js";
import { guardBody, tooLarge } from "./guarded-body.js";
import type { Attempt, HttpCore, RequestSpec } from "./http.js";
import { type SyncedRecord, SyncedRecordSchema } from "./record-schemas.js";
import { RecordPageResponseSchema, RecordResponseSchema } from "./sync-schemas.js";
import { describeIssues } from "./validate.js";

/** One page of pulled records, paging normalised to camelCase. */
export interface RecordPage {
  /** The page's well-formed records, in page order. */
  records: SyncedRecord[];
  /**
   * The page's records that failed `SyncedRecordSchema` (a field of the wrong type, no id…); the
   * rest of the page is in `records`. Usually empty. Act on each (retry it by `recordId`, drop
   * what you held of it): the cursor moves past them like any other record.
   */
  invalid: InvalidRecord[];
  /** Persist this once the page is durable; pass it back as `cursor` to resume after this page. */
  cursor: string | undefined;
  remainingRecords: number | undefined;
  totalRecords: number | undefined;
  totalActiveRecords: number | undefined;
  lastSeen: number | string | undefined;
}

/** A record of a pulled page that is not what the API documents. */
export interface InvalidRecord {
  /** Its id when it has a usable one (a non-empty string); undefined when it cannot be named. */
  recordId: string | undefined;
  /** Its position in the page's `data` (0-based). */
  index: number;
  /** `code` `INVALID_RESPONSE`; `field` names the offending path, e.g. `data[3].createdAt`. */
  error: ManagedSyncResponseError;
}

/** Options of `pages`. */
export interface PageOptions extends CallOptions {
  /** Records per page (sent as `pageSize`); the server's default when omitted. */
  pageSize?: number;
  /** Resume after this saved cursor; from the start when omitted. */
  cursor?: string;
}

/** Options of the content downloads; `maxBytes` is required so one huge file cannot exhaust memory. */
export interface ContentOptions extends CallOptions {
  maxBytes: number;
}

/** A file's content as a stream. The stream errors with `ContentTooLargeError` / `BodyIncompleteError` / `ManagedSyncTimeoutError`. */
export interface RecordContent {
  /** The `Content-Type` header as sent (may carry `; charset=`). */
  contentType: string;
  /** The media type alone, lower-cased, e.g. `application/pdf`. */
  mimeType: string;
  /** The body's size from `Content-Length`; undefined without one, or when the body is encoded (gzip…). */
  contentLength: number | undefined;
  body: ReadableStream<Uint8Array>;
}

/** A file's content, buffered. */
export interface RecordContentBytes {
  contentType: string;
  mimeType: string;
  bytes: Uint8Array;
}

const CONTENT_ENDPOINT = "GET /api/syncs/{syncId}/records/{recordId}/content";

/** The Sync API's record calls: paged pulls, single records and file content. */
export class RecordsApi {
  constructor(private readonly http: HttpCore) {}

  /**
   * Pulls records page by page (`GET /api/syncs/{syncId}/records`), following `paging.cursor` until
   * an empty page or `remainingRecords = 0`. Empty pages are not yielded.
   *
   * @example
   * for await (const page of client.records.pages(syncId, { cursor: saved })) { await store(page.records); saved = page.cursor; }
   */
  async *pages(syncId: string, options: PageOptions = {}): AsyncGenerator<RecordPage> {
    const endpoint = "GET /api/syncs/{syncId}/records";
    if (options.pageSize !== undefined && !(Number.isInteger(options.pageSize) && options.pageSize > 0)) {
      throw new ManagedSyncArgumentError(
        "INVALID_ARGUMENT",
        `pageSize must be a positive integer, got ${options.pageSize}`,
      );
    }
    const path = `/api/syncs/${pathId("syncId", syncId)}/records`;
    // An empty saved cursor means "from the start", not `cursor=`.
    let cursor = options.cursor || undefined;
    for (;;) {
      const { data, paging } = await this.http.json(
        {
          method: "GET",
          path,
          endpoint,
          retry: "safe",
          query: { pageSize: options.pageSize, cursor },
          signal: options.signal,
          timeoutMs: options.timeoutMs,
        },
        RecordPageResponseSchema,
      );
      if (data.length === 0) return;
      const { records, invalid } = checkRecords(data, endpoint);
      const more = paging.remainingRecords !== 0;
      if (more && (paging.cursor === undefined || paging.cursor === cursor)) {
        // Without a new cursor the next request would fetch the same page forever.
        throw new ManagedSyncResponseError(
          `${endpoint} returned ${data.length} records and ${paging.remainingRecords ?? "unknown"} remaining but ${
            paging.cursor === undefined ? "no paging.cursor" : "the same paging.cursor it was sent"
          }: paging cannot continue; report this to Paragon with the sync id`,
          { endpoint, field: "paging.cursor" },
        );
      }
      yield {
        records,
        invalid,
        cursor: paging.cursor ?? cursor,
        remainingRecords: paging.remainingRecords,
        totalRecords: paging.totalRecords,
        totalActiveRecords: paging.totalActiveRecords,
        lastSeen: paging.lastSeen,
      };
      if (!more) return;
      cursor = paging.cursor;
    }
  }

  /** One record by its Paragon id (not the external id), unwrapped from `{ data }`. */
  async get(syncId: string, recordId: string, options: CallOptions = {}): Promise<SyncedRecord> {
    const body = await this.http.json(
      {
        method: "GET",
        path: `/api/syncs/${pathId("syncId", syncId)}/records/${pathId("recordId", recordId)}`,
        endpoint: "GET /api/syncs/{syncId}/records/{recordId}",
        retry: "safe",
        ...options,
      },
      RecordResponseSchema,
    );
    return body.data;
  }

  /**
   * Opens a file's content as a stream. Refuses at once when `Content-Length` exceeds `maxBytes`;
   * otherwise the stream errors when it does. Retried until the headers arrive, not mid-body:
   * use `contentBytes` for a download that retries a cut-off body. The timeout covers the whole
   * download, reading included: pass a larger `timeoutMs` for big files or slow consumers.
   */
  async content(syncId: string, recordId: string, options: ContentOptions): Promise<RecordContent> {
    const spec = this.contentSpec(syncId, recordId, options);
    return this.http.execute(spec, (response, attempt) => openContent(response, attempt, options));
  }

  /** Downloads a file's content into memory, retrying a cut-off body; throws `ContentTooLargeError` past `maxBytes`. */
  async contentBytes(syncId: string, recordId: string, options: ContentOptions): Promise<RecordContentBytes> {
    const spec = this.contentSpec(syncId, recordId, options);
    return this.http.execute(spec, async (response, attempt) => {
      const { body, contentType, mimeType } = await openContent(response, attempt, options);
      // Read inside the attempt so a body cut off mid-way is retried like any failed GET.
      const bytes = new Uint8Array(await new Response(body).arrayBuffer());
      return { contentType, mimeType, bytes };
    });
  }

  private contentSpec(syncId: string, recordId: string, options: ContentOptions): RequestSpec {
    if (!(Number.isFinite(options.maxBytes) && options.maxBytes >= 0)) {
      throw new ManagedSyncArgumentError(
        "INVALID_ARGUMENT",
        `maxBytes must be a non-negative number, got ${options.maxBytes}`,
      );
    }
    return {
      method: "GET",
      path: `/api/syncs/${pathId("syncId", syncId)}/records/${pathId("recordId", recordId)}/content`,
      endpoint: CONTENT_ENDPOINT,
      retry: "safe",
      accept: "*/*",
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    };
  }
}

/**
 * True when `get` failed because the record itself is malformed (a field under `data.` broke the
 * schema), not the answer around it: the record has an id, so a caller can fail and retry it alone.
 */
export function isMalformedRecordError(error: unknown): error is ManagedSyncResponseError {
  return error instanceof ManagedSyncResponseError && (error.field?.startsWith("data.") ?? false);
}

/** What is wrong with a malformed record, e.g. `field data[1].createdAt: Invalid input: expected string, received number`. */
export function malformedDetail(error: ManagedSyncResponseError): string {
  const field = `field ${error.field ?? "(body)"}`;
  return error.cause instanceof z.ZodError ? `${field}: ${describeIssues(error.cause, []).problem}` : field;
}

/** Checks each record of a page on its own: a malformed one is set aside, the rest stand. */
function checkRecords(data: readonly unknown[], endpoint: string): Pick<RecordPage, "records" | "invalid"> {
  const records: SyncedRecord[] = [];
  const invalid: InvalidRecord[] = [];
  data.forEach((item, index) => {
    const result = SyncedRecordSchema.safeParse(item);
    if (result.success) {
      records.push(result.data);
      return;
    }
    const id = (item as { id?: unknown } | null)?.id;
    const recordId = typeof id === "string" && id !== "" ? id : undefined;
    const { field, problem } = describeIssues(result.error, ["data", index]);
    const which =
      recordId === undefined ? "a record without a usable id" : `record ${JSON.stringify(recordId)}`;
    invalid.push({
      recordId,
      index,
      error: new ManagedSyncResponseError(
        `${endpoint} returned ${which} that is not what the API documents: field ${field}: ${problem}. The rest of the page is usable; report the record to Paragon with the sync id, or check the integration's field mapping`,
        { endpoint, field, cause: result.error },
      ),
    });
  });
  return { records, invalid };
}

async function openContent(
  response: Response,
  attempt: Attempt,
  options: ContentOptions,
): Promise<RecordContent> {
  const contentType = response.headers.get("content-type") ?? "application/octet-stream";
  const mimeType = (contentType.split(";")[0] ?? "").trim().toLowerCase() || "application/octet-stream";
  const lengthHeader = response.headers.get("content-length")?.trim();
  // fetch asks for gzip and hands over the decoded body, but an encoded body's Content-Length
  // counts the bytes on the wire: more or fewer (an incompressible file) than the body holds.
  // The decoded bytes are still held to maxBytes as they arrive; fetch itself notices a cut-off.
  const encoded = !/^(identity)?$/i.test(response.headers.get("content-encoding")?.trim() ?? "");
  const contentLength =
    !encoded && lengthHeader && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  if (contentLength !== undefined && contentLength > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(
      { endpoint: CONTENT_ENDPOINT, maxBytes: options.maxBytes, requestId: attempt.requestId },
      contentLength,
    );
  }
  const body = guardBody(response.body, {
    endpoint: CONTENT_ENDPOINT,
    maxBytes: options.maxBytes,
    expectedBytes: contentLength,
    callerSignal: options.signal,
    attemptSignal: attempt.signal,
    timeoutMs: attempt.timeoutMs,
    requestId: attempt.requestId,
    release: attempt.keepOpen(),
  });
  return { contentType, mimeType, contentLength, body };
}
