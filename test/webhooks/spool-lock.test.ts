import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpoolLock, SpoolQueue, type WorkItem } from "../../src/webhooks/index.js";
import { tempDir } from "./harness.js";

const item = (tenant: string, recordId: string): WorkItem => ({
  kind: "record",
  event: "record_updated",
  tenant,
  syncId: `${tenant}-sync`,
  recordId,
});

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

async function lockFile(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, "spool.lock"), "utf8"));
}

/** One consumer per spool: what makes "nothing accepted is lost" hold with several processes around. */
describe("the spool lock", () => {
  let dir: string;
  const opened: SpoolQueue[] = [];

  beforeEach(async () => {
    dir = await tempDir("lock");
  });

  afterEach(async () => {
    for (const queue of opened.splice(0)) await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  const open = async (options: Partial<Parameters<typeof SpoolQueue.open>[0]> = {}) => {
    const queue = await SpoolQueue.open({ dir, fsync: false, ...options });
    opened.push(queue);
    return queue;
  };

  it("refuses a second consumer with a message naming the holder and what to do, until the first closes", async () => {
    const first = await open();
    const refused = SpoolQueue.open({ dir });
    await expect(refused).rejects.toMatchObject({ code: "WEBHOOK_SPOOL_LOCKED" });
    await expect(refused).rejects.toThrow(
      new RegExp(
        `in use by process ${process.pid} on .*: one process consumes a spool. Give this one its own folder`,
      ),
    );
    await first.close();
    opened.splice(0);
    await open();
  });

  it("takes over at once from a dead process on this machine, and puts its claims back", async () => {
    const first = await open();
    await first.enqueue(item("northwind", "a"));
    await first.enqueue(item("contoso", "b"));
    expect(await first.claim(10)).toHaveLength(2);
    // The process dies without closing: its lock and its claims stay behind, with a dead pid.
    const lock = await lockFile(dir);
    await writeFile(join(dir, "spool.lock"), JSON.stringify({ ...lock, pid: deadPid() }));
    opened.splice(0);

    const second = await open();
    expect(second.stats()).toMatchObject({ pending: 2, pendingTenants: 2 });
    expect((await second.claim(10)).map((q) => q.item.tenant).sort()).toEqual(["contoso", "northwind"]);
    expect((await lockFile(dir)).pid).toBe(process.pid);
  });

  it("from another machine: waits for the heartbeat, refuses while it beats, takes over once it stops", async () => {
    const foreign = { token: "f", pid: 1, host: "elsewhere", machine: "other-boot/pid:[1]", since: "then" };
    await writeFile(join(dir, "spool.lock"), JSON.stringify(foreign));
    // Beating: the holder touches the file faster than staleLockMs.
    const beat = setInterval(() => void utimes(join(dir, "spool.lock"), new Date(), new Date()), 50);
    try {
      await expect(SpoolQueue.open({ dir, staleLockMs: 400 })).rejects.toThrow(
        /in use by process 1 on elsewhere .* the lock expires 0 s after its last heartbeat/,
      );
    } finally {
      clearInterval(beat);
    }
    // Stopped: once the heartbeat is older than staleLockMs the lock is taken over.
    await open({ staleLockMs: 400 });
    expect((await lockFile(dir)).host).not.toBe("elsewhere");
  });

  it("a process that lost the spool stops consuming and never dead-letters what the new owner holds", async () => {
    const errors: unknown[] = [];
    const first = await open({ staleLockMs: 300, onError: (e) => errors.push(e) });
    await first.enqueue(item("northwind", "a"));
    await first.enqueue(item("northwind", "b"));
    const claimed = await first.claim(1);
    // Meanwhile another process (say this one was suspended) took the spool over, then went quiet.
    const lock = await lockFile(dir);
    const other = { ...lock, token: "someone-else", machine: "other", host: "elsewhere" };
    await writeFile(join(dir, "spool.lock"), JSON.stringify(other));
    await utimes(join(dir, "spool.lock"), new Date(0), new Date(0));
    const second = await SpoolQueue.open({ dir, fsync: false, staleLockMs: 300 });
    opened.push(second);
    expect(second.stats().pending).toBe(2);

    await first.deadLetter(claimed[0]!, new Error("would have dropped it"));
    expect(await readdir(join(dir, "dead"))).toEqual([]);
    expect(errors).toContainEqual(expect.objectContaining({ code: "WEBHOOK_SPOOL_LOCK_LOST" }));
    expect(await first.claim(10)).toEqual([]);
    // The new owner has both events, the one the old owner had claimed included.
    expect((await second.claim(10)).map((q) => q.item.kind === "record" && q.item.recordId).sort()).toEqual([
      "a",
      "b",
    ]);
  });

  it("a sweep puts back claims left by an owner that lost the spool after this one opened", async () => {
    const queue = await open({ sweepMs: 0 });
    const stray = join(dir, "active", "stray-owner");
    await mkdir(stray, { recursive: true });
    const queued = { id: "stray-event", item: item("contoso", "c"), acceptedAt: Date.now(), attempts: 0 };
    await writeFile(join(stray, "stray-event.json"), JSON.stringify(queued));
    expect(queue.stats().pending).toBe(0);
    await queue.sweep();
    expect(queue.stats()).toMatchObject({ pending: 1, pendingTenants: 1 });
    expect(await queue.claim(5)).toEqual([queued]);
    expect(await readdir(join(dir, "active"))).not.toContain("stray-owner");
  });

  it("SpoolLock alone: release frees the folder for the next owner", async () => {
    const lock = await SpoolLock.acquire(dir);
    expect(lock.held).toBe(true);
    await expect(SpoolLock.acquire(dir)).rejects.toMatchObject({ code: "WEBHOOK_SPOOL_LOCKED" });
    await lock.release();
    const next = await SpoolLock.acquire(dir);
    expect(await next.verify()).toBe(true);
    await next.release();
  });
});
