import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  ManagedSyncClient,
  ManagedSyncHttpError,
  ResponseTooLargeError,
} from "../../src/managed-sync/index.js";
import { type Handler, type Loopback, startLoopback } from "./helpers/loopback.js";

// A server or proxy that sends far more than any API answer: the client must stop reading, not
// buffer it all. Real HTTP on loopback; the server counts what it managed to write.

const MB = 1024 * 1024;
const TOTAL = 80 * MB; // over the 64 MB JSON cap, small enough to buffer if the cap is missing

let server: Loopback | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: Handler) {
  server = await startLoopback(handler);
  const client = new ManagedSyncClient({
    baseUrl: server.url,
    auth: { token: "t" },
    timeoutMs: 20_000,
    retry: { retries: 0 },
  });
  return { client, server };
}

/** Writes `head`, then 1 MB chunks of `fill` up to TOTAL bytes (or until the client goes), then `tail`. */
async function stream(res: ServerResponse, fill: string, head = "", tail = ""): Promise<number> {
  const chunk = Buffer.alloc(MB, fill);
  let written = 0;
  res.write(head);
  while (written < TOTAL && !res.destroyed) {
    written += chunk.byteLength;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off("drain", go);
          res.off("close", go);
          resolve();
        };
        res.on("drain", go);
        res.on("close", go);
      });
    }
  }
  if (!res.destroyed) res.end(tail);
  return written;
}

describe("bodies larger than any API answer", () => {
  it("stops a streamed JSON page at 64 MB with RESPONSE_TOO_LARGE instead of buffering it all", async () => {
    let written: Promise<number> | undefined;
    const { client, server } = await clientFor((_r, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "big-1" });
      // Valid JSON once complete: without the cap the client would read all 80 MB and succeed.
      written = stream(res, " ", '{"data":[', "]}");
      return written.then(() => undefined);
    });
    const error = await client.syncs.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ code: "RESPONSE_TOO_LARGE", maxBytes: 64 * MB, requestId: "big-1" });
    expect((error as Error).message).toContain("GET /api/syncs sent a response body over 67108864 bytes");
    expect((error as Error).message).toContain("PARAGON_SYNC_URL");
    expect(server.requests).toHaveLength(1); // the same server would send the same: not retried
    expect(await written).toBeLessThan(TOTAL);
  });

  it("fails at once on a JSON body announced larger than the cap, without reading it", async () => {
    const { client } = await clientFor((_r, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(TOTAL) });
      res.write('{"data":['); // and then nothing: only the announcement can tell
    });
    const error = await client.syncs.list().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RESPONSE_TOO_LARGE", sizeBytes: TOTAL });
  });

  it("reads only the start of a huge error body: the status and the server's words, not the rest", async () => {
    let written: Promise<number> | undefined;
    const { client } = await clientFor((_r, res) => {
      res.writeHead(400, { "content-type": "text/plain" });
      written = stream(res, "x");
      return written.then(() => undefined);
    });
    const error = (await client.syncs.list().catch((e: unknown) => e)) as ManagedSyncHttpError;
    expect(error).toBeInstanceOf(ManagedSyncHttpError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", serverMessage: "x".repeat(300) });
    expect(error.message.length).toBeLessThan(1_000);
    // The client hung up after a few KB; socket buffers let the server write a little more.
    expect(await written).toBeLessThan(16 * MB);
  });
});
