import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Hono } from "hono";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { PermissionsClient } from "../../../src/access/index.js";
import { recordsForTenant } from "../../../src/config/index.js";
import { loadCorpusRecords } from "../../../src/demo/corpus-records.js";
import { type Demo, startDemo } from "../../../src/demo/index.js";
import { createEmbeddings } from "../../../src/embeddings/index.js";
import { createMcpHttpHandler } from "../../../src/mcp/index.js";
import { createManagedSyncRetriever } from "../../../src/retrieval/index.js";
import { type Listening, listen, mountMcp } from "../../../src/server/index.js";
import { jwtIdentity, TenantClients, TenantRetrievers } from "../../../src/tenants/index.js";

export const CORPUS_DIR = join(import.meta.dirname, "../../../examples/corpus");
export const ISSUER = "https://idp.test/";

/**
 * The bundled corpus (Northwind and Kestrel) in the emulator and one embedded store, served over
 * MCP Streamable HTTP by a real Clearance handler behind a real HTTP server, with a local identity
 * provider (an RS256 key published as a JWKS) minting the people's tokens.
 */
export interface McpWorld {
  demo: Demo;
  /** The MCP endpoint, e.g. http://127.0.0.1:1234/mcp: the tokens' audience. */
  resource: string;
  origin: string;
  /** Batch-check requests each tenant's retrievers sent to the Permissions API. */
  batchChecks: Map<string, number>;
  /** A token for a person of a tenant (override claims or the audience, or sign with another key). */
  token(email: string, tenant: string, options?: TokenOptions): Promise<string>;
  /** An SDK client connected over Streamable HTTP with `token` (connect may throw on 401). */
  connect(token: string | undefined): Promise<Client>;
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export interface TokenOptions {
  audience?: string;
  expiresAt?: number | string;
  forged?: boolean;
  claims?: Record<string, unknown>;
}

export async function startMcpWorld(): Promise<McpWorld> {
  const demo = await startDemo({ corpusDir: CORPUS_DIR });
  const closers: (() => Promise<unknown>)[] = [() => demo.close()];
  try {
    const idp = await generateKeyPair("RS256");
    const forger = await generateKeyPair("RS256");
    const jwks = await startJwks(await exportJWK(idp.publicKey));
    closers.push(() => new Promise((done) => jwks.close(done)));
    const clients = new TenantClients({
      baseUrl: demo.emulator.url,
      credentials: { signingKey: demo.emulator.signingKeyPem!, projectId: demo.emulator.projectId },
      // Retried as often as by default, without the default's backoff (200 ms doubling): the
      // test of a failing Permissions API otherwise spent ~5 s waiting between 503s.
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    const batchChecks = new Map<string, number>();
    const records = await loadCorpusRecords(CORPUS_DIR);
    // Caches on (age mode, 60 s): a search leaves allow decisions that fetch must not trust.
    const retrievers = new TenantRetrievers({
      isKnown: (tenant) => demo.companies.some((c) => c.tenant === tenant),
      create: (tenant) => {
        const client = clients.forTenant(tenant);
        return createManagedSyncRetriever({
          client: {
            permissions: counted(client.permissions, tenant, batchChecks),
            syncs: client.syncs,
            records: client.records,
          },
          store: demo.store,
          // The corpus's CRM and ticket policies (clearance.yaml), as the demo serves them.
          ...(records ? { records: recordsForTenant(records, tenant) } : {}),
          // What startDemo ingested with (offline: no OpenAI key in tests).
          embeddings: createEmbeddings(),
          tenant,
          freshnessMs: 60_000,
          decisionCacheTtlMs: 60_000,
        });
      },
    });
    let handle: (request: Request) => Promise<Response> | Response = () =>
      new Response(null, { status: 503 });
    const server: Listening = await listen((request) => handle(request), { host: "127.0.0.1", port: 0 });
    closers.push(() => server.close());
    const resource = `${server.url}/mcp`;
    const app = new Hono();
    mountMcp(app, {
      mcp: createMcpHttpHandler({
        retrievers,
        identify: jwtIdentity({
          jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
          issuer: ISSUER,
          audience: resource,
          tenantClaim: "org_id",
        }),
        oauth: { resource: new URL(resource), authorizationServers: [ISSUER] },
      }),
    });
    handle = app.fetch;
    return {
      demo,
      resource,
      origin: server.url,
      batchChecks,
      token: (email, tenant, options = {}) =>
        new SignJWT({ email, org_id: tenant, ...options.claims })
          .setProtectedHeader({ alg: "RS256", kid: "k1" })
          .setIssuer(ISSUER)
          .setAudience(options.audience ?? resource)
          .setExpirationTime(options.expiresAt ?? "5m")
          .sign(options.forged ? forger.privateKey : idp.privateKey),
      connect: async (token) => {
        const client = new Client({ name: "clearance-test", version: "0" });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(resource), {
            requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
          }),
        );
        return client;
      },
      admin: async (method, path, body) => {
        const response = await fetch(`${demo.emulator.url}/__admin${path}`, {
          method,
          headers: {
            authorization: `Bearer ${demo.emulator.adminToken}`,
            "content-type": "application/json",
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        if (!response.ok)
          throw new Error(`admin ${method} ${path}: ${response.status} ${await response.text()}`);
        return response.json();
      },
      close: async () => {
        for (const close of closers.reverse()) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

/** The JSON a tool answered with (its single text item), and whether it was an error. */
export function toolJson<T>(result: unknown): { isError: boolean; json: T | undefined; text: string } {
  const { content, isError } = result as CallToolResult;
  const text = content.map((item) => (item.type === "text" ? item.text : "")).join("");
  let json: T | undefined;
  try {
    json = JSON.parse(text) as T;
  } catch {
    json = undefined;
  }
  return { isError: isError === true, json, text };
}

function counted(
  permissions: PermissionsClient,
  tenant: string,
  counts: Map<string, number>,
): PermissionsClient {
  return {
    batchCheck: (...args) => {
      counts.set(tenant, (counts.get(tenant) ?? 0) + 1);
      return permissions.batchCheck(...args);
    },
    listObjects: (...args) => permissions.listObjects(...args),
    streamListObjects: (...args) => permissions.streamListObjects(...args),
  };
}

async function startJwks(jwk: object): Promise<Server> {
  const jwks = createServer((_, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [{ ...jwk, alg: "RS256", kid: "k1" }] }));
  });
  await new Promise<void>((done) => jwks.listen(0, "127.0.0.1", done));
  return jwks;
}
