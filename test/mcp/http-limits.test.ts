import { describe, expect, it, vi } from "vitest";
import { InFlightCalls } from "../../src/mcp/in-flight-calls.js";
import { createMcpHttpHandler } from "../../src/mcp/index.js";
import {
  DEV_TENANT_HEADER,
  DEV_USER_HEADER,
  devHeaderIdentity,
  singleTenant,
} from "../../src/tenants/index.js";
import { heldRetriever } from "./helpers/held-retriever.js";

// The MCP endpoint's bounds on what a request may make it read, called as a Web-standard handler
// (no socket needed: the bounds are the handler's own). Identity from the development headers.
const TENANT = "northwind";
const HANA = "hana@northwind.test";

function handler(options: { maxBodyBytes?: number; bodyTimeoutMs?: number } = {}) {
  const held = heldRetriever(TENANT);
  const logged: unknown[] = [];
  const mcp = createMcpHttpHandler({
    retrievers: singleTenant(held.retriever),
    identify: devHeaderIdentity(),
    onError: (error) => logged.push(error),
    ...options,
  });
  return { mcp, held, logged };
}

function post(body: string, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1/mcp", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
      [DEV_TENANT_HEADER]: TENANT,
      [DEV_USER_HEADER]: HANA,
      ...headers,
    },
    body,
  });
}

const listTools = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });

/** A body of `bytes` bytes: tools/list padded with whitespace (valid JSON at any size). */
const paddedTo = (bytes: number) => listTools + " ".repeat(bytes - listTools.length);

interface RpcErrorBody {
  error: { code: number; message: string; data?: { code: string } };
}

describe("the MCP endpoint's request body", () => {
  it("is refused past 256 KiB (the chat endpoints' limit) with 413 BODY_TOO_LARGE saying what to send", async () => {
    const { mcp, held } = handler();
    const fits = await mcp.handle(post(paddedTo(256 * 1024)));
    expect(fits.status).toBe(200);
    const big = await mcp.handle(post(paddedTo(256 * 1024 + 1)));
    expect(big.status).toBe(413);
    const { error } = (await big.json()) as RpcErrorBody;
    expect(error.data).toEqual({ code: "BODY_TOO_LARGE" });
    expect(error.message).toMatch(/over 262144 bytes: send one JSON-RPC message, or a smaller batch/);
    expect(error.message).toMatch(/\[BODY_TOO_LARGE\]$/);
    // A body the SDK's own bound (4 MiB) would have read and answered is refused long before it.
    expect((await mcp.handle(post(paddedTo(1024 * 1024)))).status).toBe(413);
    expect(held.searches).toEqual([]);
  });

  it("takes its bound from maxBodyBytes, and refuses one that is not a positive integer when made", async () => {
    const { mcp } = handler({ maxBodyBytes: 1024 });
    expect((await mcp.handle(post(paddedTo(1024)))).status).toBe(200);
    expect((await mcp.handle(post(paddedTo(1025)))).status).toBe(413);
    expect(() => handler({ maxBodyBytes: 0 })).toThrow(/maxBodyBytes must be a positive integer/);
  });

  it("is not read at all for a caller nobody identified (401 first)", async () => {
    const { mcp } = handler();
    const request = new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: paddedTo(1024 * 1024),
    });
    expect((await mcp.handle(request)).status).toBe(401);
    expect(request.bodyUsed).toBe(false);
  });

  it("that does not arrive within bodyTimeoutMs is answered 408 REQUEST_TIMEOUT, nothing run", async () => {
    const { mcp, held } = handler({ bodyTimeoutMs: 100 });
    // Half of a body, and then nothing more (a slow upload, or one made to hold a socket).
    const half = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode(listTools.slice(0, 20))),
    });
    const request = new Request(post("").url, {
      method: "POST",
      headers: post("").headers,
      body: half,
      duplex: "half",
    } as RequestInit);
    const response = await mcp.handle(request);
    expect(response.status).toBe(408);
    expect(response.headers.get("connection")).toBe("close");
    const { error } = (await response.json()) as RpcErrorBody;
    expect(error.data).toEqual({ code: "REQUEST_TIMEOUT" });
    expect(error.message).toMatch(/did not arrive within 100 ms: send it again, whole/);
    expect(held.searches).toEqual([]);
    expect(() => handler({ bodyTimeoutMs: -1 })).toThrow(/bodyTimeoutMs must be a positive integer/);
  });

  it("that is not JSON gets the JSON-RPC parse error (-32700), saying what to send", async () => {
    const { mcp } = handler();
    const response = await mcp.handle(post("{ not json"));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as RpcErrorBody;
    expect(error.code).toBe(-32700);
    expect(error.message).toMatch(/not valid JSON .*send a JSON-RPC message/);
  });
});

describe("a JSON-RPC batch", () => {
  it("of over 100 messages (the SDK's bound) is refused before its messages are looked through", async () => {
    const { mcp } = handler();
    const cancel = vi.spyOn(InFlightCalls.prototype, "cancel");
    const hold = vi.spyOn(InFlightCalls.prototype, "hold");
    try {
      const response = await mcp.handle(post(JSON.stringify(Array.from({ length: 50_000 }, () => 1))));
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as RpcErrorBody;
      expect(error.code).toBe(-32600);
      expect(error.data).toEqual({ code: "BATCH_TOO_LARGE" });
      expect(error.message).toMatch(/holds 50000 messages: send at most 100 in one POST/);
      expect(cancel).not.toHaveBeenCalled();
      expect(hold).not.toHaveBeenCalled();
    } finally {
      cancel.mockRestore();
      hold.mockRestore();
    }
  });
});

describe("the MCP tools' arguments", () => {
  it("fetch refuses an id longer than any search gives, before decoding it or asking anyone", async () => {
    const { mcp } = handler();
    // A well-formed id (sync "s1", a 6,000-character record id) that decodes to a record to look up.
    const id = `${Buffer.from("s1").toString("base64url")}.${Buffer.from("r".repeat(6_000)).toString("base64url")}`;
    const call = {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "fetch", arguments: { id } },
    };
    const response = await mcp.handle(post(JSON.stringify(call)));
    const { result } = (await response.json()) as {
      result: { isError: boolean; content: { text: string }[] };
    };
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/the id is too long: pass an id from a search result/);
  });
});
