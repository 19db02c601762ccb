import { z } from "zod";
import { ClearanceError } from "../../errors.js";
import { seededRandom } from "../seeded-random.js";
import { type ChangeEvent, type SyncEntry, syncedItems } from "../state/index.js";
import { payloadsFor, type SharingSource, type WebhookPayload } from "./payloads.js";

/** Fault injection for deliveries (off by default), to test receivers. */
export const webhookFaultsSchema = z.object({
  /** Each delivery waits a random 0…delayMs first (which also reorders them). */
  delayMs: z.number().int().nonnegative().default(0),
  /** Probability that a delivery is sent twice. */
  duplicateRate: z.number().min(0).max(1).default(0),
  /** Events are collected into groups of this many and each group is sent shuffled (1 = in order). */
  reorderWindow: z.number().int().positive().default(1),
  seed: z.number().int().default(1),
});

export type WebhookFaults = z.infer<typeof webhookFaultsSchema>;
export type WebhookFaultsInput = z.input<typeof webhookFaultsSchema>;

/** The part of `EmulatorState` the sender uses. */
export interface WebhookStateSource extends SharingSource {
  on(event: "change", listener: (event: ChangeEvent) => void): () => void;
  allSyncs(): SyncEntry[];
}

export interface WebhookSenderOptions {
  state: WebhookStateSource;
  /** Where to POST events; none: events are dropped until `setUrl`. */
  url?: string;
  faults?: WebhookFaultsInput;
  /** Attempts per delivery (default 6), backoff from `baseDelayMs` (default 100) up to `maxDelayMs` (default 5 000). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-attempt timeout (default 5 000 ms). */
  timeoutMs?: number;
  /** Extra headers on every delivery (a proxy-added secret, say). */
  headers?: Record<string, string>;
}

/** Delivery counts, for tests and the admin view. */
export interface WebhookSenderStats {
  /** Payloads produced from state changes (before faults). */
  events: number;
  /** Deliveries that got a 2xx. */
  delivered: number;
  /** Deliveries given up after every attempt, or refused with a 4xx. */
  failed: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  /** Extra copies sent by `duplicateRate`. */
  duplicated: number;
  /** Not delivered yet (buffered, delayed or in flight). */
  inFlight: number;
}

/**
 * The emulator's webhook sender: turns state changes into Managed Sync webhook deliveries
 * (`record_*`, `sync_complete`), POSTs them as JSON, retries with backoff, and can delay,
 * duplicate and reorder them on request.
 *
 * @example
 * const sender = new WebhookSender({ state: emu.state, url: "http://127.0.0.1:8080/webhooks" });
 * sender.announceSyncs(); // the initial syncs end with sync_complete
 */
export class WebhookSender {
  private url: string | undefined;
  private faults: WebhookFaults;
  private random: () => number;
  private readonly buffer: WebhookPayload[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  private readonly unsubscribe: () => void;
  private readonly counts = { events: 0, delivered: 0, failed: 0, attempts: 0, duplicated: 0 };
  private inFlight = 0;

  constructor(private readonly options: WebhookSenderOptions) {
    this.url = options.url;
    this.faults = webhookFaultsSchema.parse(options.faults ?? {});
    this.random = seededRandom(this.faults.seed);
    this.unsubscribe = options.state.on("change", (event) => {
      // Without a URL nothing is sent, so skip the work (a sharing change copies the whole graph).
      if (!this.url) return;
      for (const payload of payloadsFor(event, options.state)) this.send(payload);
    });
  }

  /** The current webhook URL. */
  get webhookUrl(): string | undefined {
    return this.url;
  }

  /** Sets (or clears) the webhook URL; later events go there. */
  setUrl(url: string | undefined): void {
    if (url !== undefined) parseUrl(url);
    this.url = url;
  }

  /** Replaces fault injection and restarts its seeded sequence. */
  setFaults(faults: WebhookFaultsInput = {}): WebhookFaults {
    this.faults = webhookFaultsSchema.parse(faults);
    this.random = seededRandom(this.faults.seed);
    return this.faults;
  }

  get currentFaults(): WebhookFaults {
    return { ...this.faults };
  }

  /** Sends `sync_complete` for every live sync, as each initial sync ends. */
  announceSyncs(now = new Date().toISOString()): void {
    for (const sync of this.options.state.allSyncs()) {
      if (sync.deleted) continue;
      this.send({
        event: "sync_complete",
        sync: sync.integration,
        syncInstanceId: sync.id,
        user: { id: sync.tenant },
        data: { model: sync.pipeline, syncedAt: now, numRecords: syncedItems(sync).recordCount },
      });
    }
  }

  /** Queues one delivery (any payload, e.g. the `webhook_verification` probe); dropped when no URL is set. */
  send(payload: WebhookPayload): void {
    if (!this.url || this.abort.signal.aborted) return;
    this.counts.events++;
    this.inFlight++;
    this.buffer.push(payload);
    if (this.buffer.length >= this.faults.reorderWindow) this.flush();
    // A partial reorder window still goes out soon, so a lone event is not held back forever.
    else this.flushTimer ??= setTimeout(() => this.flush(), 25);
  }

  stats(): WebhookSenderStats {
    return { ...this.counts, inFlight: this.inFlight };
  }

  /** Resolves when every queued delivery has been delivered or given up. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops listening and drops what is not delivered yet. */
  close(): void {
    this.unsubscribe();
    this.abort.abort(new Error("webhook sender closed"));
    clearTimeout(this.flushTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.inFlight = 0;
    this.settle();
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.buffer.splice(0);
    if (this.faults.reorderWindow > 1) shuffle(batch, this.random);
    for (const payload of batch) {
      if (this.random() < this.faults.duplicateRate) {
        this.counts.duplicated++;
        this.inFlight++;
        this.schedule(payload);
      }
      this.schedule(payload);
    }
  }

  private schedule(payload: WebhookPayload): void {
    const delay = this.faults.delayMs > 0 ? Math.floor(this.random() * this.faults.delayMs) : 0;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(payload).finally(() => {
        this.inFlight = Math.max(0, this.inFlight - 1);
        this.settle();
      });
    }, delay);
    this.timers.add(timer);
  }

  private async deliver(payload: WebhookPayload): Promise<void> {
    const attempts = this.options.attempts ?? 6;
    const body = JSON.stringify(payload);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const url = this.url;
      if (!url || this.abort.signal.aborted) return;
      this.counts.attempts++;
      let retry = true;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...this.options.headers },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          this.counts.delivered++;
          return;
        }
        // Paragon-like: a 4xx other than 408/429 will not get better by itself.
        retry = response.status >= 500 || response.status === 408 || response.status === 429;
      } catch {
        // Refused, reset or timed out: the receiver may be restarting; try again.
      }
      if (!retry || attempt === attempts) break;
      await this.sleep(this.backoff(attempt));
    }
    this.counts.failed++;
  }

  private backoff(attempt: number): number {
    const cap = Math.min(
      this.options.maxDelayMs ?? 5_000,
      (this.options.baseDelayMs ?? 100) * 2 ** (attempt - 1),
    );
    return cap / 2 + Math.random() * (cap / 2);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private settle(): void {
    if (this.inFlight !== 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

function parseUrl(url: string): URL {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
    return parsed;
  } catch (cause) {
    throw new ClearanceError(
      "EMULATOR_WEBHOOK_URL_INVALID",
      `"${url}" is not an http(s) URL: give a full URL`,
      {
        cause,
      },
    );
  }
}
