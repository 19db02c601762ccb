import { hostname } from "node:os";
import { createIngestWorker, type IngestWorkerOptions } from "./ingest-worker.js";
import { WebhookProcessor, type WebhookProcessorOptions } from "./processor.js";
import { createWebhookReceiver, type WebhookReceiver, type WebhookReceiverOptions } from "./receiver.js";
import { SpoolQueue } from "./spool-queue.js";

export interface WebhookIngestOptions
  extends IngestWorkerOptions,
    Omit<WebhookReceiverOptions, "queue">,
    Omit<WebhookProcessorOptions, "queue" | "worker"> {
  /** The spool folder (e.g. `<data>/webhooks`); survives restarts. */
  spoolDir: string;
  /** Fsync each accepted event (default true). */
  fsync?: boolean;
}

/** The receiver, the durable queue and the processor, wired and running. */
export interface WebhookIngest extends WebhookReceiver {
  queue: SpoolQueue;
  processor: WebhookProcessor;
  /** Resolves once every accepted event is processed or dead-lettered. */
  idle(): Promise<void>;
  /** Stops processing and closes the queue; what is left is picked up at the next start. */
  close(): Promise<void>;
}

/**
 * Event-driven ingest in one call, as `clearance serve` mounts it: Managed Sync webhooks in,
 * re-fetched records through the ingest pipeline out.
 *
 * @example
 * const webhooks = await startWebhookIngest({ spoolDir, store, embeddings, clientFor, secret });
 * app.post("/webhooks/managed-sync", (c) => webhooks.handler(c.req.raw));
 * app.get("/health", (c) => c.json({ webhooks: webhooks.metrics() }));
 */
export async function startWebhookIngest(options: WebhookIngestOptions): Promise<WebhookIngest> {
  const queue = await SpoolQueue.open({ dir: options.spoolDir, fsync: options.fsync ?? true });
  const worker = createIngestWorker({
    ...options,
    ingest: { holder: `webhooks:${hostname()}:${process.pid}`, ...options.ingest },
  });
  const processor = new WebhookProcessor({ ...options, queue, worker });
  const receiver = createWebhookReceiver({ ...options, queue });
  processor.start();
  return {
    ...receiver,
    queue,
    processor,
    idle: () => processor.idle(),
    async close() {
      await processor.stop();
      await queue.close();
    },
  };
}
