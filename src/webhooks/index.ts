// Event-driven ingest from Managed Sync webhooks: receiver, durable queue, processor.
export { type BackoffPolicy, backoffDelay } from "./backoff.js";
export {
  WebhookDeferredError,
  WebhookError,
  WebhookProcessingError,
  WebhookQueueError,
  WebhookRejectedError,
} from "./errors.js";
export {
  createIngestWorker,
  type IngestWorkerOptions,
  type WebhookIngestSettings,
} from "./ingest-worker.js";
export {
  type ParsedDelivery,
  parseDelivery,
  WEBHOOK_EVENTS,
  type WebhookEventName,
  type WorkItem,
  workKey,
} from "./payload.js";
export { WebhookProcessor, type WebhookProcessorOptions, type WebhookWorker } from "./processor.js";
export {
  createWebhookReceiver,
  type WebhookMetrics,
  type WebhookNotice,
  type WebhookQueue,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from "./receiver.js";
export {
  type EnqueueResult,
  type QueuedItem,
  type QueueStats,
  SpoolQueue,
  type SpoolQueueOptions,
} from "./spool-queue.js";
export { startWebhookIngest, type WebhookIngest, type WebhookIngestOptions } from "./webhook-ingest.js";
