import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SpoolQueue,
  type WebhookBatch,
  WebhookDeferredError,
  WebhookProcessor,
  type WebhookProcessorOptions,
  WebhookRejectedError,
  type WebhookWorker,
  type WorkItem,
} from "../../src/webhooks/index.js";
import { tempDir } from "./harness.js";

const item = (
  recordId: string,
  event: "record_created" | "record_updated" | "record_deleted" = "record_updated",
  syncId = "s1",
): WorkItem => ({
  kind: "record",
  event,
  tenant: "t",
  syncId,
  recordId,
});

/** A worker that records what it was asked and fails on demand. */
class ScriptedWorker implements WebhookWorker {
  readonly batches: { syncId: string; recordIds: string[] }[] = [];
  readonly pulls: string[] = [];
  /** recordId → errors to throw, in order, before succeeding. */
  readonly script = new Map<string, Error[]>();
  active = 0;
  maxActive = 0;
  readonly activeSyncs = new Set<string>();
  sameSyncOverlap = false;

  async applyRecords({ syncId }: WebhookBatch, recordIds: readonly string[]) {
    this.enter(syncId);
    try {
      await new Promise((r) => setTimeout(r, 2));
      this.batches.push({ syncId, recordIds: [...recordIds] });
      const failures = new Map<string, Error>();
      for (const id of recordIds) {
        const error = this.script.get(id)?.shift();
        if (error instanceof WebhookDeferredError || error instanceof WebhookRejectedError) throw error;
        if (error) failures.set(id, error);
      }
      return failures;
    } finally {
      this.leave(syncId);
    }
  }

  async pullSync({ syncId }: WebhookBatch) {
    this.pulls.push(syncId);
  }

  private enter(syncId: string) {
    if (this.activeSyncs.has(syncId)) this.sameSyncOverlap = true;
    this.activeSyncs.add(syncId);
    this.maxActive = Math.max(this.maxActive, ++this.active);
  }

  private leave(syncId: string) {
    this.activeSyncs.delete(syncId);
    this.active--;
  }
}

describe("webhook processor over the spool queue", () => {
  let dir: string;
  let queue: SpoolQueue;
  let worker: ScriptedWorker;
  let processor: WebhookProcessor | undefined;

  beforeEach(async () => {
    dir = await tempDir("processor");
    queue = await SpoolQueue.open({ dir });
    worker = new ScriptedWorker();
  });

  afterEach(async () => {
    await processor?.stop();
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (options: Partial<WebhookProcessorOptions> = {}) => {
    processor = new WebhookProcessor({
      queue,
      worker,
      backoff: { baseMs: 1, maxMs: 5 },
      deferMs: 5,
      ...options,
    });
    processor.start();
    return processor;
  };

  it("coalesces the events of one record into one fetch, and batches a sync's records", async () => {
    for (const event of ["record_created", "record_updated", "record_deleted"] as const)
      await queue.enqueue(item("a", event));
    await queue.enqueue(item("b"));
    await queue.enqueue({ kind: "sync", event: "sync_complete", tenant: "t", syncId: "s1" });
    await start().idle();
    expect(worker.pulls).toEqual(["s1"]);
    expect(worker.batches).toHaveLength(1);
    expect(worker.batches[0]?.recordIds.sort()).toEqual(["a", "b"]);
    expect(queue.stats()).toMatchObject({ pending: 0, processed: 5, failed: 0 });
  });

  it("counts an event as pending at every step of its claim, so idle() cannot resolve mid-claim", async () => {
    await queue.enqueue(item("a"));
    // The claim moves the file to active/ and then reads it: look at the count on every turn of
    // the event loop in between (a file read is several turns).
    let done = false;
    const claiming = queue.claim(10).finally(() => {
      done = true;
    });
    const seen = new Set<number>();
    while (!done) {
      seen.add(queue.stats().pending);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await claiming).toHaveLength(1);
    expect([...seen]).toEqual([1]);
    expect(queue.stats()).toMatchObject({ pending: 1, inMemory: 1 });
  });

  it("retries a failing record with backoff until it succeeds", async () => {
    worker.script.set("a", [new Error("503"), new Error("503")]);
    await queue.enqueue(item("a"));
    await start().idle();
    expect(worker.batches.filter((b) => b.recordIds.includes("a"))).toHaveLength(3);
    expect(queue.stats()).toMatchObject({ pending: 0, processed: 1, failed: 2, retried: 2, deadLettered: 0 });
  });

  it("dead-letters after maxAttempts, keeping the last error on disk", async () => {
    worker.script.set(
      "a",
      Array.from({ length: 10 }, (_, i) => new Error(`still down ${i}`)),
    );
    await queue.enqueue(item("a"));
    await queue.enqueue(item("b"));
    await start({ maxAttempts: 3 }).idle();
    expect(queue.stats()).toMatchObject({ pending: 0, processed: 1, failed: 3, deadLettered: 1 });
    const [dead] = await readdir(join(dir, "dead"));
    const saved = JSON.parse(await readFile(join(dir, "dead", dead!), "utf8"));
    expect(saved).toMatchObject({ attempts: 3, lastError: "still down 2", item: { recordId: "a" } });
  });

  it("dead-letters a rejected event at once, and waits out a busy sync without counting it", async () => {
    worker.script.set("forged", [new WebhookRejectedError("WEBHOOK_UNKNOWN_SYNC", "no such sync")]);
    worker.script.set("busy", [
      new WebhookDeferredError("WEBHOOK_SYNC_BUSY", "locked"),
      new WebhookDeferredError("WEBHOOK_SYNC_BUSY", "locked"),
    ]);
    await queue.enqueue(item("forged", "record_deleted", "s2"));
    await queue.enqueue(item("busy", "record_updated", "s3"));
    await start({ maxAttempts: 2 }).idle();
    expect(queue.stats()).toMatchObject({ pending: 0, processed: 1, deadLettered: 1, deferred: 2 });
  });

  it("keeps every tenant's events in a lane of its own inside pending/, whatever the tenant id holds", async () => {
    const tenants = [
      "../../escape",
      "a/b",
      "a\\b",
      ".",
      "..",
      "con",
      "ünï 😀",
      "x".repeat(5_000),
      "a_b",
      "a/b/",
    ];
    for (const tenant of tenants) await queue.enqueue({ ...item("r1"), tenant });
    const lanes = await readdir(join(dir, "pending"));
    expect(lanes).toHaveLength(tenants.length);
    for (const lane of lanes) {
      expect(lane).toMatch(/^[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{10}$/);
      expect(await readdir(join(dir, "pending", lane))).toHaveLength(1);
    }
    const seen: string[] = [];
    worker.applyRecords = async ({ tenant }) => {
      seen.push(tenant);
      return new Map();
    };
    await start().idle();
    expect(seen.sort()).toEqual([...tenants].sort());
    expect((await readdir(dir)).sort()).toEqual(["active", "dead", "pending", "spool.lock", "tmp"]);
  });

  it("keeps a pending file that is not an event it can route (no tenant or sync) for a human, and goes on", async () => {
    await queue.enqueue(item("r1"));
    const [lane] = await readdir(join(dir, "pending"));
    const stray = {
      id: "stray",
      item: { kind: "record", recordId: "r9" },
      acceptedAt: Date.now(),
      attempts: 0,
    };
    await writeFile(join(dir, "pending", lane!, "stray.json"), JSON.stringify(stray));
    await start().idle();
    expect(worker.batches).toEqual([{ syncId: "s1", recordIds: ["r1"] }]);
    expect(
      (await readdir(join(dir, "dead"))).filter((name) => name.endsWith("stray.json.corrupt")),
    ).toHaveLength(1);
    expect(queue.stats()).toMatchObject({ pending: 0, inMemory: 0 });
  });

  it("caps dead letters: past maxDeadLetters the oldest are deleted, the newest kept and counted", async () => {
    await queue.close();
    queue = await SpoolQueue.open({ dir, maxDeadLetters: 10 });
    for (let i = 0; i < 30; i++) {
      const id = `forged-${String(i).padStart(2, "0")}`;
      worker.script.set(id, [new WebhookRejectedError("WEBHOOK_UNKNOWN_SYNC", "no such sync")]);
      // One at a time, so the dead letters' ages follow the numbering.
      await queue.enqueue(item(id, "record_updated", `s-${id}`));
      await start().idle();
      await processor?.stop();
    }
    const dead = await readdir(join(dir, "dead"));
    expect(dead.length).toBeLessThanOrEqual(10);
    const kept = await Promise.all(
      dead.map(async (name) => JSON.parse(await readFile(join(dir, "dead", name), "utf8")).item.recordId),
    );
    expect(kept).toContain("forged-29");
    expect(kept).not.toContain("forged-00");
    expect(queue.stats()).toMatchObject({ deadLettered: 30, deadLettersDropped: 30 - dead.length });
    // An over-full folder (a cap lowered across a restart) is trimmed when the spool opens.
    await queue.close();
    queue = await SpoolQueue.open({ dir, maxDeadLetters: 3 });
    expect((await readdir(join(dir, "dead"))).length).toBeLessThanOrEqual(3);
  });

  it("runs syncs in parallel up to the limit, never two batches of one sync at once", async () => {
    for (let i = 0; i < 60; i++) await queue.enqueue(item(`r${i}`, "record_updated", `s${i % 4}`));
    await start({ concurrency: 3, batchSize: 4 }).idle();
    expect(worker.sameSyncOverlap).toBe(false);
    expect(worker.maxActive).toBeLessThanOrEqual(3);
    expect(worker.maxActive).toBeGreaterThan(1);
    expect(Math.max(...worker.batches.map((b) => b.recordIds.length))).toBeLessThanOrEqual(4);
    expect(new Set(worker.batches.flatMap((b) => b.recordIds)).size).toBe(60);
    expect(queue.stats().processed).toBe(60);
  });

  it("keeps claimed, retried events across a restart of the queue (attempts included)", async () => {
    await queue.enqueue(item("a"));
    await queue.enqueue(item("b"));
    const claimed = await queue.claim(10);
    await queue.recordFailure(claimed[0]!, new Error("boom"));
    await queue.close();
    queue = await SpoolQueue.open({ dir });
    expect(queue.stats().pending).toBe(2);
    const again = await queue.claim(10);
    expect(again.map((q) => q.attempts).sort()).toEqual([0, 1]);
    expect(queue.stats()).toMatchObject({ pending: 2, inMemory: 2 });
  });

  it("reports the age of the oldest pending event as lag", async () => {
    await queue.enqueue(item("a"));
    await new Promise((r) => setTimeout(r, 30));
    expect(queue.stats().lagMs).toBeGreaterThanOrEqual(25);
    await start().idle();
    expect(queue.stats()).toMatchObject({ lagMs: 0, pending: 0 });
    expect(queue.stats().lastProcessedAt).toBeDefined();
  });

  it("holds a second copy of an in-flight event back until the first is done, and keeps both across a restart", async () => {
    await queue.enqueue(item("a"));
    const [first] = await queue.claim(10);
    expect(await queue.enqueue(item("a"))).toBe("accepted");
    expect(await queue.claim(10)).toEqual([]);
    expect(queue.stats()).toMatchObject({ pending: 2, inMemory: 1 });
    await queue.close();
    // A crash here: both copies are one event again after the restart (the later one covers it).
    queue = await SpoolQueue.open({ dir });
    expect(queue.stats().pending).toBe(1);
    const [again] = await queue.claim(10);
    expect(again?.id).toBe(first?.id);
    await queue.enqueue(item("a"));
    await queue.complete(again!);
    const [second] = await queue.claim(10);
    expect(second?.id).toBe(first?.id);
    await queue.complete(second!);
    expect(queue.stats()).toMatchObject({ pending: 0, inMemory: 0, processed: 2 });
    expect(await jsonFilesUnder(join(dir, "pending"))).toEqual([]);
    expect(await jsonFilesUnder(join(dir, "active"))).toEqual([]);
  });

  it("claims the second copy of an event only after the first copy's file is gone, so finishing the first never deletes the second", async () => {
    // complete() and deadLetter() used to drop the claim before deleting active/<id>.json: a claim
    // running in that gap renamed the twin over that path and the delete then took the twin (read
    // back as a missing file and counted as a dead letter with no dead letter on disk, or kept in
    // memory with no file behind it). The fs calls race, so the pair is raced many times.
    for (let round = 0; round < 60; round++) {
      await queue.enqueue(item(`r${round}`));
      const [first] = await queue.claim(10);
      expect(await queue.enqueue(item(`r${round}`))).toBe("accepted");
      const finishing =
        round % 2 === 0 ? queue.complete(first!) : queue.deadLetter(first!, new Error("given up"));
      const claimed = [...(await queue.claim(10)), ...(await finishing.then(() => queue.claim(10)))];
      expect(
        claimed.map((q) => q.id),
        `round ${round}`,
      ).toEqual([first!.id]);
      expect(await jsonFilesUnder(join(dir, "active")), `round ${round}`).toEqual([expect.any(String)]);
      await queue.complete(claimed[0]!);
    }
    expect(queue.stats()).toMatchObject({ pending: 0, inMemory: 0, deadLettered: 30 });
    expect(await jsonFilesUnder(join(dir, "active"))).toEqual([]);
  });
});

async function jsonFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => name.endsWith(".json"));
}
