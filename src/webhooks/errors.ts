import { ClearanceError } from "../errors.js";

/** Base of the webhook receiver's, queue's and processor's errors. */
export class WebhookError extends ClearanceError {}

/** The spool folder cannot be used (missing permissions, a full disk, a corrupt event file). */
export class WebhookQueueError extends WebhookError {}

/** An event could not be applied to the store; the processor retries it, then dead-letters it. */
export class WebhookProcessingError extends WebhookError {}

/**
 * Not now, and not a failure: the sync is busy (an ingest run holds its lease), or the sync list may
 * not be refreshed yet. Tried again after `retryAfterMs` (default: the processor's `deferMs`).
 */
export class WebhookDeferredError extends WebhookError {
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(code, message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The webhook receiver is configured unsafely (no secret without the explicit opt-out). */
export class WebhookConfigError extends WebhookError {}

/** Retrying cannot help (the event names a sync its user does not have): dead-letter at once. */
export class WebhookRejectedError extends WebhookError {}
