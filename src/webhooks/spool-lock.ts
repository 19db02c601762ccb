import { randomBytes } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import { link, mkdir, readFile, rename, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeSynced } from "./durable-file.js";
import { WebhookQueueError } from "./errors.js";

/** Who holds a spool, written in its lock file: enough to tell whether that process still runs. */
export interface SpoolOwner {
  /** Random per open: names the owner's `active/<token>/` folder. */
  token: string;
  pid: number;
  host: string;
  /** Kernel boot id and pid namespace: a pid names the same process only when these match. */
  machine: string;
  since: string;
}

export interface SpoolLockOptions {
  /**
   * A lock held from another machine (or pid namespace) is taken over once its heartbeat is this old
   * (default 30 000 ms). On the same machine a dead pid frees it at once.
   */
  staleMs?: number;
  /** Told when another process took the lock over (this one looked dead to it): stop consuming. */
  onLost?: (error: WebhookQueueError) => void;
}

interface Found {
  text: string;
  owner: SpoolOwner | undefined;
  mtimeMs: number;
}

const LOCK_FILE = "spool.lock";

/**
 * One consumer per spool folder. The lock file names its owner (pid, host, machine) and is touched
 * every `staleMs / 3`. A second process finds it and refuses to start, unless the owner is gone: a
 * dead pid on this machine, or a heartbeat older than `staleMs` from elsewhere. Taking over a stale
 * lock moves it aside and checks it moved the lock it judged, so two newcomers cannot both win.
 *
 * @example
 * const lock = await SpoolLock.acquire(".clearance/webhooks", { onLost: (e) => log.error(e) });
 */
export class SpoolLock {
  private timer: NodeJS.Timeout | undefined;
  private lost = false;

  private constructor(
    readonly dir: string,
    readonly owner: SpoolOwner,
    private readonly staleMs: number,
    private readonly onLost: ((error: WebhookQueueError) => void) | undefined,
  ) {}

  /** Takes the spool's lock, or throws `WEBHOOK_SPOOL_LOCKED` naming the process that holds it. */
  static async acquire(dir: string, options: SpoolLockOptions = {}): Promise<SpoolLock> {
    const owner: SpoolOwner = {
      token: randomBytes(8).toString("hex"),
      pid: process.pid,
      host: hostname(),
      machine: machineId(),
      since: new Date().toISOString(),
    };
    const lock = new SpoolLock(dir, owner, options.staleMs ?? 30_000, options.onLost);
    await mkdir(dir, { recursive: true });
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await lock.tryCreate()) {
        lock.startHeartbeat();
        return lock;
      }
      const found = await lock.read();
      if (!found) continue;
      const state = await lock.judge(found);
      if (state === "alive") throw lock.busy(found);
      if (state === "stale") await lock.takeOver(found);
    }
    throw new WebhookQueueError(
      "WEBHOOK_SPOOL_LOCKED",
      `could not lock the webhook spool ${dir}: other processes keep taking it. Give each process its own spool folder`,
    );
  }

  /** False once another process took the spool over. */
  get held(): boolean {
    return !this.lost;
  }

  /** Re-reads the lock file: true while it still names this process (checked before irreversible steps). */
  async verify(): Promise<boolean> {
    if (this.lost) return false;
    const found = await this.read();
    if (found?.owner?.token === this.owner.token) return true;
    // Deleted by hand: take it back if nobody else has.
    if (!found && (await this.tryCreate())) return true;
    this.markLost();
    return false;
  }

  /** Stops the heartbeat and removes the lock file if it is still ours. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.lost) return;
    const found = await this.read();
    if (found?.owner?.token === this.owner.token) await unlink(this.path).catch(() => undefined);
    this.lost = true;
  }

  private get path(): string {
    return join(this.dir, LOCK_FILE);
  }

  private async tryCreate(): Promise<boolean> {
    const tmp = join(this.dir, `${LOCK_FILE}.${this.owner.token}.${randomBytes(4).toString("hex")}`);
    await writeSynced(tmp, `${JSON.stringify(this.owner)}\n`);
    try {
      // link() publishes the whole file or fails when the name exists: never a half-written lock.
      await link(tmp, this.path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  private async read(path = this.path): Promise<Found | undefined> {
    try {
      const [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
      return { text, owner: parseOwner(text), mtimeMs: info.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /**
   * "alive", "stale", or "gone" (released while we looked). A pid is only meaningful on the same
   * machine and pid namespace; elsewhere the heartbeat decides, watched for up to `staleMs`.
   */
  private async judge(found: Found): Promise<"alive" | "stale" | "gone"> {
    const owner = found.owner;
    if (owner && owner.machine === this.owner.machine && owner.host === this.owner.host) {
      return pidAlive(owner.pid) ? "alive" : "stale";
    }
    let seen = found;
    while (Date.now() - seen.mtimeMs < this.staleMs) {
      await new Promise((r) => setTimeout(r, Math.min(1_000, this.staleMs / 4)));
      const again = await this.read();
      if (!again) return "gone";
      if (again.text !== seen.text || again.mtimeMs !== seen.mtimeMs) return "alive";
      seen = again;
    }
    return "stale";
  }

  private async takeOver(found: Found): Promise<void> {
    const aside = join(this.dir, `${LOCK_FILE}.stale.${randomBytes(6).toString("hex")}`);
    try {
      await rename(this.path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    const moved = await this.read(aside);
    if (moved && moved.text !== found.text) {
      // Another newcomer replaced the stale lock first, and we moved theirs: put it back.
      await link(aside, this.path).catch(() => undefined);
    }
    await unlink(aside).catch(() => undefined);
  }

  private startHeartbeat(): void {
    this.timer = setInterval(
      () => {
        void (async () => {
          if (!(await this.verify())) return;
          const now = new Date();
          await utimes(this.path, now, now);
        })().catch(() => undefined);
      },
      Math.max(50, this.staleMs / 3),
    );
    this.timer.unref();
  }

  private markLost(): void {
    if (this.lost) return;
    this.lost = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.onLost?.(
      new WebhookQueueError(
        "WEBHOOK_SPOOL_LOCK_LOST",
        `another process took over the webhook spool ${this.dir} (this one looked dead to it): this process stops consuming; restart it with its own spool folder`,
      ),
    );
  }

  private busy(found: Found): WebhookQueueError {
    const o = found.owner;
    const who = o ? `process ${o.pid} on ${o.host} (since ${o.since})` : "another process";
    const sameMachine = o?.machine === this.owner.machine && o?.host === this.owner.host;
    const after = sameMachine
      ? ""
      : ` If that process is gone, the lock expires ${Math.round(this.staleMs / 1000)} s after its last heartbeat.`;
    return new WebhookQueueError(
      "WEBHOOK_SPOOL_LOCKED",
      `the webhook spool ${this.dir} is in use by ${who}: one process consumes a spool. Give this one its own folder (clearance serve --spool-dir, or spoolDir), or stop the other.${after}`,
    );
  }
}

function parseOwner(text: string): SpoolOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<SpoolOwner>;
    return typeof value.token === "string" && typeof value.pid === "number"
      ? (value as SpoolOwner)
      : undefined;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

let machine: string | undefined;

// Linux: boot id + pid namespace. Elsewhere: empty, so the host name alone decides.
function machineId(): string {
  if (machine !== undefined) return machine;
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    machine = `${boot}/${readlinkSync("/proc/self/ns/pid")}`;
  } catch {
    machine = "";
  }
  return machine;
}
