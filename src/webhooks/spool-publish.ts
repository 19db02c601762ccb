import { createHash } from "node:crypto";
import { access, link, unlink } from "node:fs/promises";
import { writeSynced } from "./durable-file.js";
import { type WorkItem, workKey } from "./payload.js";
import type { SpoolLane } from "./spool-lane.js";

export type EnqueueResult = "accepted" | "duplicate";

/** An event's file stem: the digest of its dedupe key, so a duplicate gets the same name. */
export function eventId(item: WorkItem): string {
  return createHash("sha256").update(workKey(item)).digest("base64url").slice(0, 32);
}

/**
 * Publishes an event in its lane as `name`, durably: written and fsynced at `tmp`, then linked in.
 * `link()` fails when the name exists, so a duplicate of a pending event is absorbed by the file
 * system, atomically, with nothing held in memory. The temp file never outlives the call.
 */
export async function publishEvent(
  lane: SpoolLane,
  name: string,
  tmp: string,
  text: string,
  fsync: boolean,
): Promise<EnqueueResult> {
  const path = lane.pathOf(name);
  let result: EnqueueResult = "accepted";
  try {
    await lane.ensure();
    // Fast path for a duplicate: no write, no fsync. Safe against a claim racing it, because a claim
    // after this check is followed by a re-fetch that sees the change behind this event.
    if (await exists(path)) return "duplicate";
    await writeSynced(tmp, text, fsync);
    try {
      await link(tmp, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        // The lane folder was removed by hand: make it again.
        await lane.ensure(true);
        await link(tmp, path);
      } else if (code === "EEXIST") result = "duplicate";
      else throw error;
    }
    await unlink(tmp);
    if (result === "accepted") await lane.syncer.sync();
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  return result;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
