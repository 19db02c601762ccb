import { setTimeout as sleep } from "node:timers/promises";
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { causedByAbort } from "../../src/chat/error-response.js";
import { createMcpHttpHandler } from "../../src/mcp/index.js";
import { PermissionAwareRetriever, type RetrieveOptions } from "../../src/retrieval/index.js";
import { type Listening, listen, mountMcp } from "../../src/server/index.js";
import { StoreError } from "../../src/store/index.js";
import { DEV_TENANT_HEADER, DEV_USER_HEADER, devHeaderIdentity } from "../../src/tenants/index.js";
import { demoPerFile } from "../demo-per-file.js";
import { until } from "../until.js";

// The demo for real: the emulator on loopback (its Permissions API slowed by its own fault
// injection), the embedded store, the MCP endpoint behind a real HTTP server, a real HTTP client
// that leaves mid-call. Over HTTP the MCP server lives for one POST, so only the request's own
// abort can tell it that nobody waits.
const HANA = "hana@northwind.test";

const demo = demoPerFile();

/** The MCP endpoint on loopback, recording the statuses it answered and what it told onError. */
async function serveMcp() {
  const logged: unknown[] = [];
  const statuses: number[] = [];
  const mcp = createMcpHttpHandler({
    retrievers: demo().retrievers,
    identify: devHeaderIdentity({ people: demo().people }),
    onError: (error) => logged.push(error),
  });
  const app = new Hono();
  mountMcp(app, {
    mcp: {
      ...mcp,
      handle: async (request) => {
        const response = await mcp.handle(request);
        statuses.push(response.status);
        return response;
      },
    },
  });
  const server: Listening = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  /** A raw JSON-RPC `tools/call` of search (the endpoint is stateless: no initialize needed). */
  const search = (query: string, signal: AbortSignal) =>
    fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
        [DEV_USER_HEADER]: HANA,
        [DEV_TENANT_HEADER]: demo().tenant,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "search", arguments: { query } },
      }),
      signal,
    });
  return { logged, statuses, search, close: () => server.close() };
}

/** Waits for something the servers do on their own time (no deadline: the test's timeout is one). */

describe("an MCP client over HTTP that goes away mid-call", () => {
  it("stops the search: its signal aborts, it ends with the abort and asks no permission check after", async () => {
    const retrieve = vi.spyOn(PermissionAwareRetriever.prototype, "retrieveWithReport");
    const served = await serveMcp();
    try {
      // Every permission check now takes 5 s: the client leaves while one is under way.
      const faults = demo().emulator.faults;
      faults.set({ rateSlow: 1, slowMs: 5_000, pathPattern: "permissions" });
      const client = new AbortController();
      const calling = served.search("What are the salary bands for engineers?", client.signal);
      await until(() => faults.counts.slow > 0);
      const options = retrieve.mock.calls[0]?.[1] as RetrieveOptions | undefined;
      const signal = options?.signal;
      expect(signal).toBeDefined();
      let checksWhenAborted: number | undefined;
      signal!.addEventListener("abort", () => {
        checksWhenAborted = faults.counts.slow;
      });
      client.abort();
      await expect(calling).rejects.toThrow();

      // The search settles: at once once its signal fires, or (when nothing stops it) only after
      // every permission check it asks for has taken its 5 s.
      const outcome = await (retrieve.mock.results[0]!.value as Promise<unknown>).catch((e) => e);
      expect(signal!.aborted).toBe(true);
      // It ended with the abort (the held Permissions API request's fetch was cancelled), not
      // with an answer for nobody.
      expect(causedByAbort(outcome, signal!.reason)).toBe(true);
      // Nothing asked the Permissions API after the abort (the held check was the last).
      expect(faults.counts.slow).toBe(checksWhenAborted);
      await until(() => served.statuses.length > 0);
      expect(served.statuses).toEqual([499]);
      // The tool's failure is its own cancellation: nothing failed here.
      await new Promise((resolve) => setImmediate(resolve));
      expect(served.logged).toEqual([]);
    } finally {
      await served.close();
    }
  });

  // A proxy's timeout ends a request because the server is failing: the failure the call then
  // meets is the server's, and onError is the only place it is told (as at the chat endpoint).
  it("a store failure the abort did not cause is still told to onError (answered 499)", async () => {
    const broken = new StoreError("STORE_READ_FAILED", "the store's folder cannot be read");
    const retrieve = vi
      .spyOn(PermissionAwareRetriever.prototype, "retrieveWithReport")
      .mockImplementation(async (_question, options) => {
        const signal = options?.signal;
        // Work that does not heed the signal (a store read), failing after the client left.
        await new Promise((resolve) => signal?.addEventListener("abort", resolve, { once: true }));
        throw broken;
      });
    const served = await serveMcp();
    try {
      const client = new AbortController();
      const calling = served.search("How do we deploy?", client.signal);
      await until(() => retrieve.mock.calls.length > 0);
      client.abort();
      await expect(calling).rejects.toThrow();
      await (retrieve.mock.results[0]!.value as Promise<unknown>).catch(() => undefined);
      await until(() => served.statuses.length > 0);
      // The tool's failure reaches toolFailure in promise callbacks alone, before the next turn.
      await new Promise((resolve) => setImmediate(resolve));
      expect(served.statuses).toEqual([499]);
      expect(served.logged).toEqual([broken]);
    } finally {
      await served.close();
    }
  });
});
