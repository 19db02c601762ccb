import type { ChunkStore } from "../store/index.js";

/**
 * Compacts the store now and then while webhooks write to it. An ingest run compacts after itself,
 * but a webhook batch is a run of a few records: compacting the whole store after each would cost
 * far more than the write. So webhook runs skip it, and this runs one compaction at a time, at most
 * every `intervalMs` after a write.
 */
export class StoreOptimizer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly store: Pick<ChunkStore, "optimize">,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Something was written: compact within `intervalMs`. */
  noteWrite(): void {
    this.dirty = true;
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer; a compaction in progress is awaited. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private run(): Promise<void> {
    if (this.running || !this.dirty) return this.running ?? Promise.resolve();
    this.dirty = false;
    this.running = this.store
      .optimize()
      .catch((error: unknown) => {
        // Reads stay correct without it; the next write schedules another try.
        this.dirty = true;
        this.onError(error);
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
