import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import {
  ManagedSyncAbortedError,
  ManagedSyncClient,
  ManagedSyncHttpError,
  ManagedSyncResponseError,
  type RetryEvent,
} from "../../src/managed-sync/index.js";
import { delay, type Handler, type Loopback, sendJson, startLoopback } from "./helpers/loopback.js";

let server: Loopback | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: Handler) {
  server = await startLoopback(handler);
  const retries: RetryEvent[] = [];
  const client = new ManagedSyncClient({
    baseUrl: server.url,
    auth: { token: "t" },
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2_000 },
    onRetry: (event) => retries.push(event),
  });
  return { client, retries, server };
}

describe("HTTP core", () => {
  it("does not sit out a Retry-After longer than maxRetryAfterMs: it raises RATE_LIMITED with retryAfterMs", async () => {
    const { client, retries, server } = await clientFor((_r, res) =>
      sendJson(res, 429, { error: "quota" }, { "retry-after": "120", "x-request-id": "r-1" }),
    );
    const error = (await client.syncs.list().catch((e: unknown) => e)) as ManagedSyncHttpError;
    expect(error).toBeInstanceOf(ManagedSyncHttpError);
    expect(error).toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: 120_000,
      requestId: "r-1",
      serverMessage: "quota",
    });
    expect(error.message).toContain("[request id r-1]");
    expect(retries).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
  });

  it("gives up after retry.retries and reports the last error", async () => {
    const { client, retries, server } = await clientFor((_r, res) => sendJson(res, 502, "bad gateway"));
    await expect(client.syncs.list()).rejects.toMatchObject({ code: "SERVER_ERROR", status: 502 });
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect(server.requests).toHaveLength(5);
  });

  it("stops retrying when the caller aborts during the backoff", async () => {
    const { client, server } = await clientFor((_r, res) => sendJson(res, 503, {}, { "retry-after": "1" }));
    const controller = new AbortController();
    const pending = client.syncs.list({ signal: controller.signal });
    await delay(100);
    controller.abort(new Error("user went away"));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedSyncAbortedError);
    expect((error as Error).cause).toMatchObject({ message: "user went away" });
    expect(server.requests).toHaveLength(1);
  });

  it("reports a caller abort mid-request as ABORTED, not as a timeout, and does not retry it", async () => {
    const { client, retries } = await clientFor(async (_r, res) => {
      await delay(2_000);
      if (!res.destroyed) sendJson(res, 200, { data: [] });
    });
    const error = await client.syncs.list({ signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedSyncAbortedError);
    expect(retries).toHaveLength(0);
  });

  it("explains a body that is not JSON", async () => {
    const { client } = await clientFor((_r, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<html>login</html>");
    });
    const error = (await client.syncs.list().catch((e: unknown) => e)) as ManagedSyncResponseError;
    expect(error).toBeInstanceOf(ManagedSyncResponseError);
    expect(error.message).toContain("GET /api/syncs returned a body that is not JSON");
    expect(error.message).toContain("<html>");
  });

  it("keeps a base path of an on-prem or proxied base URL", async () => {
    const { server } = await clientFor((_r, res) => sendJson(res, 200, { data: [] }));
    const client = new ManagedSyncClient({ baseUrl: `${server.url}/ms-sync/`, auth: { token: "t" } });
    await client.syncs.list();
    expect(server.requests[0]?.path).toBe("/ms-sync/api/syncs");
  });

  it("leaves no listener on a long-lived caller signal once requests and streams are done", async () => {
    const { client } = await clientFor((request, res) => {
      if (request.path.endsWith("/content")) {
        res.writeHead(200, { "content-type": "text/plain" }).end("hello");
      } else if (request.path.endsWith("/streamed-list-objects")) {
        res
          .writeHead(200, { "content-type": "application/x-ndjson" })
          .end('{"object":"a"}\n{"object":"b"}\n');
      } else if (request.path.endsWith("/batch-check")) {
        sendJson(res, 200, { result: [{ allowed: true }] });
      } else {
        sendJson(res, 200, { data: [] });
      }
    });
    const run = new AbortController();
    const signal = run.signal;
    for (let i = 0; i < 20; i++) await client.syncs.list({ signal });
    await client.records.contentBytes("s", "r", { maxBytes: 100, signal });
    const streamed = await client.records.content("s", "r", { maxBytes: 100, signal });
    expect(getEventListeners(signal, "abort").length).toBeGreaterThan(0); // held while the body is open
    await new Response(streamed.body).text();
    const cancelled = await client.records.content("s", "r", { maxBytes: 100, signal });
    await cancelled.body.cancel();
    for await (const _ of client.permissions.streamListObjects(
      "s",
      { user: "a@b.c", role: "can_read", objectType: "file" },
      { signal },
    )) {
      // drain
    }
    await client.permissions.batchCheck("s", [{ object: "o", user: "a@b.c", role: "can_read" }], { signal });
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });
});
