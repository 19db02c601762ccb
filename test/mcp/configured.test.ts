import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startMcpHttp, startMcpStdio } from "../../src/cli/commands/mcp.js";
import { type RunningServe, startServe } from "../../src/cli/commands/serve.js";
import { CONTRACTOR } from "../tenants/helpers/companies.js";
import { type ServedTenants, startServedTenants } from "../tenants/helpers/served-tenants.js";
import { toolJson } from "./helpers/mcp-world.js";

// `clearance serve`, `clearance mcp --http` and `clearance mcp` (stdio) over a configured store of two
// tenants: /mcp takes the chat's JWT settings, but only tokens whose audience is the MCP resource URL;
// the local server answers for the configured person.
const ISSUER = "https://idp.test/";
let world: ServedTenants;
let configFile: string;
const idp = await generateKeyPair("RS256");

beforeAll(async () => {
  world = await startServedTenants("clearance-mcp-serve-", idp.publicKey);
  const { emulator } = world;
  configFile = join(world.dir, "clearance.yaml");
  await writeFile(
    configFile,
    [
      "tenants: [northwind, contoso]",
      "managedSync:",
      `  baseUrl: ${emulator.url}`,
      `  projectId: ${emulator.projectId}`,
      "store:",
      `  dir: ${world.storeDir}`,
      "retrieval:",
      "  follow: false",
      "auth:",
      `  jwksUrl: ${world.jwksUrl}`,
      `  issuer: ${ISSUER}`,
      "  audience: clearance",
      "  tenantClaim: org_id",
      "",
    ].join("\n"),
  );
  vi.stubEnv("PARAGON_SIGNING_KEY_FILE", world.keyFile);
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await world?.close();
});

const token = (tenant: string, audience: string) =>
  new SignJWT({ email: CONTRACTOR, org_id: tenant })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setExpirationTime("5m")
    .sign(idp.privateKey);

async function connect(resource: string, bearer: string): Promise<Client> {
  const client = new Client({ name: "clearance-serve-test", version: "0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(resource), {
      requestInit: { headers: { authorization: `Bearer ${bearer}` } },
    }),
  );
  return client;
}

/** Each tenant's person finds their own company's salary bands, and only those. */
async function expectTenantsSeparated(resource: string): Promise<void> {
  for (const [tenant, name, other] of [
    ["northwind", "Northwind", "Contoso"],
    ["contoso", "Contoso", "Northwind"],
  ] as const) {
    const client = await connect(resource, await token(tenant, resource));
    try {
      const { json } = toolJson<{ results: { id: string; title: string; text: string }[] }>(
        await client.callTool({ name: "search", arguments: { query: "salary bands" } }),
      );
      expect(json!.results.length).toBeGreaterThan(0);
      for (const result of json!.results) {
        expect(result.text).toContain(name);
        expect(result.text).not.toContain(other);
      }
      const fetched = toolJson<{ text: string }>(
        await client.callTool({ name: "fetch", arguments: { id: json!.results[0]!.id } }),
      );
      expect(fetched.json!.text).toContain(name);
    } finally {
      await client.close();
    }
  }
}

describe("the /mcp endpoint of clearance serve and clearance mcp --http", () => {
  it("serve mounts /mcp for every tenant; a token for the chat's audience is refused there", async () => {
    const running: RunningServe = await startServe({
      config: configFile,
      corpus: "",
      host: "127.0.0.1",
      port: 0,
    });
    try {
      const resource = `${running.url}/mcp`;
      expect(running.banner).toContain(`MCP          ${resource}`);
      const metadata = await (await fetch(`${running.url}/.well-known/oauth-protected-resource/mcp`)).json();
      expect(metadata).toMatchObject({ resource, authorization_servers: [ISSUER] });
      await expectTenantsSeparated(resource);

      // The chat's token works for the chat and nowhere else.
      const chatToken = await token("northwind", "clearance");
      const chat = await fetch(`${running.url}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${chatToken}` },
        body: JSON.stringify({ question: "salary bands" }),
      });
      expect(chat.status).toBe(200);
      await expect(connect(resource, chatToken)).rejects.toMatchObject({ code: 401 });
    } finally {
      await running.close();
    }
  });

  it("clearance mcp --http serves the same endpoint on its own, resource and sign-in from flags", async () => {
    const running = await startMcpHttp({
      config: configFile,
      corpus: "",
      http: true,
      host: "127.0.0.1",
      port: 0,
      authorizationServer: ["https://login.example.com/"],
    });
    try {
      const resource = /MCP {10}(\S+)/.exec(running.banner)![1]!;
      expect(resource).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const metadata = await (await fetch(new URL("/.well-known/oauth-protected-resource", resource))).json();
      expect(metadata).toMatchObject({ resource, authorization_servers: ["https://login.example.com/"] });
      await expectTenantsSeparated(resource);

      // Its /health counts /mcp's responses by status, as serve's does: here they are all there is.
      expect((await fetch(resource, { method: "POST" })).status).toBe(401);
      const health = (await (await fetch(new URL("/health", resource))).json()) as {
        metrics?: { mcp?: { requests: number; byStatus: Record<string, number> } };
      };
      // Per tenant: initialize, search and fetch (200), the client's notification (202). Its
      // standalone-stream GETs (405) are sent without waiting, so they are not counted on here.
      expect(health.metrics?.mcp?.byStatus).toMatchObject({ "200": 6, "202": 2, "401": 1 });
    } finally {
      await running.close();
    }
  });

  it("clearance mcp --http needs no chat audience (a flag it does not have), and names itself in its errors", async () => {
    // It refused to start without --jwt-audience / CLEARANCE_JWT_AUDIENCE (the chat's audience),
    // which `mcp --http` neither uses nor accepts: its tokens' audience is the resource URL.
    const text = await readFile(configFile, "utf8");
    const noAudience = join(world.dir, "no-chat-audience.yaml");
    await writeFile(noAudience, text.replace("  audience: clearance\n", ""));
    const running = await startMcpHttp({
      config: noAudience,
      corpus: "",
      http: true,
      host: "127.0.0.1",
      port: 0,
    });
    try {
      const resource = /MCP {10}(\S+)/.exec(running.banner)![1]!;
      expect(running.banner).toContain(`MCP sign-in  ${ISSUER}`);
      const client = await connect(resource, await token("northwind", resource));
      try {
        const { json } = toolJson<{ results: unknown[] }>(
          await client.callTool({ name: "search", arguments: { query: "salary bands" } }),
        );
        expect(json!.results.length).toBeGreaterThan(0);
      } finally {
        await client.close();
      }
      // Still only tokens for the resource: one for the chat's audience is refused.
      expect(
        (await connect(resource, await token("northwind", "clearance")).catch((e: Error) => e)) instanceof
          Error,
      ).toBe(true);
    } finally {
      await running.close();
    }
    const noIssuer = join(world.dir, "no-issuer.yaml");
    await writeFile(noIssuer, text.replace(`  issuer: ${ISSUER}\n`, ""));
    await expect(
      startMcpHttp({ config: noIssuer, corpus: "", http: true, host: "127.0.0.1", port: 0 }),
    ).rejects.toMatchObject({
      code: "SERVE_JWT_AUDIENCE_MISSING",
      message: expect.stringMatching(
        /^mcp --http needs the expected issuer and audience of bearer tokens \(missing: --jwt-issuer \/ CLEARANCE_JWT_ISSUER\)/,
      ),
    });
  });

  it("clearance mcp (stdio) answers for the configured person in the chosen tenant", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", "tsx", "src/cli/main.ts", "mcp", "--config", configFile, "--tenant", "contoso"],
      cwd: fileURLToPath(new URL("../../", import.meta.url)),
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        PARAGON_SIGNING_KEY_FILE: process.env.PARAGON_SIGNING_KEY_FILE!,
        CLEARANCE_MCP_USER: CONTRACTOR,
      },
      stderr: "pipe",
    });
    const client = new Client({ name: "clearance-configured-stdio-test", version: "0" });
    await client.connect(transport);
    try {
      expect(client.getInstructions()).toContain(`${CONTRACTOR} (tenant contoso)`);
      const { json } = toolJson<{ results: { text: string }[] }>(
        await client.callTool({ name: "search", arguments: { query: "salary bands" } }),
      );
      expect(json!.results.length).toBeGreaterThan(0);
      expect(json!.results.every((r) => r.text.includes("Contoso") && !r.text.includes("Northwind"))).toBe(
        true,
      );
    } finally {
      await client.close();
    }
  });

  it("a local (stdio) server refuses to start without knowing who you are", async () => {
    // Its own stdout, so this test process's console is left alone.
    const io = { stdout: new PassThrough() };
    await expect(
      startMcpStdio({ config: configFile, corpus: "", tenant: "northwind" }, io),
    ).rejects.toMatchObject({
      code: "MCP_NO_USER",
    });
  });
});
