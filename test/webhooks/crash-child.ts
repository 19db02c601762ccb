// A receiver process for the crash and two-process tests: webhook ingest for several tenants
// behind HTTP on loopback, with a slowed embedder so the queue is still busy when the parent
// SIGKILLs it. Prints "READY <url>"; a spool it may not use prints "REFUSED <code>: <message>", exit 3.
import type { Hono } from "hono";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { startWebhookIngest, type WebhookIngest } from "../../src/webhooks/index.js";
import { DIMENSIONS, newEmbeddings, serve } from "./harness.js";

const args = JSON.parse(process.argv[2] ?? "{}") as {
  emulatorUrl: string;
  /** Connected User id → its Managed Sync token: the tenants this process serves. */
  tokens: Record<string, string>;
  spoolDir: string;
  storeDir: string;
  embedDelayMs: number;
};

const clients = new Map(
  Object.entries(args.tokens).map(([tenant, token]) => [
    tenant,
    new ManagedSyncClient({
      baseUrl: args.emulatorUrl,
      auth: { token },
      retry: { retries: 4, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 2_000 },
    }),
  ]),
);
const store = await LanceChunkStore.open({ dir: args.storeDir, dimensions: DIMENSIONS });
const embeddings = newEmbeddings();
const embed = embeddings.embedDocuments.bind(embeddings);
embeddings.embedDocuments = async (texts) => {
  await new Promise((r) => setTimeout(r, args.embedDelayMs));
  return embed(texts);
};
let webhooks: WebhookIngest;
try {
  webhooks = await startWebhookIngest({
    spoolDir: args.spoolDir,
    store,
    embeddings,
    tenants: { isKnown: (tenant) => clients.has(tenant) },
    clientFor: (tenant) => clients.get(tenant)!,
    secret: "s3cret",
    concurrency: 1,
    batchSize: 4,
    backoff: { baseMs: 20, maxMs: 200 },
    deferMs: 50,
    // The killed process's lease would otherwise hold the sync for the default 60 s.
    ingest: { holder: `crash-test-receiver-${process.pid}`, leaseTtlMs: 2_000 },
  });
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  process.stdout.write(`REFUSED ${code}: ${message}\n`);
  await store.close();
  process.exit(3);
}
const http = await serve((app: Hono) => {
  app.post("/hooks", (c) => webhooks.handler(c.req.raw));
  app.get("/health", (c) => c.json(webhooks.metrics()));
});
process.stdout.write(`READY ${http.url}\n`);
process.on("SIGTERM", () => {
  void (async () => {
    await http.close();
    await webhooks.close();
    await store.close();
    process.exit(0);
  })();
});
