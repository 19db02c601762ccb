import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { DeadLetters } from "./dead-letters.js";
import { replaceSynced } from "./durable-file.js";
import { WebhookQueueError } from "./errors.js";
import type { WorkItem } from "./payload.js";
import { describeFailure, parseQueuedItem, type QueuedItem } from "./queued-item.js";
import { SpoolClaims } from "./spool-claims.js";
import { laneName, type SpoolLane } from "./spool-lane.js";
import { SpoolLock } from "./spool-lock.js";
import { type EnqueueResult, eventId, publishEvent } from "./spool-publish.js";
import { prepareSpool, recoverLanes, type SpoolLayout, spoolLayout, sweepLanes } from "./spool-recovery.js";

/** Counters and gauges of the queue (processing counts are reported by the processor through it). */
export interface QueueStats {
  /** Accepted and not yet processed or dead-lettered (on disk and in memory). */
  pending: number;
  /** Tenants with events pending (on disk or in memory). */
  pendingTenants: number;
  /** Items read into memory (claimed): never more than the processor's window. */
  inMemory: number;
  /** Age of the oldest pending event, an upper bound for events not read yet (see `lagMs` in the README). */
  lagMs: number;
  processed: number;
  /** Attempts that failed (each is retried or dead-lettered). */
  failed: number;
  retried: number;
  /** Attempts put off without counting, because an ingest run held the sync's lease. */
  deferred: number;
  deadLettered: number;
  /** Old dead letters deleted to keep `dead/` under its cap. */
  deadLettersDropped: number;
  lastProcessedAt: string | undefined;
}

export interface SpoolQueueOptions {
  /** The spool folder; created when missing. One process at a time may open it (a lock file says which). */
  dir: string;
  /** Fsync files and folders before an enqueue resolves (default true; false only for tests and benchmarks). */
  fsync?: boolean;
  /** Dead letters kept (default 10 000); past that the oldest are deleted. */
  maxDeadLetters?: number;
  /** A lock held from another machine is taken over after this long without a heartbeat (default 30 000 ms). */
  staleLockMs?: number;
  /**
   * How often to look for events nobody announced (default 60 000 ms; 0: never): claims left by a
   * process that lost the spool, files it accepted afterwards, files put back by hand.
   */
  sweepMs?: number;
  /** Told when another process takes the spool over (`WEBHOOK_SPOOL_LOCK_LOST`) and when a sweep fails. */
  onError?: (error: unknown) => void;
}

export type { EnqueueResult } from "./spool-publish.js";

/**
 * The durable webhook queue: a spool folder with one small JSON file per pending event.
 *
 * - `spool.lock`: the one process that consumes this spool (see {@link SpoolLock}); a second one
 *   refuses to open it, so no process can claim, retry or dead-letter what another accepted.
 * - `pending/<tenant lane>/<digest>.json`: accepted, not yet read, one folder per tenant, read in
 *   turn (see {@link SpoolClaims}). The name is the digest of the dedupe key, and an event is
 *   published with `link()`, which fails when the name exists: a duplicate of a pending event is
 *   absorbed by the file system, atomically, with nothing held in memory (see {@link publishEvent}).
 * - `active/<owner>/`: claimed by the owning process. Claiming renames the file, so an event that
 *   arrives while its twin is being processed is queued again rather than lost (the re-fetch it
 *   triggers may see a newer state). At open, other owners' claims go back to `pending/`: a crash
 *   loses nothing.
 * - `dead/`: events that failed every attempt, with their last error, for an operator to read (capped).
 *
 * Memory holds only the claimed window; pending files are read with streaming folder scans.
 */
export class SpoolQueue {
  private readonly layout: SpoolLayout;
  private readonly activeDir: string;
  private readonly claims: SpoolClaims;
  private readonly listeners = new Set<() => void>();
  // Claims and sweeps run one at a time: they move the same files.
  private scanning: Promise<unknown> = Promise.resolve();
  private readonly counts = { processed: 0, failed: 0, retried: 0, deferred: 0, deadLettered: 0 };
  private lastProcessedAt: string | undefined;
  private closed = false;
  private sweeper: NodeJS.Timeout | undefined;

  private constructor(
    readonly dir: string,
    private readonly fsync: boolean,
    private readonly lock: SpoolLock,
    private readonly dead: DeadLetters,
    private readonly options: SpoolQueueOptions,
  ) {
    this.layout = spoolLayout(dir);
    this.activeDir = join(this.layout.active, lock.owner.token);
    this.claims = new SpoolClaims(this.layout.pending, fsync);
    this.counts.deadLettered = dead.count;
  }

  /**
   * Opens (or creates) a spool folder: takes its lock, puts back what a crashed process had
   * claimed, and counts what is pending. Throws `WEBHOOK_SPOOL_LOCKED` when another process has it.
   */
  static async open(options: SpoolQueueOptions): Promise<SpoolQueue> {
    const lock = await SpoolLock.acquire(options.dir, {
      ...(options.staleLockMs !== undefined ? { staleMs: options.staleLockMs } : {}),
      onLost: (error) => options.onError?.(error),
    }).catch((cause: unknown) => {
      throw cause instanceof WebhookQueueError ? cause : unusable(options.dir, cause);
    });
    try {
      const layout = spoolLayout(options.dir);
      await prepareSpool(layout);
      const dead = await DeadLetters.open(layout.dead, layout.tmp, options.maxDeadLetters ?? 10_000);
      const queue = new SpoolQueue(options.dir, options.fsync ?? true, lock, dead, options);
      await mkdir(queue.activeDir, { recursive: true });
      await recoverLanes(layout, lock.owner.token, dead, queue.claims);
      queue.startSweeper();
      return queue;
    } catch (cause) {
      await lock.release().catch(() => undefined);
      throw unusable(options.dir, cause);
    }
  }

  /** Persists an event before resolving; `duplicate` when the same event is already pending. */
  async enqueue(item: WorkItem): Promise<EnqueueResult> {
    if (this.closed) throw new WebhookQueueError("WEBHOOK_QUEUE_CLOSED", "the webhook queue is closed");
    const id = eventId(item);
    const acceptedAt = Date.now();
    const record: QueuedItem = { id, item, acceptedAt, attempts: 0 };
    const lane = this.claims.laneNamed(laneName(item.tenant));
    let result: EnqueueResult;
    try {
      result = await publishEvent(lane, `${id}.json`, this.tmpPath(id), JSON.stringify(record), this.fsync);
    } catch (cause) {
      throw new WebhookQueueError(
        "WEBHOOK_ENQUEUE_FAILED",
        `cannot persist a webhook event in ${lane.dir}: check free space and permissions`,
        { cause },
      );
    }
    if (result === "accepted") {
      lane.noteAdded(acceptedAt);
      this.notify();
    }
    return result;
  }

  /** Calls `listener` after each accepted event (and when a sweep finds some); returns the unsubscribe function. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads up to `max` pending events into memory and marks them active. Tenants take turns: each
   * with a backlog gets an equal share of `max`, and what one leaves unused goes to the others.
   */
  claim(max: number): Promise<QueuedItem[]> {
    const run = this.scanning.then(() => this.claimNow(max));
    this.scanning = run.catch(() => undefined);
    return run;
  }

  /** The event is done: its file goes. */
  async complete(queued: QueuedItem): Promise<void> {
    this.counts.processed++;
    this.lastProcessedAt = new Date().toISOString();
    try {
      // After a takeover the file belongs to the new owner's recovery: leave it (it re-runs, harmlessly).
      if (this.lock.held) await rm(this.activePath(queued.id), { force: true });
    } finally {
      // Only now: while the id is claimed, a second copy waiting in pending/ is not taken. Taken
      // earlier, it would be renamed onto this path and deleted by the rm above (an event lost).
      this.claims.release(queued);
    }
  }

  /** Records a failed attempt (kept across restarts); the processor retries it later. */
  async recordFailure(queued: QueuedItem, error: unknown): Promise<void> {
    queued.attempts++;
    queued.lastError = describeFailure(error);
    this.counts.failed++;
    this.counts.retried++;
    if (!this.lock.held) return;
    await replaceSynced(
      this.activePath(queued.id),
      this.tmpPath(queued.id),
      JSON.stringify(queued),
      this.fsync,
    );
  }

  /** Counts an attempt put off because the sync was busy (not a failure). */
  noteDeferred(): void {
    this.counts.deferred++;
  }

  /** Gives up on an event: it moves to `dead/` with its last error. */
  async deadLetter(queued: QueuedItem, error: unknown): Promise<void> {
    queued.attempts++;
    queued.lastError = describeFailure(error);
    this.counts.failed++;
    try {
      // Checked on disk, not from the heartbeat's last look: a process that lost the spool must
      // never dead-letter what the new owner holds.
      if (!(await this.lock.verify())) return;
      await this.dead.write(queued.id, JSON.stringify(queued));
      await rm(this.activePath(queued.id), { force: true });
      this.counts.deadLettered++;
    } finally {
      // Released after the rm, as in complete(): a second copy must not be claimed onto this path first.
      this.claims.release(queued);
    }
  }

  stats(): QueueStats {
    return {
      ...this.claims.backlog(),
      ...this.counts,
      deadLettersDropped: this.dead.dropped,
      lastProcessedAt: this.lastProcessedAt,
    };
  }

  /** Stops reading and gives the spool up; pending and claimed files stay on disk for the next open. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    await this.scanning;
    await this.lock.release();
  }

  private async claimNow(max: number): Promise<QueuedItem[]> {
    if (this.closed || !this.lock.held) return [];
    return this.claims.claim(max, (lane, name) => this.take(lane, name));
  }

  private async take(lane: SpoolLane, name: string): Promise<QueuedItem | undefined> {
    const to = join(this.activeDir, name);
    try {
      await rename(lane.pathOf(name), to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    // Counted on disk until it is claimed (or dead-lettered) in the same step: while the file is
    // read it is in neither place, and `pending` dropping to 0 there let idle() resolve with the
    // event unprocessed (a test's settle() then found its change missing).
    try {
      const queued = parseQueuedItem(await readFile(to, "utf8"));
      this.claims.hold(lane, queued);
      return queued;
    } catch {
      // A file we did not write (or a torn one from a foreign tool): keep it for a human, never retry it forever.
      await this.dead.keep(to, name).catch(() => undefined);
      this.counts.deadLettered++;
      return undefined;
    } finally {
      lane.onDisk = Math.max(0, lane.onDisk - 1);
    }
  }

  private startSweeper(): void {
    const every = this.options.sweepMs ?? 60_000;
    if (every <= 0) return;
    this.sweeper = setInterval(() => {
      const run = this.scanning.then(() => this.sweep());
      this.scanning = run.catch((error: unknown) => this.options.onError?.(error));
    }, every);
    this.sweeper.unref();
  }

  /** Finds events nobody announced: other owners' claims, and files in lanes believed empty. */
  async sweep(): Promise<void> {
    if (this.closed || !this.lock.held) return;
    const found = await sweepLanes(this.layout, this.lock.owner.token, this.dead, this.claims);
    if (found > 0) this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private activePath(id: string): string {
    return join(this.activeDir, `${id}.json`);
  }

  private tmpPath(id: string): string {
    return join(this.layout.tmp, `${id}.${randomBytes(6).toString("hex")}`);
  }
}

function unusable(dir: string, cause: unknown): WebhookQueueError {
  return new WebhookQueueError(
    "WEBHOOK_SPOOL_UNUSABLE",
    `cannot use the webhook spool folder ${dir}: check it exists and is writable`,
    { cause },
  );
}
