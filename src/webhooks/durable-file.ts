import { open, rename } from "node:fs/promises";

/**
 * Writes a whole file and fsyncs it, so what a later rename or link publishes is complete on disk.
 * `sync: false` skips the fsync (tests and benchmarks only).
 */
export async function writeSynced(path: string, text: string, sync = true): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(text, "utf8");
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `path` atomically: write a synced temp file beside it, then rename over. */
export async function replaceSynced(path: string, tmpPath: string, text: string, sync = true): Promise<void> {
  await writeSynced(tmpPath, text, sync);
  await rename(tmpPath, path);
}

/**
 * Fsyncs a folder so the names created in it survive a power cut. Concurrent callers share one
 * fsync (group commit): a caller waits for an fsync that started after its own change.
 */
export class FolderSyncer {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly enabled: boolean,
  ) {}

  sync(): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    if (!this.running) return this.start();
    this.next ??= this.running.then(
      () => {
        this.next = undefined;
        return this.start();
      },
      () => {
        this.next = undefined;
        return this.start();
      },
    );
    return this.next;
  }

  private start(): Promise<void> {
    const run = (async () => {
      const handle = await open(this.path, "r");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    })();
    this.running = run;
    void run.then(
      () => this.clear(run),
      () => this.clear(run),
    );
    return run;
  }

  private clear(run: Promise<void>): void {
    if (this.running === run) this.running = undefined;
  }
}
