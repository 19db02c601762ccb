/**
 * What the MCP layer costs on top of the retriever, over the bundled corpus (Northwind's ~64 files in
 * the emulator on loopback HTTP, one embedded LanceDB store, the offline embedder). Each question of
 * questions.yaml is asked by its `askedBy` person; every row runs the same (person, question) list:
 *
 * - `search direct`: `retriever.retrieveWithReport(q, { user, member: true })` (the baseline);
 * - `search MCP/HTTP`: the same through the SDK client → Streamable HTTP → a stateless server per
 *   request (bearer JWT verified against a JWKS on every call, a fresh McpServer, JSON-RPC);
 * - `fetch direct`: `retriever.readRecord` of each question's top result (one Permissions API
 *   check that trusts no cache, then the record's chunks);
 * - `fetch MCP/HTTP`: the same through MCP.
 *
 * The first call of each row on a fresh registry of retrievers is reported apart (cold: sync list,
 * first embedding, JWKS fetch for MCP), then p50/p95 over `rounds` passes after one warm-up pass,
 * and p50 as a ratio to the direct row of the same tool. freshnessMs 0: every search confirms its
 * results with the Permissions API, as `clearance serve` does without the follower.
 *
 *   npx tsx bench/mcp.ts        # 5 rounds
 *   npx tsx bench/mcp.ts 10     # more rounds
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Hono } from "hono";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { parse as parseYaml } from "yaml";
import { startDemo } from "../src/demo/index.js";
import { createEmbeddings } from "../src/embeddings/index.js";
import { createMcpHttpHandler, decodeRecordId } from "../src/mcp/index.js";
import { createManagedSyncRetriever } from "../src/retrieval/index.js";
import { listen, mountMcp } from "../src/server/index.js";
import { jwtIdentity, TenantClients, TenantRetrievers } from "../src/tenants/index.js";
import { markdownTable } from "./markdown-table.js";

const ROUNDS = Number(process.argv[2] ?? 5);
const TENANT = "northwind";
const CORPUS = join(import.meta.dirname, "../examples/corpus");
const ISSUER = "https://idp.bench/";

const demo = await startDemo({ corpusDir: CORPUS, tenant: TENANT });
const idp = await generateKeyPair("RS256");
const jwk = await exportJWK(idp.publicKey);
const jwks = createServer((_, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ keys: [{ ...jwk, alg: "RS256", kid: "k1" }] }));
});
await new Promise<void>((done) => jwks.listen(0, "127.0.0.1", done));
const clients = new TenantClients({
  baseUrl: demo.emulator.url,
  credentials: { signingKey: demo.emulator.signingKeyPem!, projectId: demo.emulator.projectId },
});
const embeddings = createEmbeddings();
/**
 * A fresh registry, as after a restart: nothing cached in memory and no sync list (the cold call pays
 * for them). What earlier calls learnt about a person (allow rates) stays in the store, as it does in
 * production, so a cold call here is a restarted server's, not a stranger's first question.
 */
const freshRetrievers = () =>
  new TenantRetrievers({
    create: (tenant) =>
      createManagedSyncRetriever({
        client: clients.forTenant(tenant),
        store: demo.store,
        embeddings,
        tenant,
      }),
  });

let handle: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
const server = await listen((request) => handle(request), { host: "127.0.0.1", port: 0 });
const resource = `${server.url}/mcp`;
/** Mounts an MCP endpoint over `retrievers` with a fresh JWKS cache (cold includes the JWKS fetch). */
function serveMcp(retrievers: TenantRetrievers): void {
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
}

const asks = (
  parseYaml(readFileSync(join(CORPUS, "questions.yaml"), "utf8")) as {
    questions: { tenant: string; question: string; askedBy?: string }[];
  }
).questions
  .filter((q) => q.tenant === TENANT && q.askedBy)
  .map((q) => ({ user: q.askedBy!, question: q.question }));
const people = [...new Set(asks.map((a) => a.user))];
const mcpClients = new Map<string, Client>();
for (const user of people) {
  const token = await new SignJWT({ email: user, org_id: TENANT })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(ISSUER)
    .setAudience(resource)
    .setExpirationTime("1h")
    .sign(idp.privateKey);
  const client = new Client({ name: "bench", version: "0" });
  serveMcp(freshRetrievers());
  await client.connect(
    new StreamableHTTPClientTransport(new URL(resource), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  mcpClients.set(user, client);
}

// Each ask's top result, found once, is what the fetch rows read.
const fetches: { user: string; id: string }[] = [];
for (const { user, question } of asks) {
  const result = await mcpClients.get(user)!.callTool({ name: "search", arguments: { query: question } });
  const id = (result.structuredContent as { results: { id: string }[] }).results[0]?.id;
  if (id) fetches.push({ user, id });
}

type Call = (index: number) => Promise<unknown>;
interface Row {
  name: string;
  count: number;
  /** Prepares a cold start and returns the call to time. */
  fresh: () => Call;
  baseline?: string;
}

const mcpCall = (user: string, name: string, args: Record<string, string>) =>
  mcpClients
    .get(user)!
    .callTool({ name, arguments: args })
    .then((r) => {
      if ((r as CallToolResult).isError) throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
      return r;
    });

const rows: Row[] = [
  {
    name: "search direct",
    count: asks.length,
    fresh: () => {
      const retriever = freshRetrievers().forTenant(TENANT);
      return (i) => retriever.retrieveWithReport(asks[i]!.question, { user: asks[i]!.user, member: true });
    },
  },
  {
    name: "search MCP/HTTP",
    count: asks.length,
    baseline: "search direct",
    fresh: () => {
      serveMcp(freshRetrievers());
      return (i) => mcpCall(asks[i]!.user, "search", { query: asks[i]!.question });
    },
  },
  {
    name: "fetch direct",
    count: fetches.length,
    fresh: () => {
      const retriever = freshRetrievers().forTenant(TENANT);
      return async (i) => {
        const { documents } = await retriever.readRecord(decodeRecordId(fetches[i]!.id)!, {
          user: fetches[i]!.user,
          member: true,
        });
        if (documents.length === 0) throw new Error("fetch direct returned nothing");
      };
    },
  },
  {
    name: "fetch MCP/HTTP",
    count: fetches.length,
    baseline: "fetch direct",
    fresh: () => {
      serveMcp(freshRetrievers());
      return (i) => mcpCall(fetches[i]!.user, "fetch", { id: fetches[i]!.id });
    },
  },
];

const table: string[][] = [["row", "calls", "cold ms", "p50 ms", "p95 ms", "p50 ÷ direct"]];
const p50s = new Map<string, number>();
try {
  for (const row of rows) {
    const call = row.fresh();
    let start = performance.now();
    await call(0);
    const cold = performance.now() - start;
    for (let i = 0; i < row.count; i++) await call(i); // warm-up pass
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < row.count; i++) {
        start = performance.now();
        await call(i);
        times.push(performance.now() - start);
      }
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length * 0.5)]!;
    const p95 = times[Math.floor(times.length * 0.95)]!;
    p50s.set(row.name, p50);
    const base = row.baseline ? p50s.get(row.baseline) : undefined;
    table.push([
      row.name,
      String(times.length),
      cold.toFixed(1),
      p50.toFixed(1),
      p95.toFixed(1),
      base ? `${(p50 / base).toFixed(2)}×` : "1.00×",
    ]);
  }
  console.log(
    `MCP overhead: ${asks.length} questions (${people.length} people) of ${TENANT}, ${fetches.length} fetches, ${ROUNDS} rounds`,
  );
  console.log(markdownTable(table[0]!, table.slice(1)));
} finally {
  for (const client of mcpClients.values()) await client.close();
  await server.close();
  jwks.close();
  await demo.close();
}
