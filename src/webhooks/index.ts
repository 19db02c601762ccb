// Event-driven ingest from Managed Sync webhooks: receiver, durable queue, processor.
export { type BackoffPolicy, backoffDelay } from "./backoff.js";
export {
  WebhookConfigError,
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
  type WebhookTenants,
} from "./ingest-worker.js";
export {
  type ParsedDelivery,
  parseDelivery,
  WEBHOOK_EVENTS,
  type WebhookEventName,
  type WorkItem,
  workKey,
} from "./payload.js";
export {
  type WebhookBatch,
  WebhookProcessor,
  type WebhookProcessorOptions,
  type WebhookWorker,
} from "./processor.js";
export type { QueuedItem } from "./queued-item.js";
export {
  createWebhookReceiver,
  requireSecret,
  type WebhookMetrics,
  type WebhookNotice,
  type WebhookQueue,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from "./receiver.js";
export { SpoolLock, type SpoolLockOptions, type SpoolOwner } from "./spool-lock.js";
export {
  type EnqueueResult,
  type QueueStats,
  SpoolQueue,
  type SpoolQueueOptions,
} from "./spool-queue.js";
export { SyncDirectory, type SyncDirectoryOptions } from "./sync-directory.js";
export { startWebhookIngest, type WebhookIngest, type WebhookIngestOptions } from "./webhook-ingest.js";
