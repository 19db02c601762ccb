import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Hono } from "hono";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatResponseBody, createChatHandler, createOpenAIChatHandler } from "../../src/chat/index.js";
import { HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { PermissionFollower } from "../../src/freshness/index.js";
import { createMcpHttpHandler } from "../../src/mcp/index.js";
import { createManagedSyncRetriever } from "../../src/retrieval/index.js";
import { createServerApp, type Listening, listen } from "../../src/server/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { ingestTenants, jwtIdentity, TenantClients, TenantRetrievers } from "../../src/tenants/index.js";
import { companiesCorpus } from "../tenants/helpers/companies.js";

// A retriever whose permission-changes follower is failing says so in its report (its results were
// all checked), and every chat protocol and the MCP search hand that report to the caller. What the
// feed's failure said upstream (Paragon's own message, its request id, the endpoint, the operator's
// advice naming the deployment's credential settings; a socket error names an internal host) is
// the server log's, as every other upstream failure is: the caller is told only that it is failing.

const TENANT = "northwind";
const ANA = "ana@northwind.test";
const ISSUER = "https://idp.test/";
const AUDIENCE = "clearance";
const UPSTREAM = /injected fault|HTTP 503|request id|PARAGON_|\/api\/permissions/;

let emulator: Emulator;
let dir: string;
let store: LanceChunkStore;
let follower: PermissionFollower;
let server: Listening;
let token: string;
const logged: unknown[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ corpus: companiesCorpus(), port: 0 });
  dir = await mkdtemp(join(tmpdir(), "clearance-follower-report-"));
  store = await LanceChunkStore.open({ dir, dimensions: 64 });
  const embeddings = new HashingEmbeddings({ dimensions: 64 });
  const clients = new TenantClients({
    baseUrl: emulator.url,
    credentials: { signingKey: emulator.signingKeyPem!, projectId: emulator.projectId },
    // A failed feed read is a failing follower at once, not after backoffs.
    retry: { retries: 0 },
  });
  expect(
    (await ingestTenants({ tenants: [TENANT], clientFor: (t) => clients.forTenant(t), store, embeddings }))
      .ok,
  ).toBe(true);
  const retrievers: TenantRetrievers = new TenantRetrievers({
    isKnown: (tenant) => tenant === TENANT,
    create: (tenant) =>
      createManagedSyncRetriever({
        client: clients.forTenant(tenant),
        store,
        embeddings,
        tenant,
        freshnessMs: 60_000,
        changes: follower.forTenant(tenant),
      }),
  });
  follower = new PermissionFollower({
    readerFor: (tenant) => clients.forTenant(tenant).permissions,
    invalidate: (tenant, scope) => retrievers.invalidate(tenant, scope),
    intervalMs: 20,
    onError: (error) => logged.push(error),
  });
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const identify = jwtIdentity({ key: publicKey, issuer: ISSUER, audience: AUDIENCE, tenantClaim: "org_id" });
  const chatOptions = { retrievers, identify };
  const app: Hono = createServerApp({
    chat: createChatHandler(chatOptions),
    openai: createOpenAIChatHandler(chatOptions),
    mcp: createMcpHttpHandler({ retrievers, identify }),
  });
  server = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  token = await new SignJWT({ email: ANA, org_id: TENANT })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime("5m")
    .sign(privateKey);
});

afterAll(async () => {
  await server?.close();
  await follower?.close();
  await store?.close();
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ask = async (): Promise<ChatResponseBody> => {
  const response = await fetch(`${server.url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ question: "What is the Northwind roadmap?" }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ChatResponseBody;
};

describe("a failing permission-changes follower, as callers see it", () => {
  it("reports the sync unverified, without the upstream failure's text", async () => {
    emulator.faults.set({ rate503: 1, pathPattern: "/changes$" });
    // The first question puts the tenant's syncs in use: their followers start, and fail.
    await ask();
    for (let i = 0; !follower.status().some((s) => s.state === "failing"); i++) {
      if (i > 200) throw new Error(`the follower never failed: ${JSON.stringify(follower.status())}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(logged.length).toBeGreaterThan(0);
    expect(String(logged[0])).toMatch(/injected fault/);

    const body = await ask();
    expect(body.citations.map((c) => c.name)).toContain("Roadmap.md");
    expect(body.report.freshness.unverified?.[0]?.reason).toMatch(/failing/);
    expect(JSON.stringify(body.report)).not.toMatch(UPSTREAM);

    const completion = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ messages: [{ role: "user", content: "What is the Northwind roadmap?" }] }),
    });
    expect(completion.status).toBe(200);
    expect(await completion.text()).not.toMatch(UPSTREAM);

    const mcp = new Client({ name: "follower-report-test", version: "0" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const found = await mcp.callTool({ name: "search", arguments: { query: "Northwind roadmap" } });
      const note = (found.structuredContent as { report: { note: string } }).report.note;
      expect(note).toMatch(/caches unverified/);
      expect(note).not.toMatch(UPSTREAM);
    } finally {
      await mcp.close();
    }
  });
});
