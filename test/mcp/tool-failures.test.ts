import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/index.js";
import { createEmbeddings } from "../../src/embeddings/index.js";
import { createClearanceMcpServer, createMcpHttpHandler } from "../../src/mcp/index.js";
import {
  createManagedSyncRetriever,
  type ManagedSyncRetrieverOptions,
  type PermissionAwareRetriever,
} from "../../src/retrieval/index.js";
import { type Listening, listen, mountMcp } from "../../src/server/index.js";
import { StoreError } from "../../src/store/index.js";
import {
  DEV_TENANT_HEADER,
  DEV_USER_HEADER,
  devHeaderIdentity,
  type Identify,
  singleTenant,
  TenantClients,
} from "../../src/tenants/index.js";
import { gate } from "../gate.js";
import { CORPUS_DIR, toolJson } from "./helpers/mcp-world.js";

// What an MCP caller is told when a tool fails: over the real Streamable HTTP transport on loopback,
// the emulator (Northwind + Kestrel) and one embedded store. Identity from the development headers,
// since these tests are about the tools' answers, not sign-in (http.test.ts covers tokens).
let demo: Demo;
let clients: TenantClients;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  demo = await startDemo({ corpusDir: CORPUS_DIR });
  closers.push(() => demo.close());
  clients = new TenantClients({
    baseUrl: demo.emulator.url,
    credentials: { signingKey: demo.emulator.signingKeyPem!, projectId: demo.emulator.projectId },
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
}, 180_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
});

function retrieverFor(
  tenant: string,
  extra: Partial<Pick<ManagedSyncRetrieverOptions, "store" | "onPermissionError" | "strategy">> = {},
): PermissionAwareRetriever {
  return createManagedSyncRetriever({
    client: clients.forTenant(tenant),
    store: demo.store,
    embeddings: createEmbeddings(),
    tenant,
    ...extra,
  });
}

/** `retriever` served at /mcp on loopback; a client for `user` of its tenant. */
async function connectTo(
  retriever: PermissionAwareRetriever,
  user: string,
  identify: Identify = devHeaderIdentity(),
): Promise<Client> {
  const app = new Hono();
  mountMcp(app, {
    mcp: createMcpHttpHandler({ retrievers: singleTenant(retriever), identify }),
  });
  const server: Listening = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  closers.push(() => server.close());
  const client = new Client({ name: "clearance-test", version: "0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { [DEV_TENANT_HEADER]: retriever.tenant, [DEV_USER_HEADER]: user } },
    }),
  );
  closers.push(() => client.close());
  return client;
}

describe("MCP tool failures", () => {
  it("a store that returns another tenant's chunk fails the search without naming that tenant or its chunk", async () => {
    // A FAKE custom store that ignores the tenant filter: every search reads Kestrel's chunks.
    const ignoringTenant: ManagedSyncRetrieverOptions["store"] = {
      search: (vector, options) => demo.store.search(vector, { ...options, tenant: "kestrel" }),
      searchRefs: (vector, options) => demo.store.searchRefs(vector, { ...options, tenant: "kestrel" }),
      readChunks: (refs, signal) => demo.store.readChunks(refs, signal),
    };
    // Post-filtered: the unfiltered search itself meets Kestrel's chunks (a pre-filter names
    // Northwind's syncs and records, which would keep even this store to nothing).
    const client = await connectTo(
      retrieverFor("northwind", { store: ignoringTenant, strategy: "post" }),
      "hana@northwind.test",
    );
    const result = toolJson(
      await client.callTool({ name: "search", arguments: { query: "parental leave policy" } }),
    );
    expect(result.isError, result.text).toBe(true);
    expect(result.text).toContain("STORE_CROSSED_TENANT");
    // The other company's id, and the id of its chunk, are for the server's log only.
    expect(result.text).not.toContain("kestrel");
    expect(result.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });

  it("a Permissions API failure is refused with its code, not with the upstream's words, sync ids or the deployment's credentials", async () => {
    const client = await connectTo(retrieverFor("northwind"), "leo@northwind.test");
    const syncs = (await clients.forTenant("northwind").syncs.list()).map((s) => s.id);
    demo.emulator.faults.set({ rate503: 1, pathPattern: "^/api/permissions/" });
    try {
      const result = toolJson(
        await client.callTool({ name: "search", arguments: { query: "salary bands" } }),
      );
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/PERMISSIONS_UNAVAILABLE/);
      expect(result.text).toMatch(/try again/i);
      for (const syncId of syncs) expect(result.text).not.toContain(syncId);
      expect(result.text).not.toMatch(/\/api\/permissions|HTTP 503|PARAGON_/);
    } finally {
      demo.emulator.faults.clear();
    }
  });

  it("with onPermissionError: empty, a Permissions API failure is still an error, never an empty list of results", async () => {
    const client = await connectTo(
      retrieverFor("northwind", { onPermissionError: "empty" }),
      "leo@northwind.test",
    );
    demo.emulator.faults.set({ rate503: 1, pathPattern: "^/api/permissions/" });
    try {
      const result = toolJson(
        await client.callTool({ name: "search", arguments: { query: "salary bands" } }),
      );
      expect(result.isError, result.text).toBe(true);
      expect(result.text).toMatch(/PERMISSIONS_UNAVAILABLE/);
      expect(result.json).toBeUndefined();
    } finally {
      demo.emulator.faults.clear();
    }
    // The same retriever answers once the Permissions API is back.
    const after = toolJson(await client.callTool({ name: "search", arguments: { query: "salary bands" } }));
    expect(after.isError, after.text).toBe(false);
  });

  it("a call its client cancelled is not told to onError; a failure the cancellation did not cause is", async () => {
    // A FAKE store whose search holds until the call is cancelled, then fails as `failWith` says.
    let held = { searching: gate(), gaveUp: gate() };
    let failWith: (reason: unknown) => unknown = (reason) => reason;
    const hold = async (signal: AbortSignal | undefined): Promise<never> => {
      held.searching.open();
      const reason = await new Promise((resolve) =>
        signal?.addEventListener("abort", () => resolve(signal.reason), { once: true }),
      );
      held.gaveUp.open();
      throw failWith(reason);
    };
    const holding: ManagedSyncRetrieverOptions["store"] = {
      search: (_vector, options) => hold(options.signal),
      searchRefs: (_vector, options) => hold(options.signal),
      readChunks: (refs, signal) => demo.store.readChunks(refs, signal),
    };
    // A local server, as `clearance mcp` runs over stdio: it lives on between calls, so a client's
    // cancellation (notifications/cancelled) reaches the call. The SDK's linked pair stands in for the pipes.
    const logged: unknown[] = [];
    const server = createClearanceMcpServer({
      caller: {
        retriever: retrieverFor("northwind", { store: holding, strategy: "post" }),
        user: "hana@northwind.test",
        member: false,
      },
      identitySource: "local",
      onError: (error) => logged.push(error),
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "clearance-test", version: "0" });
    await client.connect(clientSide);
    closers.push(() => client.close());
    const cancelledSearch = async () => {
      held = { searching: gate(), gaveUp: gate() };
      const cancel = new AbortController();
      const call = client.callTool({ name: "search", arguments: { query: "parental leave" } }, undefined, {
        signal: cancel.signal,
      });
      await held.searching.wait;
      cancel.abort();
      await expect(call).rejects.toThrow();
      await held.gaveUp.wait;
      // The failure reaches the tool's handler in promise callbacks alone, all run before the next
      // turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
    };

    // The search stops with the cancellation itself: the client's doing, nothing to log.
    await cancelledSearch();
    expect(logged).toEqual([]);

    // A store failure met after the client left is still the server's to log.
    const broken = new StoreError("STORE_READ_FAILED", "the store's folder cannot be read");
    failWith = () => broken;
    await cancelledSearch();
    expect(logged).toEqual([broken]);
  });

  it("a search query longer than a chat question is refused before anything is embedded or checked", async () => {
    const retriever = retrieverFor("northwind");
    const client = await connectTo(retriever, "hana@northwind.test");
    const result = toolJson(
      await client.callTool({ name: "search", arguments: { query: "salary ".repeat(1_000) } }),
    );
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/query/);
    expect(result.text).toMatch(/4,?000/);
  });
});

describe("MCP identity", () => {
  it("an identify of your own is taken in canonical form, as at the chat endpoint: padded tenant, capitalised email", async () => {
    // A session-based identify that hands on what its session store holds, untrimmed.
    const identify: Identify = () => ({ tenant: " northwind ", user: " Hana@Northwind.test " });
    const client = await connectTo(retrieverFor("northwind"), "ignored@northwind.test", identify);
    const result = toolJson<{ results: { title: string }[] }>(
      await client.callTool({
        name: "search",
        arguments: { query: "What are the salary bands for engineers?" },
      }),
    );
    expect(result.isError, result.text).toBe(false);
    expect(result.json!.results.map((r) => r.title)).toContain("Compensation bands 2026.pdf");
  });
});
