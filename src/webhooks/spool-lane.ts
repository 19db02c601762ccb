import { createHash } from "node:crypto";
import { mkdir, opendir } from "node:fs/promises";
import { join } from "node:path";
import { FolderSyncer } from "./durable-file.js";

/** The folder name of a tenant's lane: readable, safe on any file system, unique by its digest. */
export function laneName(tenant: string): string {
  const readable = tenant.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40);
  const digest = createHash("sha256").update(tenant).digest("base64url").slice(0, 10);
  return `${readable}.${digest}`;
}

/**
 * One tenant's pending events: `pending/<lane>/<id>.json`. Lanes let the queue read every tenant's
 * backlog in turn, so a flood from one tenant never buries another's events behind it on disk.
 *
 * The lane counts its files (an estimate the scan corrects) and bounds the age of the events it
 * has not read yet: those were accepted during the current scan pass or the one before it.
 */
export class SpoolLane {
  /** Files believed to be in the folder. */
  onDisk = 0;
  /** Events of this lane claimed and not finished. */
  inMemory = 0;
  private prevEpochFirst: number | undefined;
  private epochFirst: number | undefined;
  private inPass = false;
  // The current pass passed over an event whose twin is in flight, so files remain.
  private passSkipped = false;

  /** Fsyncs the folder after names are added (one fsync shared by concurrent accepts). */
  readonly syncer: FolderSyncer;
  private created: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly dir: string,
    private readonly fsync: boolean,
  ) {
    this.syncer = new FolderSyncer(dir, fsync);
  }

  /** Creates the folder once (again if it was removed by hand: pass `again`), durably. */
  ensure(again = false): Promise<void> {
    if (again) this.created = undefined;
    this.created ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      // The new folder's name must survive a power cut too, or so would not the events in it.
      await new FolderSyncer(join(this.dir, ".."), this.fsync).sync();
    })().catch((error: unknown) => {
      this.created = undefined;
      throw error;
    });
    return this.created;
  }

  /** An event was added to the folder. */
  noteAdded(acceptedAt: number): void {
    this.onDisk++;
    this.epochFirst = Math.min(this.epochFirst ?? acceptedAt, acceptedAt);
  }

  /** The folder was counted (at open, or by a sweep): `count` events, the oldest accepted at `oldest`. */
  noteFound(count: number, oldest: number | undefined): void {
    if (count <= 0) return;
    this.onDisk = Math.max(this.onDisk, count);
    const at = oldest ?? Date.now();
    this.epochFirst = Math.min(this.epochFirst ?? at, at);
  }

  /** Acceptance time that bounds the oldest unread event, when any is left. */
  oldestBound(): number | undefined {
    return this.onDisk > 0 ? (this.prevEpochFirst ?? this.epochFirst) : undefined;
  }

  /**
   * Reads up to `max` events: `take` claims one by its file name (undefined when it vanished or was
   * unreadable); names `inFlight` says are claimed already wait for their twin. The folder is
   * reopened on each visit, which is cheap, and keeps no handle open per tenant.
   */
  async read<T>(
    max: number,
    inFlight: (id: string) => boolean,
    take: (name: string) => Promise<T | undefined>,
  ): Promise<T[]> {
    const out: T[] = [];
    if (!this.inPass) {
      this.inPass = true;
      this.passSkipped = false;
      this.prevEpochFirst = this.epochFirst;
      this.epochFirst = undefined;
    }
    let dir: Awaited<ReturnType<typeof opendir>>;
    try {
      dir = await opendir(this.dir, { bufferSize: 64 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      this.onDisk = 0; // removed by hand
      this.inPass = false;
      return out;
    }
    try {
      while (out.length < max) {
        const entry = await dir.read();
        if (entry === null) {
          this.inPass = false;
          // A whole pass took every file and nothing arrived meanwhile, so none is left (files
          // removed by hand would otherwise leave the count too high for good).
          if (!this.passSkipped && this.epochFirst === undefined) this.onDisk = 0;
          break;
        }
        if (!entry.name.endsWith(".json")) continue;
        if (inFlight(entry.name.slice(0, -".json".length))) {
          this.passSkipped = true;
          continue;
        }
        const taken = await take(entry.name);
        if (taken !== undefined) out.push(taken);
      }
    } finally {
      await dir.close().catch(() => undefined);
    }
    return out;
  }

  pathOf(name: string): string {
    return join(this.dir, name);
  }
}
