import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { ExtractError, isExtractErrorCode, messageOf } from "./errors.js";
import type { WorkerReply, WorkerRequest } from "./extract-worker.js";
import type { ReadTask } from "./read-text.js";
import { spawnExtractWorker } from "./spawn-worker.js";
import type { ExtractedText } from "./types.js";

/** How many extraction workers may run and what each may use. */
export interface ExtractPoolOptions {
  /** Workers at most (default: the number of cores, between 1 and 4). Further files wait their turn. */
  size?: number;
  /**
   * Heap limit of each worker, in MB (default 512): a file that needs more is `OUT_OF_MEMORY`.
   * Buffers (typed arrays) are outside the heap: `maxUncompressedBytes` bounds those per file.
   */
  maxMemoryMb?: number;
  /** An idle worker exits after this long (default 30 s); the next file starts a new one. */
  idleMs?: number;
}

interface Job {
  task: ReadTask;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Drops the job from the queue if the caller aborts while it waits (removed once it runs). */
  onQueuedAbort: () => void;
  resolve(extracted: ExtractedText): void;
  reject(error: unknown): void;
}

interface Running {
  id: number;
  job: Job;
  /** Set once the worker has its parser and starts reading. */
  timer?: NodeJS.Timeout;
  onAbort: () => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  running?: Running;
  idleTimer?: NodeJS.Timeout;
}

// The longest delay setTimeout honours.
const MAX_TIMER_MS = 2 ** 31 - 1;

export const defaultExtractPoolOptions = {
  size: Math.max(1, Math.min(4, availableParallelism())),
  maxMemoryMb: 512,
  idleMs: 30_000,
} as const satisfies ExtractPoolOptions;

/**
 * A bounded pool of worker threads that parse files, so a parser stuck on a hostile file is
 * killed at its deadline (even a synchronous one: the worker is terminated) and a memory spike
 * hits the worker's heap limit, or the file's buffer budget (buffer-budget.ts), instead of the
 * main process. A file's deadline starts when a
 * worker starts reading it: not while it waits for a worker, nor while the worker starts or
 * loads the format's parser. Idle workers do not keep the process alive.
 *
 * @example
 * const pool = new ExtractPool({ size: 2, maxMemoryMb: 256 });
 * const { text } = await extractText(input, limits, pool);
 * await pool.close();
 */
export class ExtractPool {
  readonly #size: number;
  readonly #maxMemoryMb: number;
  readonly #idleMs: number;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: ExtractPoolOptions = {}) {
    this.#size = Math.max(1, options.size ?? defaultExtractPoolOptions.size);
    this.#maxMemoryMb = options.maxMemoryMb ?? defaultExtractPoolOptions.maxMemoryMb;
    this.#idleMs = options.idleMs ?? defaultExtractPoolOptions.idleMs;
  }

  /** Reads one file in a worker; rejects with `ExtractError` (TIMEOUT, OUT_OF_MEMORY, …) or the signal's reason. */
  run(task: ReadTask, timeoutMs: number, signal?: AbortSignal): Promise<ExtractedText> {
    if (this.#closed) return Promise.reject(new Error("the extraction pool is closed"));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const job: Job = {
        task,
        timeoutMs,
        signal,
        onQueuedAbort: () => this.#dropQueued(job),
        resolve,
        reject,
      };
      this.#queue.push(job);
      signal?.addEventListener("abort", job.onQueuedAbort, { once: true });
      this.#pump();
    });
  }

  /** Stops every worker; files waiting or running are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#takeQueue()) job.reject(new Error("the extraction pool was closed"));
    const slots = [...this.#slots];
    this.#slots.clear();
    for (const slot of slots) {
      clearTimeout(slot.idleTimer);
      if (slot.running) this.#settle(slot)?.reject(new Error("the extraction pool was closed"));
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #dropQueued(job: Job): void {
    const at = this.#queue.indexOf(job);
    if (at < 0) return;
    this.#queue.splice(at, 1);
    job.reject(job.signal?.reason);
  }

  /** Removes and returns every waiting job, their queue-abort listeners detached. */
  #takeQueue(): Job[] {
    const jobs = this.#queue.splice(0);
    for (const job of jobs) job.signal?.removeEventListener("abort", job.onQueuedAbort);
    return jobs;
  }

  /** Hands queued files to idle workers and starts workers for the rest, up to the pool's size. */
  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.ready && !slot.running) {
        const job = this.#queue.shift() as Job;
        job.signal?.removeEventListener("abort", job.onQueuedAbort);
        this.#dispatch(slot, job);
      }
    }
    const starting = [...this.#slots].filter((slot) => !slot.ready).length;
    for (let wanted = this.#queue.length - starting; wanted > 0 && this.#slots.size < this.#size; wanted--) {
      this.#spawn();
    }
  }

  #spawn(): void {
    const worker = spawnExtractWorker({ maxOldGenerationSizeMb: this.#maxMemoryMb });
    const slot: Slot = { worker, ready: false };
    this.#slots.add(slot);
    worker.on("message", (reply: WorkerReply) => this.#onReply(slot, reply));
    worker.on("error", (error) => this.#onExit(slot, error));
    worker.on("exit", (code) => this.#onExit(slot, new Error(`the worker exited with code ${code}`)));
  }

  #dispatch(slot: Slot, job: Job): void {
    const id = ++this.#nextId;
    clearTimeout(slot.idleTimer);
    slot.worker.ref();
    const onAbort = () => this.#kill(slot, job.signal?.reason);
    job.signal?.addEventListener("abort", onAbort, { once: true });
    slot.running = { id, job, onAbort };
    slot.worker.postMessage({ id, task: job.task } satisfies WorkerRequest);
  }

  #onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.type === "ready") {
      slot.ready = true;
      this.#idle(slot);
      this.#pump();
      return;
    }
    const running = slot.running;
    if (running?.id !== reply.id) return; // the answer to a request already given up on
    if (reply.type === "started") {
      // Node fires a timer past 2^31 - 1 ms at once: a deadline that long is no deadline at all.
      if (running.job.timeoutMs <= MAX_TIMER_MS) {
        running.timer = setTimeout(() => this.#kill(slot, timeoutError(running.job)), running.job.timeoutMs);
      }
      return;
    }
    const job = this.#settle(slot);
    if (reply.type === "done") job?.resolve(reply.extracted);
    else job?.reject(errorOf(reply));
    this.#idle(slot);
    this.#pump();
  }

  /** The worker died: out of memory, a crash in a parser, or it never started. */
  #onExit(slot: Slot, error: Error): void {
    if (!this.#slots.delete(slot)) return;
    clearTimeout(slot.idleTimer);
    const job = this.#settle(slot);
    if (job) {
      job.reject(crashError(job.task.name, error, this.#maxMemoryMb));
    } else if (!slot.ready && ![...this.#slots].some((other) => other.ready)) {
      // No worker could start, and another attempt would fail the same way: fail what waits for one.
      const reason = `the extraction worker could not start (${messageOf(error)})`;
      for (const waiting of this.#takeQueue()) {
        waiting.reject(
          new ExtractError("EXTRACTOR_CRASHED", `${waiting.task.name}: ${reason}`, { cause: error }),
        );
      }
    }
    this.#pump();
  }

  /** Gives up on the file a worker is reading by terminating the worker; a new one replaces it when needed. */
  #kill(slot: Slot, reason: unknown): void {
    if (!this.#slots.delete(slot)) return;
    this.#settle(slot)?.reject(reason);
    void slot.worker.terminate();
    this.#pump();
  }

  /** Clears the running request's timer and abort listener; returns its job for the caller to settle. */
  #settle(slot: Slot): Job | undefined {
    const running = slot.running;
    if (!running) return undefined;
    slot.running = undefined;
    clearTimeout(running.timer);
    running.job.signal?.removeEventListener("abort", running.onAbort);
    return running.job;
  }

  /** An idle worker does not keep the process alive, and exits after `idleMs` without work. */
  #idle(slot: Slot): void {
    slot.worker.unref();
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      if (slot.running || !this.#slots.delete(slot)) return;
      void slot.worker.terminate();
    }, this.#idleMs);
    slot.idleTimer.unref();
  }
}

function timeoutError({ task, timeoutMs }: Job): ExtractError {
  return new ExtractError(
    "TIMEOUT",
    `${task.name} took longer than ${timeoutMs} ms to read (raise ingest.extractTimeoutMs if the file is genuine)`,
  );
}

function errorOf(reply: Extract<WorkerReply, { type: "failed" }>): ExtractError {
  const cause = reply.cause
    ? Object.assign(new Error(reply.cause.message), { name: reply.cause.name })
    : undefined;
  const code = isExtractErrorCode(reply.code) ? reply.code : "EXTRACTOR_CRASHED";
  return new ExtractError(code, reply.message, cause ? { cause } : undefined);
}

function crashError(name: string, error: Error, maxMemoryMb: number): ExtractError {
  if ((error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") {
    return new ExtractError(
      "OUT_OF_MEMORY",
      `${name} needs more than the extraction worker's ${maxMemoryMb} MB heap to read: the file is skipped ` +
        "(raise ingest.extractMemoryMb if the file is genuine)",
      { cause: error },
    );
  }
  return new ExtractError("EXTRACTOR_CRASHED", `${name}: the extraction worker died (${messageOf(error)})`, {
    cause: error,
  });
}

const shared = new Map<number, ExtractPool>();

/**
 * The process-wide pool `extractText` uses unless it is given one; one per worker heap limit
 * (`maxMemoryMb`, default 512), so a run that raises `ingest.extractMemoryMb` gets workers that have it.
 */
export function sharedExtractPool(maxMemoryMb: number = defaultExtractPoolOptions.maxMemoryMb): ExtractPool {
  let pool = shared.get(maxMemoryMb);
  if (!pool) {
    pool = new ExtractPool({ maxMemoryMb });
    shared.set(maxMemoryMb, pool);
  }
  return pool;
}
