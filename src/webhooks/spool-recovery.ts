import { link, mkdir, opendir, readdir, readFile, rm, rmdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { DeadLetters } from "./dead-letters.js";
import type { SpoolClaims } from "./spool-claims.js";
import { laneName } from "./spool-lane.js";

/** The spool's sub-folders. */
export interface SpoolLayout {
  pending: string;
  active: string;
  dead: string;
  tmp: string;
}

/** What one lane holds when the spool is opened. */
export interface RecoveredLane {
  pending: number;
  /** Acceptance time of the oldest of them. */
  oldestAcceptedAt: number | undefined;
}

/** The sub-folders of the spool at `dir`. */
export function spoolLayout(dir: string): SpoolLayout {
  return {
    pending: join(dir, "pending"),
    active: join(dir, "active"),
    dead: join(dir, "dead"),
    tmp: join(dir, "tmp"),
  };
}

/** Creates the spool's folders and empties `tmp/` (half-written files of a crashed process). */
export async function prepareSpool(layout: SpoolLayout): Promise<void> {
  for (const dir of [layout.pending, layout.active, layout.dead]) await mkdir(dir, { recursive: true });
  await rm(layout.tmp, { recursive: true, force: true });
  await mkdir(layout.tmp, { recursive: true });
}

/**
 * At open: puts back what other owners had claimed (their lanes' folders fsynced, so the move
 * survives a power cut) and counts what every lane holds.
 */
export async function recoverLanes(
  layout: SpoolLayout,
  ownToken: string,
  dead: DeadLetters,
  claims: SpoolClaims,
): Promise<void> {
  const moved = new Set<string>();
  await returnClaims(layout, ownToken, dead, (lane) => moved.add(lane));
  for (const lane of moved) await claims.laneNamed(lane).syncer.sync();
  for (const [name, found] of await countLanes(layout)) {
    claims.laneNamed(name).noteFound(found.pending, found.oldestAcceptedAt);
  }
}

/**
 * A sweep: finds events nobody announced (other owners' claims, and files in lanes believed
 * empty) and tells their lanes. Returns how many it found.
 */
export async function sweepLanes(
  layout: SpoolLayout,
  ownToken: string,
  dead: DeadLetters,
  claims: SpoolClaims,
): Promise<number> {
  let found = await returnClaims(layout, ownToken, dead, (lane, acceptedAt) =>
    claims.laneNamed(lane).noteAdded(acceptedAt),
  );
  for (const entry of await readdir(layout.pending, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const lane = claims.laneNamed(entry.name);
    if (lane.onDisk > 0) continue;
    const counted = await countLane(lane.dir);
    lane.noteFound(counted.pending, counted.oldestAcceptedAt);
    found += counted.pending;
  }
  return found;
}

/**
 * Puts events claimed by any owner but `ownToken` (a crashed process, or one that lost the lock)
 * back into their lanes, plus files of the older flat layout (`pending/<id>.json`, `active/<id>.json`).
 * Returns how many it moved. A newer copy already pending covers the claimed one.
 */
export async function returnClaims(
  layout: SpoolLayout,
  ownToken: string,
  dead: DeadLetters,
  onMoved: (lane: string, acceptedAt: number) => void,
): Promise<number> {
  let moved = 0;
  const put = async (path: string, name: string) => {
    const found = await moveToLane(layout, path, name, dead);
    if (found) {
      moved++;
      onMoved(found.lane, found.acceptedAt);
    }
  };
  for (const entry of await readdir(layout.active, { withFileTypes: true })) {
    const path = join(layout.active, entry.name);
    if (entry.isFile()) await put(path, entry.name);
    else if (entry.isDirectory() && entry.name !== ownToken) {
      // An owner's claims are at most one processor window: listing them whole is fine.
      for (const name of await readdir(path)) await put(join(path, name), name);
      await rmdir(path).catch(() => undefined);
    }
  }
  for await (const entry of await opendir(layout.pending, { bufferSize: 64 })) {
    if (entry.isFile() && entry.name.endsWith(".json"))
      await put(join(layout.pending, entry.name), entry.name);
  }
  return moved;
}

/** Counts each lane's events, streaming (a spool may hold millions). */
export async function countLanes(layout: SpoolLayout): Promise<Map<string, RecoveredLane>> {
  const lanes = new Map<string, RecoveredLane>();
  for (const entry of await readdir(layout.pending, { withFileTypes: true })) {
    if (entry.isDirectory()) lanes.set(entry.name, await countLane(join(layout.pending, entry.name)));
  }
  return lanes;
}

/** Counts one lane's events and finds the oldest acceptance time among them. */
export async function countLane(dir: string): Promise<RecoveredLane> {
  const lane: RecoveredLane = { pending: 0, oldestAcceptedAt: undefined };
  for await (const file of await opendir(dir, { bufferSize: 64 })) {
    if (!file.name.endsWith(".json")) continue;
    lane.pending++;
    const acceptedAt = await acceptedAtOf(join(dir, file.name));
    if (acceptedAt !== undefined)
      lane.oldestAcceptedAt = Math.min(lane.oldestAcceptedAt ?? acceptedAt, acceptedAt);
  }
  return lane;
}

async function moveToLane(
  layout: SpoolLayout,
  path: string,
  name: string,
  dead: DeadLetters,
): Promise<{ lane: string; acceptedAt: number } | undefined> {
  let parsed: { item?: { tenant?: unknown }; acceptedAt?: unknown };
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    await dead.keep(path, name).catch(() => undefined);
    return undefined;
  }
  const tenant = parsed?.item?.tenant;
  if (typeof tenant !== "string" || !name.endsWith(".json")) {
    await dead.keep(path, name).catch(() => undefined);
    return undefined;
  }
  const lane = laneName(tenant);
  await mkdir(join(layout.pending, lane), { recursive: true });
  let linked = true;
  try {
    await link(path, join(layout.pending, lane, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    linked = false; // a newer copy was accepted meanwhile; it covers this one
  }
  await unlink(path);
  if (!linked) return undefined;
  return { lane, acceptedAt: typeof parsed.acceptedAt === "number" ? parsed.acceptedAt : Date.now() };
}

async function acceptedAtOf(path: string): Promise<number | undefined> {
  try {
    const { acceptedAt } = JSON.parse(await readFile(path, "utf8")) as { acceptedAt?: unknown };
    return typeof acceptedAt === "number" ? acceptedAt : undefined;
  } catch {
    // The queue's scan moves unreadable files to dead/ when it reaches them.
    return undefined;
  }
}
