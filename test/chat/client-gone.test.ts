import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { type Answerer, createChatHandler } from "../../src/chat/index.js";
import { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import { countResponses, createServerApp, type Listening, listen } from "../../src/server/index.js";
import { StoreError } from "../../src/store/index.js";
import { DEV_TENANT_HEADER, DEV_USER_HEADER, devHeaderIdentity } from "../../src/tenants/index.js";
import { demoPerFile } from "../demo-per-file.js";
import { gate } from "../gate.js";
import { until } from "../until.js";

// The demo for real: the emulator on loopback (its Permissions API slowed by its own fault
// injection), the embedded store, the chat endpoint behind the server app, a real HTTP client.
const HANA = "hana@northwind.test";

const demo = demoPerFile();

/** The chat endpoint served on loopback, counting its answers by status as `clearance serve` does. */
async function serveChat(model?: Answerer) {
  const logged: unknown[] = [];
  const statuses: number[] = [];
  const counted = countResponses(
    createChatHandler({
      retrievers: demo().retrievers,
      identify: devHeaderIdentity({ people: demo().people }),
      onError: (error) => logged.push(error),
      ...(model ? { model } : {}),
    }),
  );
  const app = createServerApp({
    chat: async (request) => {
      const response = await counted.handler(request);
      statuses.push(response.status);
      return response;
    },
  });
  const server: Listening = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  const ask = (body: unknown, signal: AbortSignal) =>
    fetch(`${server.url}/api/chat`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [DEV_USER_HEADER]: HANA,
        [DEV_TENANT_HEADER]: demo().tenant,
      },
      body: JSON.stringify(body),
      signal,
    });
  return { logged, statuses, counted, ask, close: () => server.close() };
}

/** Waits for something the servers do on their own time (no deadline: the test's timeout is one). */

describe("a client that goes away", () => {
  it("mid-retrieval is answered 499, not a 503 Permissions outage, and is not logged as an error", async () => {
    const served = await serveChat();
    try {
      // Every permission check now takes 5 s: the client leaves while one is under way.
      demo().emulator.faults.set({ rateSlow: 1, slowMs: 5_000, pathPattern: "permissions" });
      const client = new AbortController();
      const asking = served.ask({ question: "What are the salary bands for engineers?" }, client.signal);
      await until(() => demo().emulator.faults.counts.slow > 0);
      client.abort();
      await expect(asking).rejects.toThrow();
      await until(() => served.statuses.length > 0);
      expect(served.statuses).toEqual([499]);
      expect(served.counted.snapshot().byStatus).toEqual({ 499: 1 });
      expect(served.logged).toEqual([]);
    } finally {
      await served.close();
    }
  });

  it("mid-answer stops the answerer and tells onError nothing (the stream's error event is for nobody)", async () => {
    const started = gate();
    const gaveUp = gate();
    const slow: Answerer = {
      name: "slow",
      async *answer({ signal }) {
        yield "The first half";
        started.open();
        await new Promise((_, reject) =>
          signal?.addEventListener("abort", () => {
            gaveUp.open();
            reject(signal.reason);
          }),
        );
      },
    };
    const served = await serveChat(slow);
    try {
      const client = new AbortController();
      const response = await served.ask({ question: "How do we deploy?", stream: true }, client.signal);
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      await reader.read();
      await started.wait;
      client.abort();
      // The answerer is stopped (a chat model would go on writing, and billing, otherwise)…
      await gaveUp.wait;
      // …and its failure reaches the protocol's handler in promise callbacks alone (no I/O), all
      // run before the next turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      expect(served.logged).toEqual([]);
    } finally {
      await served.close();
    }
  });

  // A proxy's timeout ends a request because the server is failing: the failure it then meets is
  // the server's, and the only place it is told is onError. It was counted 499 and told nobody.
  it("mid-retrieval, a store failure it did not cause is still told to onError (answered 499)", async () => {
    const broken = new StoreError("STORE_READ_FAILED", "the store's folder cannot be read");
    vi.spyOn(PermissionAwareRetriever.prototype, "retrieveWithReport").mockImplementation(
      async (_question, options) => {
        const signal = options?.signal;
        // Work that does not heed the signal (a store read), failing after the client left.
        await new Promise((resolve) => signal?.addEventListener("abort", resolve, { once: true }));
        throw broken;
      },
    );
    const served = await serveChat();
    try {
      const client = new AbortController();
      const asking = served.ask({ question: "How do we deploy?" }, client.signal);
      await until(
        () => vi.mocked(PermissionAwareRetriever.prototype.retrieveWithReport).mock.calls.length > 0,
      );
      client.abort();
      await expect(asking).rejects.toThrow();
      await until(() => served.statuses.length > 0);
      expect(served.statuses).toEqual([499]);
      expect(served.logged).toEqual([broken]);
    } finally {
      await served.close();
    }
  });
});
