// A chat endpoint in Express that answers each person only from what they may read: it starts the
// server, asks the same question as two people over HTTP, prints answers and citations, and exits.
//
//   npx tsx examples/express-chat.ts
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChatResponseBody,
  createChatHandler,
  createManagedSyncRetriever,
  HashingEmbeddings,
  type Identify,
  ingest,
  LanceChunkStore,
  ManagedSyncClient,
  toNodeHandler,
} from "clearance";
import { EXAMPLE_CORPUS_DIR, startEmulator } from "clearance/emulator";
import express from "express";

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
const cleanUp = async () => {
  await store.close();
  await emulator.close();
  await rm(storeDir, { recursive: true, force: true });
};
// ────────────────────────────────────────────────────────────────────────────────────────────────

// One retriever per tenant (the Connected User whose syncs were ingested), shared by every request.
const retriever = createManagedSyncRetriever({ client, store, embeddings, tenant, k: 3 });

// DEMO ONLY: anyone can send this header and read as anyone. In production identify people from
// something you verified: your session, or a bearer token with jwtIdentity (see hono-chat.ts).
// The identity names the tenant too; this single-tenant retriever answers only its own.
const identify: Identify = (request) => {
  const user = request.headers.get("x-demo-user");
  return user ? { tenant, user } : undefined;
};

// A Web-standard (Request) => Response handler; toNodeHandler mounts it in Express. No model given:
// the offline extractive answerer quotes the sources. Production: model: createAnswerer({ openaiApiKey }).
const chat = createChatHandler({ retriever, identify });

const app = express();
app.post("/chat", toNodeHandler(chat)); // no express.json() needed; the handler reads the body itself

const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;

async function ask(user: string | undefined, question: string) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(user ? { "x-demo-user": user } : {}) },
    body: JSON.stringify({ question }),
  });
}

try {
  const question = "How do we deploy to production?";
  for (const user of ["sam@northwind.test", "chloe@northwind.test"]) {
    const response = await ask(user, question);
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    const { answer, citations } = (await response.json()) as ChatResponseBody;
    console.log(`── ${user} asks: ${question}`);
    console.log(`answer: ${answer}`);
    console.log(`sources: ${citations.map((c) => `[${c.n}] ${c.name}`).join(" · ") || "(none)"}`);
    console.log();
  }
  // Nobody identified: refused, never answered as "anonymous".
  console.log(`without a user: HTTP ${(await ask(undefined, question)).status}`);
} finally {
  server.close();
  await cleanUp();
}
