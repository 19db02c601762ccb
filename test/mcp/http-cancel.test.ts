import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { createMcpHttpHandler } from "../../src/mcp/index.js";
import { listen, mountMcp } from "../../src/server/index.js";
import {
  DEV_TENANT_HEADER,
  DEV_USER_HEADER,
  devHeaderIdentity,
  singleTenant,
} from "../../src/tenants/index.js";
import { until } from "../until.js";
import { heldRetriever } from "./helpers/held-retriever.js";

// A client cancelling a call over stateless Streamable HTTP: the cancellation comes in a POST of
// its own, to another server than the one running the call. A FAKE retriever holds each search
// until its signal aborts, so what the cancellation reaches shows on that signal.
const TENANT = "northwind";
const HANA = "hana@northwind.test";
const LEO = "leo@northwind.test";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

/** The endpoint on loopback, recording each POST's JSON-RPC methods and status once answered. */
async function serveHeld() {
  const held = heldRetriever(TENANT);
  const logged: unknown[] = [];
  const answered: { methods: string[]; status: number }[] = [];
  const mcp = createMcpHttpHandler({
    retrievers: singleTenant(held.retriever),
    identify: devHeaderIdentity(),
    onError: (error) => logged.push(error),
  });
  const app = new Hono();
  mountMcp(app, {
    mcp: {
      ...mcp,
      handle: async (request) => {
        const body = request.method === "POST" ? await request.clone().text() : "[]";
        const messages = [JSON.parse(body)].flat() as { method?: string }[];
        const response = await mcp.handle(request);
        answered.push({ methods: messages.map((m) => m.method ?? "(response)"), status: response.status });
        return response;
      },
    },
  });
  const server = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  closers.push(() => server.close());
  const url = `${server.url}/mcp`;
  const post = (user: string, payload: unknown) =>
    fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
        [DEV_TENANT_HEADER]: TENANT,
        [DEV_USER_HEADER]: user,
      },
      body: JSON.stringify(payload),
    });
  return { held, logged, answered, url, post };
}

const searchCall = (id: number, query: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "search", arguments: { query } },
});
const cancelled = (requestId: number) => ({
  jsonrpc: "2.0",
  method: "notifications/cancelled",
  params: { requestId, reason: "the person closed the tab" },
});

/** Waits for what the server does on its own time (no deadline: the test's timeout is one). */

describe("an MCP client over HTTP that cancels a call (notifications/cancelled)", () => {
  it("aborts the search's signal, as over stdio, and the call's POST is answered, with nothing logged", async () => {
    const served = await serveHeld();
    const client = new Client({ name: "clearance-test", version: "0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(served.url), {
        requestInit: { headers: { [DEV_TENANT_HEADER]: TENANT, [DEV_USER_HEADER]: HANA } },
      }),
    );
    closers.push(() => client.close());
    const cancel = new AbortController();
    const call = client.callTool({ name: "search", arguments: { query: "salary bands" } }, undefined, {
      signal: cancel.signal,
    });
    const [search] = await served.held.held(1);
    cancel.abort();
    await expect(call).rejects.toThrow();
    // The SDK client sends the cancellation in a POST of its own and keeps the call's POST open.
    await until(() => served.answered.some((a) => a.methods.includes("notifications/cancelled")));
    expect(search!.signal.aborted).toBe(true);
    // The call's own POST is answered (not held until the client gives up on its socket).
    await until(() => served.answered.some((a) => a.methods.includes("tools/call")));
    expect(served.answered.find((a) => a.methods.includes("tools/call"))?.status).toBe(200);
    // The search ended with its own cancellation: nothing failed here.
    await new Promise((resolve) => setImmediate(resolve));
    expect(served.logged).toEqual([]);
  });

  it("reaches only the person's own call: another person naming its id cancels nothing; a batch's other calls go on", async () => {
    const served = await serveHeld();
    const batch = served.post(HANA, [searchCall(1, "salary bands"), searchCall(2, "roadmap")]);
    const [first, second] = await served.held.held(2);
    // Ids are small integers: Leo guessing Hana's cancels nothing of hers.
    expect((await served.post(LEO, cancelled(1))).status).toBe(202);
    expect(first!.signal.aborted).toBe(false);
    expect((await served.post(HANA, cancelled(1))).status).toBe(202);
    expect(first!.signal.aborted).toBe(true);
    expect(first!.signal.reason).toBe("the person closed the tab");
    expect(second!.signal.aborted).toBe(false);
    second!.release();
    const response = await batch;
    expect(response.status).toBe(200);
    const answers = (await response.json()) as {
      id: number;
      error?: { message: string };
      result?: unknown;
    }[];
    const byId = new Map(answers.map((a) => [a.id, a]));
    // The cancelled call is answered with an error its client ignores; the other with its own result.
    expect(byId.get(1)?.error?.message).toMatch(/cancelled by its client/);
    expect(byId.get(2)?.result).toMatchObject({ isError: true });
  });
});
