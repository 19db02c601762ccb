// A LangChain v1 agent whose knowledge tools come from Clearance's MCP server: the agent signs in
// as a person (an OAuth bearer token), gets `search` and `fetch` through @langchain/mcp-adapters,
// and can only ever see what that person may read in Google Drive / SharePoint. Two people ask the
// same question; the agent's tool calls, answer and sources differ. It starts everything, prints,
// and exits.
//
//   npm install clearance @langchain/mcp-adapters langchain @langchain/core @lancedb/lancedb apache-arrow hono @hono/node-server jose
//   npx tsx examples/mcp-agent.ts
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import {
  createManagedSyncRetriever,
  HashingEmbeddings,
  ingest,
  jwtIdentity,
  LanceChunkStore,
  ManagedSyncClient,
  mountMcp,
  singleTenant,
  tokenize,
} from "clearance";
import { EXAMPLE_CORPUS_DIR, startEmulator } from "clearance/emulator";
import { createMcpHttpHandler } from "clearance/mcp";
import { Hono } from "hono";
import { generateKeyPair, SignJWT } from "jose";
import { AIMessage, type BaseMessage, createAgent, fakeModel, ToolMessage } from "langchain";

// ─── Offline stand-in for Paragon and your cron ─────────────────────────────────────────────────
// The emulator serves the example companies' drives as Managed Sync on loopback, and one ingest
// fills a throwaway store. In production Paragon plays the first part, your cron (cron-ingest.ts)
// the second, and your server only opens the store.
const emulator = await startEmulator({ corpusDir: EXAMPLE_CORPUS_DIR, port: 0 });
const tenant = "northwind"; // the Connected User whose syncs hold Northwind Labs' drive (a token's `sub`)
const client = new ManagedSyncClient({
  baseUrl: emulator.url, // production: PARAGON_SYNC_URL, or nothing for Paragon's cloud
  auth: { signingKey: emulator.signingKeyPem!, projectId: emulator.projectId, userId: tenant },
});
const storeDir = await mkdtemp(join(tmpdir(), "clearance-example-"));
const store = await LanceChunkStore.open({ dir: storeDir, dimensions: 384 });
const embeddings = new HashingEmbeddings(); // offline; production: createEmbeddings({ openaiApiKey })
await ingest({ client, store, embeddings, tenant });
// ────────────────────────────────────────────────────────────────────────────────────────────────

const retriever = createManagedSyncRetriever({ client, store, embeddings, tenant });

// The MCP endpoint is an OAuth 2.1 protected resource: its URL is the audience every token must
// name. Here the server takes any free port, so the URL is known once it listens; in production it
// is your public URL (config mcp.resource), and `clearance serve` mounts all of this for you.
const app = new Hono();
const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const started = serve({ fetch: (request) => app.fetch(request), port: 0, hostname: "127.0.0.1" }, () =>
    resolve(started),
  );
});
const resource = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
const cleanUp = async () => {
  server.close();
  await store.close();
  await emulator.close();
  await rm(storeDir, { recursive: true, force: true });
};

// A fresh key pair plays your identity provider (Auth0, Okta, Entra…), which the MCP client signs
// the person in with. Production: jwtIdentity({ jwksUrl, issuer, audience: resource, tenantClaim: "org_id" }).
const idp = await generateKeyPair("ES256");
const issuer = "https://login.example.test";
mountMcp(app, {
  mcp: createMcpHttpHandler({
    retrievers: singleTenant(retriever),
    identify: jwtIdentity({ key: idp.publicKey, issuer, audience: resource, tenantClaim: "org_id" }),
    oauth: { resource: new URL(resource), authorizationServers: [issuer] },
  }),
});

/** Stands in for the MCP client's sign-in: a short-lived token for one person, for this resource. */
function signIn(email: string): Promise<string> {
  return new SignJWT({ email, org_id: tenant })
    .setProtectedHeader({ alg: "ES256" })
    .setIssuer(issuer)
    .setAudience(resource)
    .setExpirationTime("5m")
    .sign(idp.privateKey);
}

interface SearchResult {
  id: string;
  title: string;
  text: string;
}

/**
 * OFFLINE STAND-IN for a chat model, scripted so the example needs no API key: it calls `search`
 * with the question, `fetch`es the result that shares the most words with it (its title counting
 * double), and answers with the
 * fetched record's best sentence (figures weigh in), citing it as [n]. It sees only what the tools returned, like a
 * real model. Production: createAgent({ model: "openai:gpt-4.1-mini", tools }).
 */
function scriptedModel(question: string) {
  const wanted = new Set(tokenize(question));
  const overlap = (text: string) => new Set(tokenize(text).filter((term) => wanted.has(term))).size;
  let results: SearchResult[] = [];
  let picked = -1;
  return fakeModel()
    .respondWithTools([{ name: "search", args: { query: question } }])
    .respond((messages) => {
      results = (lastToolJson(messages) as { results?: SearchResult[] } | undefined)?.results ?? [];
      if (results.length === 0) return new AIMessage("Nothing I may read answers this.");
      // A title that names the question's words counts double: it is what the record is about.
      const scores = results.map((r) => 2 * overlap(r.title) + overlap(r.text));
      picked = scores.indexOf(Math.max(...scores));
      return new AIMessage({
        content: "",
        tool_calls: [{ name: "fetch", args: { id: results[picked]!.id }, id: "fetch-1" }],
      });
    })
    .respond((messages) => {
      const record = lastToolJson(messages) as { text?: string } | undefined;
      const sentences = (record?.text ?? "").split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim());
      // Facts have figures: among sentences with a word of the question, figures add weight.
      const score = (s: string) => (overlap(s) > 0 ? overlap(s) + 0.25 * (s.match(/\d+/g)?.length ?? 0) : 0);
      const best = sentences.reduce((a, b) => (score(b) > score(a) ? b : a), "");
      return new AIMessage(best ? `${best.trim()} [${picked + 1}]` : "The record I fetched does not say.");
    });
}

/**
 * The JSON the last tool call returned. Clearance's tools answer with one JSON text item plus the
 * same object as MCP structured content; the adapters hand the model that text block (with the
 * structured content beside it) serialised as the tool message.
 */
function lastToolJson(messages: BaseMessage[]): unknown {
  const last = [...messages].reverse().find((m) => m instanceof ToolMessage);
  return last ? toolJson(last) : undefined;
}

function toolJson(message: ToolMessage): unknown {
  try {
    const block = JSON.parse(message.text) as { structuredContent?: unknown; text?: string };
    return block.structuredContent ?? (block.text ? JSON.parse(block.text) : block);
  } catch {
    return undefined; // a refusal ("No record you may read has this id…") is plain text
  }
}

try {
  const question = "What are the salary bands for engineers?";
  for (const user of ["hana@northwind.test", "sam@northwind.test"]) {
    // One MCP connection per signed-in person: the token decides what every tool call may see.
    const mcp = new MultiServerMCPClient({
      mcpServers: {
        clearance: {
          transport: "http",
          url: resource,
          headers: { authorization: `Bearer ${await signIn(user)}` },
        },
      },
    });
    try {
      const tools = await mcp.getTools();
      const agent = createAgent({ model: scriptedModel(question), tools });
      const { messages } = await agent.invoke({ messages: [{ role: "user", content: question }] });
      const calls = messages.flatMap((m) => (m instanceof AIMessage ? (m.tool_calls ?? []) : []));
      const found = messages.filter((m) => m instanceof ToolMessage).map(toolJson);
      const titles = ((found[0] as { results?: SearchResult[] } | undefined)?.results ?? []).map(
        (r) => r.title,
      );
      console.log(`── ${user} asks: ${question}`);
      console.log(`tools: ${calls.map((c) => c.name).join(" → ")}`);
      console.log(`answer: ${messages.at(-1)?.text}`);
      console.log(`sources: ${titles.map((t, i) => `[${i + 1}] ${t}`).join(" · ") || "(none)"}`);
      console.log();
    } finally {
      await mcp.close();
    }
  }
} finally {
  await cleanUp();
}
