import { createHash, timingSafeEqual } from "node:crypto";
import { readBodyLimited } from "../http/index.js";
import { WebhookConfigError } from "./errors.js";
import { parseDelivery, type WorkItem } from "./payload.js";
import type { EnqueueResult, QueueStats } from "./spool-queue.js";

/** The queue as the receiver needs it (a `SpoolQueue`). */
export interface WebhookQueue {
  enqueue(item: WorkItem): Promise<EnqueueResult>;
  stats(): QueueStats;
}

export interface WebhookReceiverOptions {
  queue: WebhookQueue;
  /**
   * A shared secret, required. Paragon's dashboard takes only a URL, so put it there as
   * `?secret=…`; a proxy that can add headers may send it in `header` instead.
   */
  secret?: string;
  /**
   * Accept events without a secret: anyone who can reach the URL can then queue work, each forged
   * event costing a lookup and a dead letter. Only for a receiver nobody else can reach.
   */
  insecureNoSecret?: boolean;
  /** Header carrying the secret (default `x-clearance-webhook-secret`). */
  header?: string;
  /** Bodies larger than this are refused with 413 (default 64 KiB; real payloads are < 1 KiB). */
  maxBodyBytes?: number;
  /** Told about deliveries that are not work: errored syncs and records, unknown events, bad bodies. */
  onNotice?: (notice: WebhookNotice) => void;
}

/** Something worth a log line that did not become work. */
export type WebhookNotice =
  | { type: "sync_errored" | "record_errored"; syncId?: string; message?: string }
  | { type: "unknown_event"; event: string }
  | { type: "invalid"; reason: string }
  | { type: "unauthorized" }
  /** The queue could not persist an event (disk full, folder gone): answered 503 so it is redelivered. */
  | { type: "unavailable"; reason: string };

/** What an operator reads on the health endpoint. */
export interface WebhookMetrics extends QueueStats {
  /** Deliveries that reached the handler. */
  received: number;
  /** Events persisted as new work. */
  accepted: number;
  /** Events absorbed because the same event was already pending. */
  duplicates: number;
  verifications: number;
  /** `sync_errored` / `record_errored` deliveries (logged; nothing to apply). */
  erroredNotices: number;
  /** Unknown event types (answered 202, not queued). */
  ignored: number;
  /** Refused bodies (400/413) and secret mismatches (401). */
  invalid: number;
  unauthorized: number;
  /** Events refused with 503 because the queue could not persist them. */
  unavailable: number;
}

/** A Web-standard webhook endpoint plus its metrics. */
export interface WebhookReceiver {
  handler: (request: Request) => Promise<Response>;
  metrics: () => WebhookMetrics;
}

/**
 * The webhook endpoint: answers the verification probe at once, checks the optional secret,
 * validates the payload, persists the event in the queue and only then answers 202. Processing
 * happens later (a {@link WebhookProcessor} drains the queue).
 *
 * @example
 * const receiver = createWebhookReceiver({ queue, secret: process.env.WEBHOOK_SECRET });
 * app.post("/webhooks/managed-sync", (c) => receiver.handler(c.req.raw));
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  requireSecret(options);
  const header = (options.header ?? "x-clearance-webhook-secret").toLowerCase();
  const maxBody = options.maxBodyBytes ?? 64 * 1024;
  const secret = options.secret ? digest(options.secret) : undefined;
  const counts = {
    received: 0,
    accepted: 0,
    duplicates: 0,
    verifications: 0,
    erroredNotices: 0,
    ignored: 0,
    invalid: 0,
    unauthorized: 0,
    unavailable: 0,
  };
  const notice = (n: WebhookNotice) => {
    try {
      options.onNotice?.(n);
    } catch {
      // Logging must not change what the sender is told.
    }
  };

  async function handler(request: Request): Promise<Response> {
    counts.received++;
    if (request.method !== "POST") {
      counts.invalid++;
      return json(405, { error: "send webhook events with POST" }, { allow: "POST" });
    }
    if (
      secret &&
      !matches(secret, request.headers.get(header) ?? new URL(request.url).searchParams.get("secret"))
    ) {
      counts.unauthorized++;
      notice({ type: "unauthorized" });
      return json(401, {
        error: `missing or wrong webhook secret: send it as ?secret= or the ${header} header`,
      });
    }
    const body = await readBodyLimited(request, maxBody);
    if (body === undefined) {
      counts.invalid++;
      notice({ type: "invalid", reason: "body too large" });
      return json(413, { error: `webhook body over ${maxBody} bytes` });
    }
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      counts.invalid++;
      notice({ type: "invalid", reason: "body is not JSON" });
      return json(400, { error: "the body must be a JSON webhook payload" });
    }
    const delivery = parseDelivery(value);
    switch (delivery.type) {
      case "probe":
        counts.verifications++;
        return json(200, { ok: true });
      case "invalid":
        counts.invalid++;
        notice({ type: "invalid", reason: delivery.reason });
        return json(400, { error: delivery.reason });
      case "unknown":
        counts.ignored++;
        notice({ type: "unknown_event", event: delivery.event });
        return json(202, { ignored: delivery.event });
      case "notice": {
        counts.erroredNotices++;
        const { type: _t, event, ...rest } = delivery;
        notice({ type: event, ...rest });
        return json(202, { noted: event });
      }
      case "work": {
        // Persisted before the 2xx: once Paragon hears "accepted", a crash cannot lose the event.
        // A failure here answers 5xx so Paragon redelivers.
        let result: EnqueueResult;
        try {
          result = await options.queue.enqueue(delivery.item);
        } catch (error) {
          counts.unavailable++;
          notice({ type: "unavailable", reason: error instanceof Error ? error.message : String(error) });
          return json(503, { error: "the event could not be stored; send it again" }, { "retry-after": "5" });
        }
        if (result === "accepted") counts.accepted++;
        else counts.duplicates++;
        return json(202, { queued: result });
      }
    }
  }

  return { handler, metrics: () => ({ ...counts, ...options.queue.stats() }) };
}

/** Refuses to build a receiver anyone could feed, unless the opt-out says so explicitly. */
export function requireSecret(options: Pick<WebhookReceiverOptions, "secret" | "insecureNoSecret">): void {
  if (options.secret || options.insecureNoSecret === true) return;
  throw new WebhookConfigError(
    "WEBHOOK_SECRET_REQUIRED",
    "the webhook receiver needs a secret: set CLEARANCE_WEBHOOK_SECRET (server.webhookSecret) and give Paragon the URL …/webhooks/managed-sync?secret=<it>. Only on a network nobody else reaches, opt out with --webhooks-insecure-no-secret (CLEARANCE_WEBHOOK_INSECURE_NO_SECRET=true; insecureNoSecret in code)",
  );
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

// Compares digests so neither the length nor the content leaks through timing.
function matches(expected: Buffer, given: string | null): boolean {
  return given !== null && timingSafeEqual(expected, digest(given));
}
