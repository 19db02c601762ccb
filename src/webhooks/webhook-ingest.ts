import { hostname } from "node:os";
import { createIngestWorker, type IngestWorkerOptions } from "./ingest-worker.js";
import { WebhookProcessor, type WebhookProcessorOptions } from "./processor.js";
import {
  createWebhookReceiver,
  requireSecret,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from "./receiver.js";
import { SpoolQueue, type SpoolQueueOptions } from "./spool-queue.js";
import { StoreOptimizer } from "./store-optimizer.js";

export interface WebhookIngestOptions
  extends IngestWorkerOptions,
    Omit<WebhookReceiverOptions, "queue">,
    Omit<WebhookProcessorOptions, "queue" | "worker">,
    Pick<SpoolQueueOptions, "fsync" | "maxDeadLetters" | "staleLockMs" | "sweepMs"> {
  /** The spool folder (e.g. `<data>/webhooks`); survives restarts. One process per spool. */
  spoolDir: string;
  /** Compact the store at most this often while webhooks write (default 60 000 ms; 0: never). */
  optimizeEveryMs?: number;
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
 * const webhooks = await startWebhookIngest({ spoolDir, store, embeddings, tenants, clientFor, secret });
 * app.post("/webhooks/managed-sync", (c) => webhooks.handler(c.req.raw));
 * app.get("/health", (c) => c.json({ webhooks: webhooks.metrics() }));
 */
export async function startWebhookIngest(options: WebhookIngestOptions): Promise<WebhookIngest> {
  requireSecret(options);
  const queue = await SpoolQueue.open({
    dir: options.spoolDir,
    fsync: options.fsync ?? true,
    ...(options.maxDeadLetters !== undefined ? { maxDeadLetters: options.maxDeadLetters } : {}),
    ...(options.staleLockMs !== undefined ? { staleLockMs: options.staleLockMs } : {}),
    ...(options.sweepMs !== undefined ? { sweepMs: options.sweepMs } : {}),
    onError: (error) => options.onError?.(error),
  });
  const optimizer = new StoreOptimizer(options.store, options.optimizeEveryMs ?? 60_000, (error) =>
    options.onError?.(error),
  );
  const worker = createIngestWorker({
    ...options,
    ingest: { holder: `webhooks:${hostname()}:${process.pid}`, ...options.ingest },
    onWrite: () => {
      optimizer.noteWrite();
      options.onWrite?.();
    },
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
      await optimizer.close();
      await queue.close();
    },
  };
}
