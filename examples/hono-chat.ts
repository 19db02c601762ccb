// A chat endpoint in Hono that knows who is asking from a verified bearer token and answers only
// from what that person may read: it starts the server, asks as two people, prints, and exits.
//
//   npx tsx examples/hono-chat.ts
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import {
  type ChatResponseBody,
  createChatHandler,
  createManagedSyncRetriever,
  HashingEmbeddings,
  ingest,
  jwtIdentity,
  LanceChunkStore,
  ManagedSyncClient,
} from "clearance";
import { EXAMPLE_CORPUS_DIR, startEmulator } from "clearance/emulator";
import { Hono } from "hono";
import { generateKeyPair, SignJWT } from "jose";

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

// Your sign-in issues tokens carrying the person's email and organisation; the endpoint verifies
// signature, expiry, issuer and audience, then asks as that email in that tenant. Here a fresh
// key pair plays your identity provider; in production:
// jwtIdentity({ jwksUrl: "https://login.example.com/.well-known/jwks.json", issuer, audience, tenantClaim: "org_id" }).
const idp = await generateKeyPair("ES256");
const issuer = "https://login.example.test";
const audience = "clearance-chat";
const identify = jwtIdentity({ key: idp.publicKey, issuer, audience, tenantClaim: "org_id" });

// No model given: the offline extractive answerer quotes the sources.
// Production: createChatHandler({ retriever, identify, model: createAnswerer({ openaiApiKey }) }).
const chat = createChatHandler({ retriever, identify });

const app = new Hono();
app.post("/chat", (c) => chat(c.req.raw));

const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;

/** Stands in for your sign-in: a short-lived token for one person of one organisation. */
async function signIn(email: string): Promise<string> {
  return new SignJWT({ email, org_id: tenant })
    .setProtectedHeader({ alg: "ES256" })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(idp.privateKey);
}

async function ask(token: string, question: string) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ question }),
  });
}

try {
  const question = "What did we promise ACME in the renewal?";
  for (const user of ["chloe@northwind.test", "sam@northwind.test"]) {
    const response = await ask(await signIn(user), question);
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    const { answer, citations } = (await response.json()) as ChatResponseBody;
    console.log(`── ${user} asks: ${question}`);
    console.log(`answer: ${answer}`);
    console.log(`sources: ${citations.map((c) => `[${c.n}] ${c.name}`).join(" · ") || "(none)"}`);
    console.log();
  }
  // A token that does not verify is refused, never answered as "anonymous".
  console.log(`with a forged token: HTTP ${(await ask("not.a.token", question)).status}`);
} finally {
  server.close();
  await cleanUp();
}
