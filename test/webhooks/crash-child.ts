// A receiver process for the crash test: webhook ingest behind HTTP on loopback, with a slowed
// embedder so the queue is still busy when the parent SIGKILLs it. Prints "READY <url>".
import type { Hono } from "hono";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { startWebhookIngest } from "../../src/webhooks/index.js";
import { DIMENSIONS, newEmbeddings, serve } from "./harness.js";

const args = JSON.parse(process.argv[2] ?? "{}") as {
  emulatorUrl: string;
  token: string;
  spoolDir: string;
  storeDir: string;
  embedDelayMs: number;
};

const client = new ManagedSyncClient({
  baseUrl: args.emulatorUrl,
  auth: { token: args.token },
  retry: { retries: 4, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 2_000 },
});
const store = await LanceChunkStore.open({ dir: args.storeDir, dimensions: DIMENSIONS });
const embeddings = newEmbeddings();
const embed = embeddings.embedDocuments.bind(embeddings);
embeddings.embedDocuments = async (texts) => {
  await new Promise((r) => setTimeout(r, args.embedDelayMs));
  return embed(texts);
};
const webhooks = await startWebhookIngest({
  spoolDir: args.spoolDir,
  store,
  embeddings,
  clientFor: () => client,
  concurrency: 1,
  batchSize: 4,
  backoff: { baseMs: 20, maxMs: 200 },
  deferMs: 50,
  // The killed process's lease would otherwise hold the sync for the default 60 s.
  ingest: { holder: "crash-test-receiver", leaseTtlMs: 2_000 },
});
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
