import { randomBytes } from "node:crypto";
import { opendir, readdir, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { replaceSynced } from "./durable-file.js";

/**
 * The spool's `dead/` folder: events given up on, one readable file each, named
 * `<time>-<id>.json` so names sort by age. Capped: past `max` files the oldest are deleted (a
 * tenth of the cap at once, so the folder is listed rarely), so a flood of events that can never
 * apply (forged, stale) cannot fill the disk.
 */
export class DeadLetters {
  /** Dead letters deleted to keep the folder under its cap, since this process opened it. */
  dropped = 0;
  private pruning: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
    private readonly max: number,
    /** Files in the folder. */
    public count: number,
  ) {}

  static async open(dir: string, tmpDir: string, max: number): Promise<DeadLetters> {
    let count = 0;
    for await (const _entry of await opendir(dir, { bufferSize: 64 })) count++;
    const dead = new DeadLetters(dir, tmpDir, Math.max(1, max), count);
    await dead.trim();
    return dead;
  }

  /** Writes a dead letter (synced) named after `id`. */
  async write(id: string, text: string): Promise<void> {
    const tmp = join(this.tmpDir, `${id}.${randomBytes(6).toString("hex")}`);
    await replaceSynced(join(this.dir, `${stamp()}-${id}.json`), tmp, text);
    this.count++;
    await this.trim();
  }

  /** Moves a file that is not a readable event into the folder, kept for a human. */
  async keep(path: string, name: string): Promise<void> {
    await rename(path, join(this.dir, `${stamp()}-${name}.corrupt`));
    this.count++;
    await this.trim();
  }

  private trim(): Promise<void> {
    if (this.count <= this.max) return Promise.resolve();
    this.pruning ??= this.prune().finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  private async prune(): Promise<void> {
    const names = (await readdir(this.dir)).sort();
    const keep = this.max - Math.floor(this.max / 10);
    const excess = names.slice(0, Math.max(0, names.length - keep));
    for (const name of excess) {
      await unlink(join(this.dir, name)).catch(() => undefined);
      this.dropped++;
    }
    this.count = names.length - excess.length;
  }
}

// 2026-12-06T20-57-05.123Z: sorts by time, and is a valid file name everywhere.
function stamp(): string {
  return new Date().toISOString().replaceAll(":", "-");
}
