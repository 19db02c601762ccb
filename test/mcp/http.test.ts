import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createClearanceMcpServer,
  decodeRecordId,
  MAX_CONCURRENT_TOOL_CALLS,
  NOT_READABLE,
} from "../../src/mcp/index.js";
import { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import { ISSUER, type McpWorld, startMcpWorld, toolJson } from "./helpers/mcp-world.js";

// One emulator (Northwind + Kestrel) and one store for the file; every call goes through the SDK's
// real client over Streamable HTTP, authenticated with the local identity provider's tokens.
let world: McpWorld;
let tenantOfSync: Map<string, string>;
const clients: Client[] = [];

beforeAll(async () => {
  world = await startMcpWorld();
  const state = (await world.admin("GET", "/state")) as { syncs: { id: string; tenant: string }[] };
  tenantOfSync = new Map(state.syncs.map((s) => [s.id, s.tenant]));
}, 180_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await world?.close();
});

async function as(email: string, tenant: string): Promise<Client> {
  const client = await world.connect(await world.token(email, tenant));
  clients.push(client);
  return client;
}

interface SearchJson {
  results: { id: string; title: string; url?: string; text: string; metadata: { integration: string } }[];
  report: { strategy: string; returned: number; k: number; moreMayExist: boolean; note: string };
}
interface FetchJson {
  id: string;
  title: string;
  text: string;
  url?: string;
  metadata: { integration: string; chunks: number; truncated: boolean; allowedBy: string; checkedAt: string };
}

async function search(client: Client, query: string) {
  const result = await client.callTool({ name: "search", arguments: { query } });
  const { isError, json, text } = toolJson<SearchJson>(result);
  expect(isError, text).toBe(false);
  // ChatGPT connectors read one text item holding the JSON; MCP clients read structuredContent: the same.
  expect(result.content).toHaveLength(1);
  expect(result.structuredContent).toEqual(json);
  return json!;
}

const fetchRecord = async (client: Client, id: string) =>
  toolJson<FetchJson>(await client.callTool({ name: "fetch", arguments: { id } }));

/** A raw JSON-RPC tools/call, to see the HTTP status a token gets. */
function rawCall(token: string | undefined, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(world.resource, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "search", arguments: { query: "salary bands" } },
    }),
  });
}

describe("MCP over Streamable HTTP", () => {
  it("lists search and fetch, both read-only, and says whose sign-in it answers for", async () => {
    const client = await as("sam@northwind.test", "northwind");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["fetch", "search"]);
    for (const tool of tools) {
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(tool.outputSchema).toBeDefined();
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName.get("search")!.inputSchema.properties ?? {})).toEqual(["query"]);
    expect(Object.keys(byName.get("fetch")!.inputSchema.properties ?? {})).toEqual(["id"]);
    expect(client.getInstructions()).toContain("sam@northwind.test");
    expect(client.getInstructions()).toContain("bearer token");
    expect(client.getServerVersion()?.name).toBe("clearance");
  });

  it("two people of one company ask the same thing and get different results", async () => {
    const question = "What are the salary bands for engineers?";
    const hana = await search(await as("hana@northwind.test", "northwind"), question);
    const sam = await search(await as("sam@northwind.test", "northwind"), question);
    const titles = (r: SearchJson) => r.results.map((x) => x.title);
    expect(titles(hana)).toContain("Compensation bands 2026.pdf");
    expect(titles(sam)).not.toContain("Compensation bands 2026.pdf");
    expect(titles(sam)).not.toContain("Salaries 2026.csv");
    expect(titles(sam)).not.toEqual(titles(hana));
    // One result per record, each with a snippet, its source, and an id that names sync + record.
    for (const result of [...hana.results, ...sam.results]) {
      expect(result.text.length).toBeGreaterThan(0);
      expect(result.metadata.integration).toBe("googledrive");
      expect(decodeRecordId(result.id)).toBeDefined();
    }
    expect(new Set(hana.results.map((r) => r.id)).size).toBe(hana.results.length);
    expect(hana.report).toMatchObject({ k: 6 });
    expect(hana.report.returned).toBeGreaterThanOrEqual(hana.results.length);
    expect(hana.report.note).toMatch(/of 6 passages/);
  });

  it("a person of the other company gets only their company's records, even one who works for both", async () => {
    const question = "What is our parental leave policy?";
    const diego = await search(await as("diego@kestrel.test", "kestrel"), question);
    expect(diego.results.length).toBeGreaterThan(0);
    const tenants = (r: SearchJson) =>
      new Set(r.results.map((x) => tenantOfSync.get(decodeRecordId(x.id)!.syncId)));
    expect(tenants(diego)).toEqual(new Set(["kestrel"]));
    const policy = diego.results.find((r) => r.title === "Parental leave policy.docx");
    expect(policy).toBeDefined();
    const text = (await fetchRecord(await as("diego@kestrel.test", "kestrel"), policy!.id)).json!.text;
    expect(text).toContain("12 weeks");
    expect(text).not.toContain("16 weeks");
    // Pat Guest works for both companies: each token's tenant decides which company's records.
    expect(tenants(await search(await as("guest@partner.test", "kestrel"), question))).toEqual(
      new Set(["kestrel"]),
    );
    const asNorthwind = await search(
      await as("guest@partner.test", "northwind"),
      "What is in scope for the 2026 penetration test?",
    );
    expect(asNorthwind.results.length).toBeGreaterThan(0);
    expect(tenants(asNorthwind)).toEqual(new Set(["northwind"]));
  });

  it("fetch returns a readable record's full text after one permission check; unreadable, missing and another company's ids get the same answer", async () => {
    const hana = await as("hana@northwind.test", "northwind");
    const bands = (await search(hana, "What are the salary bands for engineers?")).results.find(
      (r) => r.title === "Compensation bands 2026.pdf",
    )!;
    const before = world.batchChecks.get("northwind") ?? 0;
    const got = await fetchRecord(hana, bands.id);
    expect(got.isError, got.text).toBe(false);
    // The search's cached allow is not trusted: one Permissions API batch-check during the call.
    expect(world.batchChecks.get("northwind")).toBe(before + 1);
    expect(got.json).toMatchObject({ id: bands.id, title: "Compensation bands 2026.pdf" });
    expect(got.json!.text).toContain("$118,000");
    expect(got.json!.metadata).toMatchObject({
      integration: "googledrive",
      truncated: false,
      allowedBy: "permissions API",
    });
    expect(got.json!.text.length).toBeGreaterThan(bands.text.length);

    const sam = await as("sam@northwind.test", "northwind");
    const diego = await as("diego@kestrel.test", "kestrel");
    const { syncId } = decodeRecordId(bands.id)!;
    const missing = `${Buffer.from(syncId).toString("base64url")}.${Buffer.from("no-such-record").toString("base64url")}`;
    const samBefore = world.batchChecks.get("northwind") ?? 0;
    const unreadable = await fetchRecord(sam, bands.id);
    const nonexistent = await fetchRecord(sam, missing);
    // A record that exists but may not be read and one that does not exist cost one check each, too.
    expect(world.batchChecks.get("northwind")).toBe(samBefore + 2);
    const otherCompany = await fetchRecord(diego, bands.id);
    const malformed = await fetchRecord(sam, "not-an-id");
    for (const answer of [unreadable, nonexistent, otherCompany, malformed]) {
      expect(answer).toEqual({ isError: true, json: undefined, text: NOT_READABLE });
    }
  });

  it("fetch refuses a record revoked a moment ago, even though search a second earlier still had it cached", async () => {
    const priya = await as("priya@northwind.test", "northwind");
    const question = "How do we deploy to production?";
    const runbook = (await search(priya, question)).results.find(
      (r) => r.title === "Deploy to production.md",
    );
    expect(runbook).toBeDefined();
    await world.admin("DELETE", "/groups/engineering/members/priya@northwind.test");
    try {
      // The search's evidence is cached (freshnessMs 60 s, no follower): it would still serve it…
      expect((await search(priya, question)).results.map((r) => r.title)).toContain(
        "Deploy to production.md",
      );
      // …but fetch asks the Permissions API now.
      expect(await fetchRecord(priya, runbook!.id)).toEqual({
        isError: true,
        json: undefined,
        text: NOT_READABLE,
      });
    } finally {
      await world.admin("POST", "/groups/engineering/members", { member: "priya@northwind.test" });
    }
    expect((await fetchRecord(priya, runbook!.id)).isError).toBe(false);
  });

  it("CRM and ticket records: fetch asks their record policy now (a deal for its owner only, a ticket for the company's members)", async () => {
    const chloe = await as("chloe@northwind.test", "northwind");
    const deal = (await search(chloe, "What payment terms did Globex ask for on the new deal?")).results.find(
      (r) => r.title === "Globex new business",
    );
    expect(deal).toBeDefined();
    const dealText = await fetchRecord(chloe, deal!.id);
    expect(dealText.isError, dealText.text).toBe(false);
    expect(dealText.json!.text).toContain("net-60");
    expect(dealText.json!.metadata).toMatchObject({
      integration: "salesforce",
      allowedBy: "record policy: owner",
    });
    expect(await fetchRecord(await as("jordan@northwind.test", "northwind"), deal!.id)).toEqual({
      isError: true,
      json: undefined,
      text: NOT_READABLE,
    });

    const sam = await as("sam@northwind.test", "northwind");
    const ticket = (
      await search(sam, "What service credit did ACME Freight get for the September 14 outage?")
    ).results.find((r) => r.title.startsWith("CS0001044"));
    expect(ticket).toBeDefined();
    const ticketText = await fetchRecord(sam, ticket!.id);
    expect(ticketText.json!.text).toContain("$1,800");
    expect(ticketText.json!.metadata.allowedBy).toBe("record policy: tenant");
    expect((await fetchRecord(await as("diego@kestrel.test", "kestrel"), ticket!.id)).text).toBe(
      NOT_READABLE,
    );
  });

  it("a signed-in person is a verified member of the token's tenant (as at the chat endpoint); a locally configured one is not", async () => {
    // Pat Guest's partner.test address is not one of Northwind's member domains (clearance.yaml):
    // only the token naming northwind makes them a member, so the tenant-policy ticket is theirs.
    const question = "What service credit did ACME Freight get for the September 14 outage?";
    const guest = await as("guest@partner.test", "northwind");
    const ticket = (await search(guest, question)).results.find((r) => r.title.startsWith("CS0001044"));
    expect(ticket).toBeDefined();
    const got = await fetchRecord(guest, ticket!.id);
    expect(got.isError, got.text).toBe(false);
    expect(got.json!.metadata.allowedBy).toBe("record policy: tenant");
    // A token for Kestrel makes them Kestrel's member, not Northwind's.
    expect((await fetchRecord(await as("guest@partner.test", "kestrel"), ticket!.id)).text).toBe(
      NOT_READABLE,
    );

    // The same person named by a local (stdio) configuration is not vouched for: only the domain rule decides.
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const local = createClearanceMcpServer({
      caller: {
        retriever: world.demo.retrievers.forTenant("northwind"),
        user: "guest@partner.test",
        member: false,
      },
      identitySource: "local",
    });
    await local.connect(serverSide);
    const client = new Client({ name: "clearance-local-test", version: "0" });
    await client.connect(clientSide);
    clients.push(client);
    expect((await search(client, question)).results.map((r) => r.title)).not.toContain(ticket!.title);
    expect((await fetchRecord(client, ticket!.id)).text).toBe(NOT_READABLE);
  });

  it("when the Permissions API fails, fetch and search refuse with the error, the same for a record that exists and one that does not", async () => {
    const hana = await as("hana@northwind.test", "northwind");
    const bands = (await search(hana, "What are the salary bands for engineers?")).results.find(
      (r) => r.title === "Compensation bands 2026.pdf",
    )!;
    const { syncId } = decodeRecordId(bands.id)!;
    const missing = `${Buffer.from(syncId).toString("base64url")}.${Buffer.from("no-such-record").toString("base64url")}`;
    // Someone with nothing cached yet: their search needs the Permissions API.
    const leo = await as("leo@northwind.test", "northwind");
    world.demo.emulator.faults.set({ rate503: 1, pathPattern: "^/api/permissions/" });
    try {
      const existing = await fetchRecord(hana, bands.id);
      const nonexistent = await fetchRecord(hana, missing);
      expect(existing.isError).toBe(true);
      expect(existing.text).toMatch(/PERMISSIONS_/);
      expect(existing.text).not.toContain("$118,000");
      expect(nonexistent).toEqual(existing);
      const searched = toolJson(await leo.callTool({ name: "search", arguments: { query: "salary bands" } }));
      expect(searched.isError).toBe(true);
      expect(searched.text).toMatch(/PERMISSIONS_/);
    } finally {
      world.demo.emulator.faults.clear();
    }
  });

  it("no token, a forged, an expired or another audience's token: 401 pointing at the metadata, and no tool runs", async () => {
    const metadataUrl = `${world.origin}/.well-known/oauth-protected-resource/mcp`;
    const checks = () => [...world.batchChecks.values()].reduce((a, b) => a + b, 0);
    const before = checks();
    const anon = await rawCall(undefined);
    expect(anon.status).toBe(401);
    expect(anon.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    const tokens = {
      forged: await world.token("hana@northwind.test", "northwind", { forged: true }),
      expired: await world.token("hana@northwind.test", "northwind", {
        expiresAt: Math.floor(Date.now() / 1000) - 60,
      }),
      otherAudience: await world.token("hana@northwind.test", "northwind", {
        audience: "https://other.example/mcp",
      }),
      noTenant: await world.token("hana@northwind.test", "northwind", { claims: { org_id: undefined } }),
    };
    for (const [kind, token] of Object.entries(tokens)) {
      const response = await rawCall(token);
      expect(response.status, kind).toBe(401);
      const challenge = response.headers.get("www-authenticate") ?? "";
      expect(challenge, kind).toMatch(
        /^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="/,
      );
      expect(challenge, kind).toContain(`resource_metadata="${metadataUrl}"`);
      expect(((await response.json()) as { error: string }).error).toBe("invalid_token");
      await expect(world.connect(token), kind).rejects.toMatchObject({ code: 401 });
    }
    await expect(world.connect(undefined)).rejects.toMatchObject({ code: 401 });
    expect(checks()).toBe(before);
  });

  it("publishes protected-resource metadata (RFC 9728) at both well-known paths", async () => {
    for (const path of [
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-protected-resource",
    ]) {
      const response = await fetch(`${world.origin}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        resource: world.resource,
        authorization_servers: [ISSUER],
        bearer_methods_supported: ["header"],
      });
    }
  });

  it("refuses a tenant not served (403), a foreign browser origin (403) and GET streams (405)", async () => {
    const notServed = await rawCall(await world.token("hana@northwind.test", "fabrikam"));
    expect(notServed.status).toBe(403);
    // Worded for the caller, as at the chat endpoint: not the operator's configuration advice.
    const refusal = await notServed.text();
    expect(refusal).toContain("not served by this deployment");
    expect(refusal).not.toMatch(/CLEARANCE_TENANTS|discovery/);
    const token = await world.token("hana@northwind.test", "northwind");
    expect((await rawCall(token, { origin: "https://evil.example" })).status).toBe(403);
    expect((await rawCall(token, { origin: world.origin })).status).toBe(200);
    const get = await fetch(world.resource, {
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    });
    expect(get.status).toBe(405);
  });

  it("a JSON-RPC batch of searches in one POST is answered whole, at most MAX_CONCURRENT_TOOL_CALLS at a time", async () => {
    // Watches the real retriever (called through): how many searches are under way at once.
    let running = 0;
    let most = 0;
    const original = PermissionAwareRetriever.prototype.retrieveWithReport;
    const spy = vi
      .spyOn(PermissionAwareRetriever.prototype, "retrieveWithReport")
      .mockImplementation(async function (this: PermissionAwareRetriever, ...args) {
        running += 1;
        most = Math.max(most, running);
        try {
          return await original.apply(this, args);
        } finally {
          running -= 1;
        }
      });
    try {
      const queries = ["salary bands", "deploy to production", "pricing discounts", "onboarding", "roadmap"];
      const batch = Array.from({ length: 20 }, (_, i) => ({
        jsonrpc: "2.0",
        id: i + 1,
        method: "tools/call",
        params: { name: "search", arguments: { query: `${queries[i % queries.length]} ${i}` } },
      }));
      const response = await fetch(world.resource, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-03-26",
          authorization: `Bearer ${await world.token("hana@northwind.test", "northwind")}`,
        },
        body: JSON.stringify(batch),
      });
      expect(response.status).toBe(200);
      const answers = (await response.json()) as { id: number; result: CallToolResult }[];
      expect(answers.map((a) => a.id).sort((a, b) => a - b)).toEqual(batch.map((b) => b.id));
      for (const { result } of answers) expect(toolJson<SearchJson>(result).isError).toBe(false);
      expect(spy).toHaveBeenCalledTimes(20);
      // Bounded, and still concurrent: the calls are not run one by one.
      expect(most).toBe(MAX_CONCURRENT_TOOL_CALLS);
    } finally {
      spy.mockRestore();
    }
  });
});
