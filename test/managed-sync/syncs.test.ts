import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  ManagedSyncClient,
  type ManagedSyncClientOptions,
  ManagedSyncHttpError,
  ManagedSyncNetworkError,
  ManagedSyncResponseError,
  type RetryEvent,
  SyncStateError,
} from "../../src/managed-sync/index.js";
import { type Handler, type Loopback, sendJson, startLoopback, withFaults } from "./helpers/loopback.js";

const SYNC = "a11347bd-d510-5489-9068-e5fded55a28c";
const CREDENTIAL = "5f1c7a52-1111-4c4c-9a9a-0123456789ab";
let server: Loopback | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: Handler, options: Partial<ManagedSyncClientOptions> = {}) {
  server = await startLoopback(handler);
  const retries: RetryEvent[] = [];
  const client = new ManagedSyncClient({
    baseUrl: `${server.url}/`,
    auth: { token: "t" },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    onRetry: (event) => retries.push(event),
    ...options,
  });
  return { client, retries, server };
}

/** The sync management endpoints, answering with the documented shapes. */
const syncApi: Handler = (request, res) => {
  const route = `${request.method} ${request.path}`;
  switch (route) {
    case "POST /api/syncs":
      return sendJson(res, 200, {
        id: SYNC,
        userId: "acme",
        integration: (request.json as { integration: string }).integration,
        pipeline: (request.json as { pipeline: string }).pipeline,
        projectId: "1ea8024c-23a7-4885-b925-c50d0faf9318",
        status: "INITIALIZING",
      });
    case "GET /api/syncs":
      return sendJson(res, 200, {
        data: [
          {
            id: SYNC,
            integration: "googledrive",
            pipeline: "files",
            status: "IDLE",
            configurationName: "default",
            dateCreated: "2026-01-01T00:00:00Z",
            dateUpdated: "2026-01-02T00:00:00Z",
          },
        ],
      });
    case `GET /api/syncs/${SYNC}`:
      return sendJson(res, 200, {
        status: "active",
        summary: { total_records: 10, synced_records_count: 7, last_synced_at: "2026-01-02T00:00:00Z" },
      });
    case `POST /api/syncs/${SYNC}/disable`:
      res.writeHead(200, { "content-type": "text/plain" }).end("Sync successfully disabled");
      return;
    case `POST /api/syncs/${SYNC}/reenable`:
      return sendJson(res, 200, { id: SYNC });
    case `PATCH /api/syncs/${SYNC}`:
      return sendJson(res, 200, {
        id: SYNC,
        data: { credentialId: (request.json as { credentialId: string }).credentialId },
        message: "Update request accepted and is being processed",
      });
    case `DELETE /api/syncs/${SYNC}`:
      res.writeHead(200).end();
      return;
    default:
      return sendJson(res, 404, { message: "Sync not found" });
  }
};

describe("syncs", () => {
  it("enables, lists, reads status, disables, re-enables, re-binds and deletes", async () => {
    const { client, server } = await clientFor(syncApi);
    const sync = await client.syncs.enable({
      integration: "googledrive",
      pipeline: "files",
      configuration: {},
      configurationName: "default",
      credentialId: CREDENTIAL,
    });
    expect(sync).toMatchObject({ id: SYNC, status: "INITIALIZING", integration: "googledrive" });
    expect(server.requests[0]?.json).toEqual({
      integration: "googledrive",
      pipeline: "files",
      configuration: {},
      configurationName: "default",
      credentialId: CREDENTIAL,
    });
    expect(server.requests[0]?.headers["content-type"]).toBe("application/json");

    const list = await client.syncs.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: SYNC, status: "IDLE", configurationName: "default" });

    const status = await client.syncs.get(SYNC);
    // Old docs: lower-case status and snake_case summary, normalised.
    expect(status.status).toBe("ACTIVE");
    expect(status.summary).toEqual({
      totalRecords: 10,
      syncedRecordsCount: 7,
      lastSyncedAt: "2026-01-02T00:00:00Z",
      latestCursor: undefined,
    });

    await client.syncs.disable(SYNC);
    await client.syncs.reenable(SYNC);
    const updated = await client.syncs.updateCredential(SYNC, CREDENTIAL);
    expect(updated.data?.credentialId).toBe(CREDENTIAL);
    await client.syncs.delete(SYNC);

    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/syncs",
      "GET /api/syncs",
      `GET /api/syncs/${SYNC}`,
      `POST /api/syncs/${SYNC}/disable`,
      `POST /api/syncs/${SYNC}/reenable`,
      `PATCH /api/syncs/${SYNC}`,
      `DELETE /api/syncs/${SYNC}`,
    ]);
  });

  it("validates arguments before calling the server", async () => {
    const { client, server } = await clientFor(syncApi);
    await expect(client.syncs.enable({ integration: "", pipeline: "files" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(
      client.syncs.enable({ integration: "box", pipeline: "files", credentialId: "nope" }),
    ).rejects.toThrow(/credentialId/);
    await expect(client.syncs.updateCredential(SYNC, "not-a-uuid")).rejects.toThrow(/UUID/);
    await expect(client.syncs.get("")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(server.requests).toHaveLength(0);
  });

  it("does not retry a write on 503: the server may have acted on it", async () => {
    const unavailable: Handler = (_r, res) => sendJson(res, 503, { message: "unavailable" });
    const { client, retries, server } = await clientFor(
      withFaults(syncApi, { 0: unavailable, 1: unavailable }),
    );
    const error = await client.syncs
      .enable({ integration: "box", pipeline: "files" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedSyncHttpError);
    expect(error).toMatchObject({ code: "SERVER_ERROR", status: 503, endpoint: "POST /api/syncs" });
    await expect(client.syncs.delete(SYNC)).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(2);
    expect(retries).toHaveLength(0);
  });

  it("retries a write on 429: the server refused it unprocessed", async () => {
    const limited: Handler = (_r, res) =>
      sendJson(res, 429, { message: "slow down" }, { "retry-after": "0" });
    const { client, retries, server } = await clientFor(withFaults(syncApi, { 0: limited, 1: limited }));
    await client.syncs.disable(SYNC);
    expect(server.requests).toHaveLength(3);
    expect(retries.map((r) => [r.error.code, r.delayMs])).toEqual([
      ["RATE_LIMITED", 0],
      ["RATE_LIMITED", 0],
    ]);
  });

  it("retries a write when the connection is refused, then reports NETWORK_ERROR", async () => {
    // A port that was just free and has nothing listening: connections are refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const retries: RetryEvent[] = [];
    const client = new ManagedSyncClient({
      baseUrl: `http://127.0.0.1:${port}`,
      auth: { token: "t" },
      retry: { retries: 2, baseDelayMs: 1 },
      onRetry: (event) => retries.push(event),
    });
    const error = await client.syncs.delete(SYNC).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedSyncNetworkError);
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(retries).toHaveLength(2);
  });

  it("explains a 401 and does not retry it", async () => {
    const { client, server } = await clientFor((_r, res) => sendJson(res, 401, { message: "Unauthorized" }));
    const error = (await client.syncs.list().catch((e: unknown) => e)) as ManagedSyncHttpError;
    expect(error.code).toBe("UNAUTHORIZED");
    expect(error.message).toContain("aud = useparagon.com/<projectId>");
    expect(server.requests).toHaveLength(1);
  });

  it("rejects an unknown status with an error naming the field", async () => {
    const { client } = await clientFor((_r, res) => sendJson(res, 200, { status: "SYNCING", summary: {} }));
    const error = (await client.syncs.get(SYNC).catch((e: unknown) => e)) as ManagedSyncResponseError;
    expect(error).toBeInstanceOf(ManagedSyncResponseError);
    expect(error.field).toBe("status");
    expect(error.message).toContain("GET /api/syncs/{syncId}");
  });
});

describe("syncs.waitFor", () => {
  function statusSequence(bodies: unknown[]): Handler {
    let i = 0;
    return (_r, res) => sendJson(res, 200, bodies[Math.min(i++, bodies.length - 1)]);
  }

  it("polls until IDLE and waits out RATE_LIMITED's rateLimitBackoffMs", async () => {
    const { client, server } = await clientFor(
      statusSequence([
        { status: "INITIALIZING" },
        { status: "RATE_LIMITED", rateLimitBackoffMs: 400, summary: {} },
        { status: "ACTIVE", summary: { totalRecords: 3 } },
        {
          status: "IDLE",
          summary: { totalRecords: 3, syncedRecordsCount: 3, lastSyncedAt: "2026-01-02T00:00:00Z" },
        },
      ]),
    );
    const final = await client.syncs.waitFor(SYNC, { pollIntervalMs: 10 });
    expect(final.status).toBe("IDLE");
    expect(final.summary.lastSyncedAt).toBe("2026-01-02T00:00:00Z");
    expect(server.requests).toHaveLength(4);
    const [, limited, next] = server.requests;
    expect((next?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(390);
  });

  it("fails with SYNC_ERRORED instead of waiting forever", async () => {
    const { client } = await clientFor(statusSequence([{ status: "ACTIVE" }, { status: "errored" }]));
    const error = await client.syncs.waitFor(SYNC, { pollIntervalMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncStateError);
    expect(error).toMatchObject({ code: "SYNC_ERRORED", syncId: SYNC });
  });

  it("stops when the caller aborts", async () => {
    const { client } = await clientFor(statusSequence([{ status: "ACTIVE" }]));
    const controller = new AbortController();
    const waiting = client.syncs.waitFor(SYNC, { pollIntervalMs: 5_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(waiting).rejects.toMatchObject({ code: "ABORTED" });
  });
});
