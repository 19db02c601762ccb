import { ClearanceError } from "../errors.js";

/** Base of the webhook receiver's, queue's and processor's errors. */
export class WebhookError extends ClearanceError {}

/** The spool folder cannot be used (missing permissions, a full disk, a corrupt event file). */
export class WebhookQueueError extends WebhookError {}

/** An event could not be applied to the store; the processor retries it, then dead-letters it. */
export class WebhookProcessingError extends WebhookError {}

/** The sync is busy (an ingest run holds its lease): try again later without counting a failure. */
export class WebhookDeferredError extends WebhookError {}

/** Retrying cannot help (the event names a sync its user does not have): dead-letter at once. */
export class WebhookRejectedError extends WebhookError {}
