import { type BackoffPolicy, backoffDelay } from "./backoff.js";
import { WebhookDeferredError, WebhookRejectedError } from "./errors.js";
import type { QueuedItem } from "./queued-item.js";
import type { SpoolQueue } from "./spool-queue.js";

/** The sync a batch of events is about. */
export interface WebhookBatch {
  tenant: string;
  syncId: string;
  /** When the newest event of the batch was accepted: evidence older than this cannot refute it. */
  acceptedAt: number;
}

/** What applies events to the store; {@link createIngestWorker} is the real one. */
export interface WebhookWorker {
  /**
   * Re-fetches these records of one sync and brings the store in line with what the API says now.
   * Resolves with the records that failed (retried later); throws when the whole batch failed.
   */
  applyRecords(
    batch: WebhookBatch,
    recordIds: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, Error>>;
  /** Pulls a sync incrementally from its saved cursor (after `sync_complete`). */
  pullSync(batch: WebhookBatch, signal: AbortSignal): Promise<void>;
}

export interface WebhookProcessorOptions {
  queue: SpoolQueue;
  worker: WebhookWorker;
  /**
   * Batches processed at once (default 2). Events of one sync are processed one batch at a time;
   * tenants take turns (the one served least recently goes next).
   */
  concurrency?: number;
  /** Most events held in memory at once (default 256): the rest wait on disk. */
  window?: number;
  /** Distinct records per batch of one sync (default 100). */
  batchSize?: number;
  /** Attempts before an event is dead-lettered (default 8). */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** Delay before retrying an event whose sync was busy (default 2 000 ms). */
  deferMs?: number;
  /** Told about each failed attempt, and spool read failures (no event), for logs. */
  onError?: (error: unknown, queued?: QueuedItem) => void;
}

/**
 * Drains the spool: claims a window of events, coalesces them per sync and record (the re-fetch
 * decides, so five hints about one record are one fetch), runs batches in parallel up to
 * `concurrency`, retries failures with backoff, and dead-letters an event after `maxAttempts`.
 *
 * Fair across tenants: the queue reads every tenant's backlog in turn, and when a slot frees the
 * tenant served least recently goes first, so one tenant's flood delays another's event by at most
 * the batches already running.
 */
export class WebhookProcessor {
  private readonly queue: SpoolQueue;
  private readonly worker: WebhookWorker;
  private readonly concurrency: number;
  private readonly window: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly deferMs: number;
  // Claimed events by tenant.
  private readonly ready = new Map<string, QueuedItem[]>();
  // When each tenant last had a batch started (a turn number); a tenant never served goes first.
  private readonly served = new Map<string, number>();
  private turn = 0;
  private readonly waiting = new Map<QueuedItem, NodeJS.Timeout>();
  private readonly busy = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  private unsubscribe: (() => void) | undefined;
  private pumping = false;
  private again = false;
  private stopped = true;

  constructor(private readonly options: WebhookProcessorOptions) {
    this.queue = options.queue;
    this.worker = options.worker;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.window = options.window ?? 256;
    this.batchSize = options.batchSize ?? 100;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.deferMs = options.deferMs ?? 2_000;
  }

  /** Starts draining what is pending and whatever arrives next. A stopped processor does not start again. */
  start(): void {
    if (!this.stopped || this.abort.signal.aborted) return;
    this.stopped = false;
    this.unsubscribe = this.queue.onEnqueue(() => this.pump());
    this.pump();
  }

  /** Stops claiming, aborts work in flight and waits for it; unfinished events stay in the spool. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.abort.abort(new Error("webhook processor stopped"));
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    await Promise.allSettled([...this.running]);
  }

  /** Resolves once nothing is pending or in flight (for tests and graceful shutdowns). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.queue.stats().pending === 0 && this.running.size === 0 && this.waiting.size === 0;
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void (async () => {
      try {
        do {
          this.again = false;
          const room = this.window - this.queue.stats().inMemory;
          if (room > 0 && !this.stopped) for (const q of await this.queue.claim(room)) this.push(q);
          this.dispatch();
        } while (this.again && !this.stopped);
      } catch (error) {
        this.options.onError?.(error);
        // A spool read failed (disk trouble): try again shortly rather than stall for good.
        setTimeout(() => this.pump(), 1_000).unref();
      } finally {
        this.pumping = false;
        this.settleIdle();
      }
    })();
  }

  private push(queued: QueuedItem): void {
    const items = this.ready.get(queued.item.tenant);
    if (items) items.push(queued);
    else this.ready.set(queued.item.tenant, [queued]);
  }

  /** Starts batches while slots are free, the tenant served least recently first. */
  private dispatch(): void {
    while (this.running.size < this.concurrency && !this.stopped) {
      const batch = this.nextBatch();
      if (!batch) return;
      this.busy.add(batch.key);
      const task = this.runGroup(batch.items)
        // Only spool writes can fail here (disk trouble); the events stay in active/ for the next start.
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.busy.delete(batch.key);
          this.running.delete(task);
          this.pump();
        });
      this.running.add(task);
    }
  }

  private nextBatch(): { key: string; items: QueuedItem[] } | undefined {
    let pick: { tenant: string; key: string; turn: number } | undefined;
    for (const [tenant, items] of this.ready) {
      const turn = this.served.get(tenant) ?? -1;
      if (pick && pick.turn <= turn) continue;
      const first = items.find((q) => !this.busy.has(syncKey(q)));
      if (first) pick = { tenant, key: syncKey(first), turn };
    }
    if (!pick) return undefined;
    const items = this.ready.get(pick.tenant) ?? [];
    const records = new Set<string>();
    const batch: QueuedItem[] = [];
    const keep: QueuedItem[] = [];
    for (const queued of items) {
      const recordId = queued.item.kind === "record" ? queued.item.recordId : "";
      if (syncKey(queued) !== pick.key || (records.size >= this.batchSize && !records.has(recordId))) {
        keep.push(queued);
        continue;
      }
      records.add(recordId);
      batch.push(queued);
    }
    if (keep.length > 0) this.ready.set(pick.tenant, keep);
    else this.ready.delete(pick.tenant);
    this.served.delete(pick.tenant);
    this.served.set(pick.tenant, this.turn++);
    // Remembered for the tenants seen lately only; one forgotten just counts as new.
    if (this.served.size > 10_000) this.served.delete(this.served.keys().next().value as string);
    return { key: pick.key, items: batch };
  }

  private async runGroup(group: QueuedItem[]): Promise<void> {
    const first = group[0];
    // Stopped before it ran: the files stay in active/, which the next open puts back in pending/.
    if (!first || this.stopped) return;
    const batch = {
      tenant: first.item.tenant,
      syncId: first.item.syncId,
      acceptedAt: Math.max(...group.map((q) => q.acceptedAt)),
    };
    const signal = this.abort.signal;
    const pulls = group.filter((q) => q.item.kind === "sync");
    const records = group.filter((q) => q.item.kind === "record");
    if (pulls.length > 0) {
      try {
        await this.worker.pullSync(batch, signal);
        await Promise.all(pulls.map((q) => this.queue.complete(q)));
      } catch (error) {
        await Promise.all(pulls.map((q) => this.failed(q, error)));
      }
    }
    if (records.length === 0) return;
    const ids = [...new Set(records.map((q) => (q.item.kind === "record" ? q.item.recordId : "")))];
    let failures: Map<string, Error>;
    try {
      failures = await this.worker.applyRecords(batch, ids, signal);
    } catch (error) {
      await Promise.all(records.map((q) => this.failed(q, error)));
      return;
    }
    await Promise.all(
      records.map((q) => {
        const error = q.item.kind === "record" ? failures.get(q.item.recordId) : undefined;
        return error ? this.failed(q, error) : this.queue.complete(q);
      }),
    );
  }

  private async failed(queued: QueuedItem, error: unknown): Promise<void> {
    if (this.stopped) return;
    this.options.onError?.(error, queued);
    if (error instanceof WebhookDeferredError) {
      this.queue.noteDeferred();
      return this.later(queued, error.retryAfterMs ?? this.deferMs);
    }
    if (error instanceof WebhookRejectedError || queued.attempts + 1 >= this.maxAttempts) {
      await this.queue.deadLetter(queued, error);
      return;
    }
    await this.queue.recordFailure(queued, error);
    this.later(queued, backoffDelay(queued.attempts, this.options.backoff));
  }

  private later(queued: QueuedItem, delayMs: number): void {
    const timer = setTimeout(() => {
      this.waiting.delete(queued);
      this.push(queued);
      this.pump();
    }, delayMs);
    this.waiting.set(queued, timer);
  }

  private settleIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function syncKey(queued: QueuedItem): string {
  return `${queued.item.tenant}\u0000${queued.item.syncId}`;
}
