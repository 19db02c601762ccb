import { afterEach, describe, expect, it } from "vitest";
import {
  BodyIncompleteError,
  ManagedSyncClient,
  type ManagedSyncClientOptions,
  ManagedSyncHttpError,
  ManagedSyncResponseError,
  ManagedSyncTimeoutError,
  type RetryEvent,
  type SyncedRecord,
} from "../../src/managed-sync/index.js";
import {
  delay,
  type Handler,
  type Loopback,
  sendCutOff,
  sendJson,
  startLoopback,
  withFaults,
} from "./helpers/loopback.js";
import { fileRecord, recordsHandler } from "./helpers/records-server.js";

const SYNC = "a11347bd-d510-5489-9068-e5fded55a28c";
let server: Loopback | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: Handler, options: Partial<ManagedSyncClientOptions> = {}) {
  server = await startLoopback(handler);
  const retries: RetryEvent[] = [];
  const client = new ManagedSyncClient({
    baseUrl: server.url,
    auth: { token: "test-token" },
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    onRetry: (event) => retries.push(event),
    ...options,
  });
  return { client, retries, server };
}

async function collect(pages: AsyncIterable<{ records: SyncedRecord[] }>): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of pages) ids.push(...page.records.map((r) => r.id));
  return ids;
}

const records = Array.from({ length: 257 }, (_, i) => fileRecord(i));
const allIds = records.map((r) => r.id);

describe("records.pages", () => {
  it("pulls every record once, in order, across many pages, and stops at remainingRecords = 0", async () => {
    const { client, server } = await clientFor(recordsHandler({ syncId: SYNC, records }));
    const ids = await collect(client.records.pages(SYNC, { pageSize: 20 }));
    expect(ids).toEqual(allIds);
    // 13 pages of ≤ 20; the last has remainingRecords = 0, so no 14th request for an empty page.
    expect(server.requests).toHaveLength(13);
    expect(server.requests[0]?.query.get("pageSize")).toBe("20");
    expect(server.requests[0]?.query.has("cursor")).toBe(false);
    expect(server.requests[0]?.headers.authorization).toBe("Bearer test-token");
  });

  it("resumes from a saved cursor without losing or repeating records", async () => {
    const { client } = await clientFor(recordsHandler({ syncId: SYNC, records }));
    const first: string[] = [];
    let saved: string | undefined;
    let pages = 0;
    for await (const page of client.records.pages(SYNC, { pageSize: 25 })) {
      first.push(...page.records.map((r) => r.id));
      saved = page.cursor;
      if (++pages === 4) break;
    }
    expect(saved).toBe(allIds[99]);
    const rest = await collect(client.records.pages(SYNC, { pageSize: 25, cursor: saved as string }));
    expect([...first, ...rest]).toEqual(allIds);
  });

  it("reads the snake_case paging variant of the older docs", async () => {
    const { client } = await clientFor(
      recordsHandler({ syncId: SYNC, records: records.slice(0, 30), style: "snake" }),
    );
    const pages = [];
    for await (const page of client.records.pages(SYNC, { pageSize: 12 })) pages.push(page);
    expect(pages.map((p) => p.remainingRecords)).toEqual([18, 6, 0]);
    expect(pages[0]?.totalRecords).toBe(30);
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(allIds.slice(0, 30));
  });

  it("stops on an empty page when the server does not report remainingRecords", async () => {
    const handler = recordsHandler({
      syncId: SYNC,
      records: records.slice(0, 10),
      omitRemainingRecords: true,
    });
    const { client, server } = await clientFor(handler);
    const ids = await collect(client.records.pages(SYNC, { pageSize: 4 }));
    expect(ids).toEqual(allIds.slice(0, 10));
    // 4 + 4 + 2, then an empty page ends the pull.
    expect(server.requests).toHaveLength(4);
  });

  it("keeps tombstones and unknown fields", async () => {
    const recs = [
      fileRecord(1, { customFields: { fullPath: "/a" }, driveId: "d1" }),
      { id: "gone-1", deleted: true },
    ];
    const { client } = await clientFor(recordsHandler({ syncId: SYNC, records: recs }));
    const pages = [];
    for await (const page of client.records.pages(SYNC)) pages.push(page);
    const [page] = pages;
    expect(page?.records[0]).toMatchObject({ driveId: "d1", customFields: { fullPath: "/a" } });
    expect(page?.records[1]).toEqual({ id: "gone-1", deleted: true });
  });

  it("retries 429 (honouring Retry-After) and 503 mid-pull: nothing lost, nothing duplicated", async () => {
    const handler = withFaults(recordsHandler({ syncId: SYNC, records }), {
      2: (_r, res) => sendJson(res, 429, { message: "Too many requests" }, { "retry-after": "1" }),
      3: (_r, res) => sendJson(res, 503, { message: "unavailable" }),
      5: (_r, res) => sendJson(res, 503, { message: "unavailable" }),
    });
    const { client, retries, server } = await clientFor(handler);
    const ids = await collect(client.records.pages(SYNC, { pageSize: 50 }));
    expect(ids).toEqual(allIds);
    expect(new Set(ids).size).toBe(257);
    expect(retries.map((r) => r.error.code)).toEqual(["RATE_LIMITED", "SERVER_ERROR", "SERVER_ERROR"]);
    expect(retries[0]?.delayMs).toBe(1000);
    // The retry after 429 waited for Retry-After.
    const [rateLimited, retried] = [server.requests[2], server.requests[3]];
    expect((retried?.at ?? 0) - (rateLimited?.at ?? 0)).toBeGreaterThanOrEqual(990);
    // The retried request asked for the same page (same cursor).
    expect(server.requests[3]?.query.get("cursor")).toBe(server.requests[2]?.query.get("cursor"));
  });

  it("retries a response slower than the timeout, then gives up with a TIMEOUT error", async () => {
    const inner = recordsHandler({ syncId: SYNC, records: records.slice(0, 5) });
    const slow: Handler = async (request, res) => {
      await delay(1500);
      if (!res.destroyed) inner(request, res);
    };
    const once = await clientFor(withFaults(inner, { 0: slow }), { timeoutMs: 300 });
    expect(await collect(once.client.records.pages(SYNC))).toEqual(allIds.slice(0, 5));
    expect(once.retries.map((r) => r.error.code)).toEqual(["TIMEOUT"]);
    await once.server.close();

    const always = await clientFor(slow, { timeoutMs: 200, retry: { retries: 1, baseDelayMs: 1 } });
    const error = await collect(always.client.records.pages(SYNC)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedSyncTimeoutError);
    expect((error as ManagedSyncTimeoutError).message).toContain("GET /api/syncs/{syncId}/records");
    expect(always.server.requests).toHaveLength(2);
  });

  it("retries a body cut off mid-JSON, and raises BODY_INCOMPLETE when it keeps happening", async () => {
    const inner = recordsHandler({ syncId: SYNC, records: records.slice(0, 40) });
    const cut: Handler = (_r, res) =>
      sendCutOff(
        res,
        200,
        JSON.stringify({ data: records.slice(0, 20), paging: { cursor: "x", remainingRecords: 20 } }),
        700,
      );
    const flaky = await clientFor(withFaults(inner, { 1: cut }));
    expect(await collect(flaky.client.records.pages(SYNC, { pageSize: 20 }))).toEqual(allIds.slice(0, 40));
    expect(flaky.retries.map((r) => r.error.code)).toEqual(["BODY_INCOMPLETE"]);
    await flaky.server.close();

    const broken = await clientFor(cut, { retry: { retries: 2, baseDelayMs: 1 } });
    const error = await collect(broken.client.records.pages(SYNC)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyIncompleteError);
    expect((error as BodyIncompleteError).code).toBe("BODY_INCOMPLETE");
    expect((error as Error).message).toMatch(/connection dropped before the response body was complete/);
    expect(broken.server.requests).toHaveLength(3);
  });

  it("rejects a malformed page envelope with an error naming the endpoint and the field", async () => {
    const bad = [
      {
        body: { data: [fileRecord(0)], paging: { cursor: "c", remainingRecords: "many" } },
        field: "paging.remainingRecords",
      },
      { body: { records: [fileRecord(0)], nextCursor: "c" }, field: "data" },
      { body: { data: { id: "r1" }, paging: { cursor: "c" } }, field: "data" },
      { body: { data: [fileRecord(0)] }, field: "paging" },
    ];
    for (const { body, field } of bad) {
      const { client, server } = await clientFor((_r, res) => sendJson(res, 200, body));
      const error = await collect(client.records.pages(SYNC)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ManagedSyncResponseError);
      expect((error as ManagedSyncResponseError).field).toBe(field);
      expect((error as Error).message).toContain(
        `GET /api/syncs/{syncId}/records returned an unexpected response: field ${field}`,
      );
      expect(server.requests).toHaveLength(1); // a malformed 200 is not retried
      await server.close();
    }
  });

  it("sets a malformed record aside, with its id when it has one, and yields the rest of the page", async () => {
    const pages = [
      {
        data: [
          fileRecord(0),
          fileRecord(1, { createdAt: 1733600000 }),
          { name: "no id" },
          fileRecord(3),
          { id: 42, name: "numeric id" },
        ],
        paging: { cursor: "p1", remainingRecords: 1 },
      },
      { data: [fileRecord(5, { deleted: "true" })], paging: { cursor: "p2", remainingRecords: 0 } },
    ];
    const { client, server } = await clientFor((request, res) =>
      sendJson(res, 200, request.query.get("cursor") === "p1" ? pages[1] : pages[0]),
    );
    const got = [];
    for await (const page of client.records.pages(SYNC)) got.push(page);
    // Nothing retried, nothing stuck: both pages were read once and the cursor moved past each.
    expect(server.requests).toHaveLength(2);
    expect(got.map((p) => p.cursor)).toEqual(["p1", "p2"]);
    expect(got[0]?.records.map((r) => r.id)).toEqual([fileRecord(0).id, fileRecord(3).id]);
    expect(got[1]?.records).toEqual([]);
    const invalid = got.flatMap((p) =>
      p.invalid.map(({ recordId, index, error }) => ({
        recordId,
        index,
        code: error.code,
        field: error.field,
      })),
    );
    expect(invalid).toEqual([
      { recordId: fileRecord(1).id, index: 1, code: "INVALID_RESPONSE", field: "data[1].createdAt" },
      { recordId: undefined, index: 2, code: "INVALID_RESPONSE", field: "data[2].id" },
      { recordId: undefined, index: 4, code: "INVALID_RESPONSE", field: "data[4].id" },
      { recordId: fileRecord(5).id, index: 0, code: "INVALID_RESPONSE", field: "data[0].deleted" },
    ]);
    const [named, unnamed] = got[0]!.invalid;
    expect(named?.error).toBeInstanceOf(ManagedSyncResponseError);
    expect(named?.error.message).toContain(
      `GET /api/syncs/{syncId}/records returned record "${fileRecord(1).id}" that is not what the API documents: field data[1].createdAt`,
    );
    expect(named?.error.message).toMatch(/report the record to Paragon with the sync id/);
    expect(unnamed?.error.message).toContain("returned a record without a usable id");
  });

  it("refuses to loop when the server returns records but no new cursor", async () => {
    const { client } = await clientFor((request, res) =>
      sendJson(res, 200, {
        data: [fileRecord(0)],
        paging: { cursor: request.query.get("cursor"), remainingRecords: 5 },
      }),
    );
    const error = await collect(client.records.pages(SYNC, { cursor: "abc" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedSyncResponseError);
    expect((error as ManagedSyncResponseError).field).toBe("paging.cursor");
  });
});

describe("records.get", () => {
  it("unwraps { data } and keeps unknown fields", async () => {
    const { client, server } = await clientFor((_r, res) =>
      sendJson(res, 200, { data: fileRecord(7, { extra: 1 }) }),
    );
    const record = await client.records.get(SYNC, "rec/7");
    expect(record).toMatchObject({ id: allIds[7], extra: 1 });
    expect(server.requests[0]?.path).toBe(`/api/syncs/${SYNC}/records/rec%2F7`);
  });

  it("raises NOT_FOUND with the request id and is not fooled by an empty id", async () => {
    const { client, server } = await clientFor((_r, res) =>
      sendJson(res, 404, { message: "Record not found" }, { "x-request-id": "req-42" }),
    );
    const error = (await client.records
      .get(SYNC, "missing")
      .catch((e: unknown) => e)) as ManagedSyncHttpError;
    expect(error).toBeInstanceOf(ManagedSyncHttpError);
    expect(error).toMatchObject({
      code: "NOT_FOUND",
      status: 404,
      requestId: "req-42",
      serverMessage: "Record not found",
    });
    expect(error.endpoint).toBe("GET /api/syncs/{syncId}/records/{recordId}");
    expect(server.requests).toHaveLength(1); // 404 is not retried
    await expect(client.records.get(SYNC, "")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(server.requests).toHaveLength(1);
  });
});
