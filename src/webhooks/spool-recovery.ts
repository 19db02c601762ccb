import { link, mkdir, opendir, readdir, readFile, rm, unlink } from "node:fs/promises";
import { join } from "node:path";

/** The spool's sub-folders. */
export interface SpoolLayout {
  pending: string;
  active: string;
  dead: string;
  tmp: string;
}

/** What a spool holds when it is opened. */
export interface RecoveredSpool {
  /** Files in `pending/`, claimed-but-unfinished ones included. */
  pending: number;
  /** Acceptance time of the oldest of them. */
  oldestAcceptedAt: number | undefined;
  deadLettered: number;
}

/**
 * Prepares a spool for a new process: creates its folders, drops half-written temp files, and
 * puts what the previous process had claimed back into `pending/` (a crash loses nothing).
 * Then counts what is pending, streaming, since the spool may hold millions of events.
 */
export async function recoverSpool(
  layout: SpoolLayout,
  syncPending: () => Promise<void>,
): Promise<RecoveredSpool> {
  for (const dir of [layout.pending, layout.active, layout.dead]) await mkdir(dir, { recursive: true });
  await rm(layout.tmp, { recursive: true, force: true });
  await mkdir(layout.tmp, { recursive: true });
  // active/ holds at most one processor window, so listing it whole is fine.
  for (const name of await readdir(layout.active)) {
    try {
      await link(join(layout.active, name), join(layout.pending, name));
    } catch (error) {
      // A newer copy was accepted while this one was in flight: the newer one covers both.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    await unlink(join(layout.active, name));
  }
  await syncPending();

  let pending = 0;
  let oldestAcceptedAt: number | undefined;
  for await (const entry of await opendir(layout.pending, { bufferSize: 64 })) {
    if (!entry.name.endsWith(".json")) continue;
    pending++;
    try {
      const { acceptedAt } = JSON.parse(await readFile(join(layout.pending, entry.name), "utf8")) as {
        acceptedAt?: unknown;
      };
      if (typeof acceptedAt === "number")
        oldestAcceptedAt = Math.min(oldestAcceptedAt ?? acceptedAt, acceptedAt);
    } catch {
      // The queue's scan moves unreadable files to dead/ when it reaches them.
    }
  }
  let deadLettered = 0;
  for await (const _entry of await opendir(layout.dead, { bufferSize: 64 })) deadLettered++;
  return { pending, oldestAcceptedAt, deadLettered };
}
