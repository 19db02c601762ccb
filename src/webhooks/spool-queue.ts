import { createHash, randomBytes } from "node:crypto";
import type { Dir } from "node:fs";
import { access, link, opendir, readFile, rename, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { FolderSyncer, replaceSynced, writeSynced } from "./durable-file.js";
import { WebhookQueueError } from "./errors.js";
import { type WorkItem, workKey } from "./payload.js";
import { recoverSpool } from "./spool-recovery.js";

/** One accepted event as the spool keeps it. */
export interface QueuedItem {
  /** The file stem: a digest of the dedupe key (tenant, sync, record, event). */
  id: string;
  item: WorkItem;
  /** Epoch ms at which the receiver accepted it (the first copy, for a duplicate). */
  acceptedAt: number;
  /** Failed attempts so far; survives restarts. */
  attempts: number;
  lastError?: string;
}

/** Counters and gauges of the queue (processing counts are reported by the processor through it). */
export interface QueueStats {
  /** Accepted and not yet processed or dead-lettered (on disk and in memory). */
  pending: number;
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
  lastProcessedAt: string | undefined;
}

export interface SpoolQueueOptions {
  /** The spool folder; created when missing. One process at a time may open it. */
  dir: string;
  /** Fsync files and folders before an enqueue resolves (default true; false only for tests and benchmarks). */
  fsync?: boolean;
}

export type EnqueueResult = "accepted" | "duplicate";

/**
 * The durable webhook queue: a spool folder with one small JSON file per pending event.
 *
 * - `pending/<digest>.json`: accepted, not yet read. The name is the digest of the dedupe key, and
 *   an event is published with `link()`, which fails when the name exists: a duplicate of a pending
 *   event is absorbed by the file system, atomically, with nothing held in memory.
 * - `active/`: claimed by the processor. Claiming renames the file, so an event that arrives while
 *   its twin is being processed is queued again rather than lost (the re-fetch it triggers may see a
 *   newer state). At open, `active/` goes back to `pending/`: a crash loses nothing.
 * - `dead/`: events that failed every attempt, with their last error, for an operator to read.
 *
 * Memory holds only the claimed window; pending files are read with a streaming folder scan.
 */
export class SpoolQueue {
  private readonly pendingDir: string;
  private readonly activeDir: string;
  private readonly deadDir: string;
  private readonly tmpDir: string;
  private readonly pendingSync: FolderSyncer;
  private readonly listeners = new Set<() => void>();
  private readonly claimed = new Map<string, QueuedItem>();
  private scan: Dir | undefined;
  private scanning: Promise<QueuedItem[]> | undefined;
  // The current scan passed over an event whose twin is in flight, so pending files remain.
  private passSkipped = false;
  private onDisk = 0;
  // Events not read yet were accepted in this scan epoch or the one before: their first acceptance times bound the lag.
  private prevEpochFirst: number | undefined;
  private epochFirst: number | undefined;
  private readonly counts = { processed: 0, failed: 0, retried: 0, deferred: 0, deadLettered: 0 };
  private lastProcessedAt: string | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly fsync: boolean,
  ) {
    this.pendingDir = join(dir, "pending");
    this.activeDir = join(dir, "active");
    this.deadDir = join(dir, "dead");
    this.tmpDir = join(dir, "tmp");
    this.pendingSync = new FolderSyncer(this.pendingDir, fsync);
  }

  /** Opens (or creates) a spool folder and puts back what a crashed process had claimed. */
  static async open(options: SpoolQueueOptions): Promise<SpoolQueue> {
    const queue = new SpoolQueue(options.dir, options.fsync ?? true);
    try {
      await queue.recover();
    } catch (cause) {
      throw new WebhookQueueError(
        "WEBHOOK_SPOOL_UNUSABLE",
        `cannot use the webhook spool folder ${options.dir}: check it exists and is writable`,
        { cause },
      );
    }
    return queue;
  }

  /** Persists an event before resolving; `duplicate` when the same event is already pending. */
  async enqueue(item: WorkItem): Promise<EnqueueResult> {
    if (this.closed) throw new WebhookQueueError("WEBHOOK_QUEUE_CLOSED", "the webhook queue is closed");
    const id = digest(workKey(item));
    const acceptedAt = Date.now();
    const record: QueuedItem = { id, item, acceptedAt, attempts: 0 };
    // Fast path for a duplicate: no write, no fsync. Safe against a claim racing it, because a claim
    // after this check is followed by a re-fetch that sees the change behind this event.
    if (await exists(this.pendingPath(id))) return "duplicate";
    const tmp = join(this.tmpDir, `${id}.${randomBytes(6).toString("hex")}`);
    let result: EnqueueResult = "accepted";
    try {
      await writeSynced(tmp, JSON.stringify(record));
      try {
        await link(tmp, this.pendingPath(id));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        result = "duplicate";
      }
      await unlink(tmp);
      if (result === "accepted") await this.pendingSync.sync();
    } catch (cause) {
      await unlink(tmp).catch(() => undefined);
      throw new WebhookQueueError(
        "WEBHOOK_ENQUEUE_FAILED",
        `cannot persist a webhook event in ${this.pendingDir}: check free space and permissions`,
        { cause },
      );
    }
    if (result === "accepted") {
      this.onDisk++;
      this.epochFirst ??= acceptedAt;
      for (const listener of this.listeners) listener();
    }
    return result;
  }

  /** Calls `listener` after each accepted event; returns the unsubscribe function. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads up to `max` pending events into memory and marks them active. */
  claim(max: number): Promise<QueuedItem[]> {
    // One scan at a time: the folder iterator is shared state.
    const run = (this.scanning ?? Promise.resolve([])).then(() => this.claimNow(max));
    this.scanning = run.catch(() => []);
    return run;
  }

  /** The event is done: its file goes. */
  async complete(queued: QueuedItem): Promise<void> {
    await rm(this.activePath(queued.id), { force: true });
    this.claimed.delete(queued.id);
    this.counts.processed++;
    this.lastProcessedAt = new Date().toISOString();
  }

  /** Records a failed attempt (kept across restarts); the processor retries it later. */
  async recordFailure(queued: QueuedItem, error: unknown): Promise<void> {
    queued.attempts++;
    queued.lastError = describe(error);
    this.counts.failed++;
    this.counts.retried++;
    await replaceSynced(this.activePath(queued.id), this.tmpPath(queued.id), JSON.stringify(queued));
  }

  /** Counts an attempt put off because the sync was busy (not a failure). */
  noteDeferred(): void {
    this.counts.deferred++;
  }

  /** Gives up on an event: it moves to `dead/` with its last error. */
  async deadLetter(queued: QueuedItem, error: unknown): Promise<void> {
    queued.attempts++;
    queued.lastError = describe(error);
    this.counts.failed++;
    const name = `${queued.id}.${queued.acceptedAt}.json`;
    await replaceSynced(join(this.deadDir, name), this.tmpPath(queued.id), JSON.stringify(queued));
    await rm(this.activePath(queued.id), { force: true });
    this.claimed.delete(queued.id);
    this.counts.deadLettered++;
  }

  stats(): QueueStats {
    const now = Date.now();
    let oldest = Number.POSITIVE_INFINITY;
    for (const q of this.claimed.values()) oldest = Math.min(oldest, q.acceptedAt);
    if (this.onDisk > 0) oldest = Math.min(oldest, this.prevEpochFirst ?? this.epochFirst ?? now);
    return {
      pending: this.onDisk + this.claimed.size,
      inMemory: this.claimed.size,
      lagMs: Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0,
      ...this.counts,
      lastProcessedAt: this.lastProcessedAt,
    };
  }

  /** Stops the scan; pending and claimed files stay on disk for the next open. */
  async close(): Promise<void> {
    this.closed = true;
    await this.scanning;
    await this.scan?.close().catch(() => undefined);
    this.scan = undefined;
  }

  private async claimNow(max: number): Promise<QueuedItem[]> {
    const out: QueuedItem[] = [];
    let scansStarted = 0;
    while (out.length < max && !this.closed) {
      if (!this.scan) {
        if (this.onDisk <= 0 || scansStarted >= 2) break;
        this.scan = await opendir(this.pendingDir, { bufferSize: 64 });
        scansStarted++;
        this.passSkipped = false;
        this.prevEpochFirst = this.epochFirst;
        this.epochFirst = undefined;
      }
      const entry = await this.scan.read();
      if (entry === null) {
        await this.scan.close().catch(() => undefined);
        this.scan = undefined;
        // A full pass took every file and nothing arrived meanwhile, so none is left (files removed
        // by hand would otherwise leave the counter too high for good).
        if (!this.passSkipped && this.epochFirst === undefined) this.onDisk = 0;
        continue;
      }
      if (!entry.name.endsWith(".json")) continue;
      if (this.claimed.has(entry.name.slice(0, -".json".length))) {
        // Its twin is in flight and owns active/<id>.json: take this copy once that one is done.
        this.passSkipped = true;
        continue;
      }
      const queued = await this.take(entry.name);
      if (queued) out.push(queued);
    }
    return out;
  }

  private async take(name: string): Promise<QueuedItem | undefined> {
    const from = join(this.pendingDir, name);
    const to = join(this.activeDir, name);
    try {
      await rename(from, to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    this.onDisk = Math.max(0, this.onDisk - 1);
    try {
      const queued = JSON.parse(await readFile(to, "utf8")) as QueuedItem;
      if (!queued || typeof queued.id !== "string" || !queued.item) throw new Error("not a queued event");
      this.claimed.set(queued.id, queued);
      return queued;
    } catch {
      // A file we did not write (or a torn one from a foreign tool): keep it for a human, never retry it forever.
      await rename(to, join(this.deadDir, `${name}.corrupt`)).catch(() => undefined);
      this.counts.deadLettered++;
      return undefined;
    }
  }

  private async recover(): Promise<void> {
    const found = await recoverSpool(
      { pending: this.pendingDir, active: this.activeDir, dead: this.deadDir, tmp: this.tmpDir },
      () => this.pendingSync.sync(),
    );
    this.onDisk = found.pending;
    this.epochFirst = found.oldestAcceptedAt;
    this.counts.deadLettered = found.deadLettered;
  }

  private pendingPath(id: string): string {
    return join(this.pendingDir, `${id}.json`);
  }

  private activePath(id: string): string {
    return join(this.activeDir, `${id}.json`);
  }

  private tmpPath(id: string): string {
    return join(this.tmpDir, `${id}.${randomBytes(6).toString("hex")}`);
  }
}

function digest(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 32);
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === "string" ? `${code}: ${message}` : message;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
