import { rm } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createWebhookReceiver,
  SpoolQueue,
  WebhookProcessor,
  type WebhookWorker,
} from "../../src/webhooks/index.js";
import { serve, tempDir } from "./harness.js";

// 10 000 in bench/webhooks.ts, through the real ingest; here enough to dwarf the window.
const EVENTS = 4_000;
const DISTINCT = 3_200; // the other 800 repeat an earlier event
const WINDOW = 128;
const CONCURRENCY = 4;
const BATCH_MS = 10;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

describe("a flood of webhook events from one tenant", () => {
  let dir: string;
  // Stopped before the folder goes, even when the test failed half-way.
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    dir = await tempDir("flood");
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it("is absorbed with bounded memory, every event is accounted for, and another tenant's event is not buried", async () => {
    // Durability is the crash tests' business; here fsync would only make the flood slower.
    const queue = await SpoolQueue.open({ dir, fsync: false });
    closers.push(() => queue.close());
    const seen = new Set<string>();
    let gate: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      gate = resolve;
    });
    // Which tenant each batch was for, in start order, and when the other tenant's was done.
    const starts: string[] = [];
    let finished = 0;
    let quietDone: () => void = () => undefined;
    const quietFinished = new Promise<void>((resolve) => {
      quietDone = resolve;
    });
    // Slower than the flood at first (held until the flood is in), so the spool really fills up;
    // then a couple of ms a batch, standing in for ingest.
    const worker: WebhookWorker = {
      async applyRecords({ tenant, syncId }, recordIds) {
        await opened;
        starts.push(tenant);
        await new Promise((r) => setTimeout(r, BATCH_MS));
        for (const id of recordIds) seen.add(`${syncId}/${id}`);
        finished++;
        if (tenant === "quiet") quietDone();
        return new Map();
      },
      async pullSync() {},
    };
    const processor = new WebhookProcessor({
      queue,
      worker,
      window: WINDOW,
      concurrency: CONCURRENCY,
      batchSize: 50,
    });
    const receiver = createWebhookReceiver({ queue, secret: "s3cret" });
    const http = await serve((app) => app.post("/hooks", (c) => receiver.handler(c.req.raw)));
    closers.push(
      () => http.close(),
      () => processor.stop(),
    );
    processor.start();

    const before = heapMiB();
    let maxInMemory = 0;
    let peakHeap = before;
    const limit = pLimit(32);
    const statuses = new Map<number, number>();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: EVENTS }, (_, i) =>
        limit(async () => {
          const n = i < DISTINCT ? i : i % DISTINCT;
          const status = await post(http.url, "northwind", `sync-${n % 20}`, `record-${n}`);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (i % 500 === 0) {
            maxInMemory = Math.max(maxInMemory, queue.stats().inMemory);
            peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed / 2 ** 20);
          }
        }),
      ),
    );
    const floodMs = performance.now() - started;
    const afterFlood = heapMiB();
    const atPeak = receiver.metrics();

    gate();
    const sampler = setInterval(() => {
      maxInMemory = Math.max(maxInMemory, queue.stats().inMemory);
    }, 1);
    // Mid-drain, the other tenant's single event arrives through the same URL.
    while (finished < 10) await new Promise((r) => setTimeout(r, 1));
    // Flood batches that had started when the event was accepted (durable, answered 202).
    let startedBefore = -1;
    queue.onEnqueue(() => {
      if (startedBefore < 0) startedBefore = starts.length;
    });
    const quietAt = performance.now();
    const quiet = await post(http.url, "quiet", "quiet-sync", "the-one-record");
    expect(quiet).toBe(202);
    await quietFinished;
    const quietMs = performance.now() - quietAt;
    const floodBatchesAhead = starts.indexOf("quiet") - startedBefore;
    await processor.idle();
    clearInterval(sampler);
    const m = receiver.metrics();
    console.log(
      `flood: ${EVENTS} events in ${Math.round(floodMs)} ms; pending after flood ${atPeak.pending}; ` +
        `heap ${before.toFixed(1)} → ${afterFlood.toFixed(1)} MiB (peak sampled ${peakHeap.toFixed(1)}); ` +
        `max in memory ${maxInMemory}; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
    );
    console.log(
      `fairness: another tenant's event, accepted mid-drain (${startedBefore} of ${starts.length} flood batches started, ` +
        `${CONCURRENCY} at a time, ≥${BATCH_MS} ms each), waited for ${floodBatchesAhead} flood batch(es) to start ` +
        `and ${quietMs.toFixed(0)} ms from its POST to its batch done`,
    );

    expect(statuses.get(202)).toBe(EVENTS);
    expect(m.received).toBe(EVENTS + 1);
    expect(m.accepted + m.duplicates).toBe(EVENTS + 1);
    // Duplicates are absorbed only while their twin is pending, so at least the held-back ones are.
    expect(m.duplicates).toBeGreaterThan(0);
    expect(atPeak.pending).toBeGreaterThan(DISTINCT - WINDOW - 1);
    expect(maxInMemory).toBeLessThanOrEqual(WINDOW);
    expect(afterFlood - before).toBeLessThan(24);
    expect(m).toMatchObject({ pending: 0, processed: m.accepted, failed: 0, deadLettered: 0 });
    expect(seen.size).toBe(DISTINCT + 1);
    // A count, not a time: once the other tenant's event is accepted, only the flood batches
    // dispatched by a claim already under way (one per slot) may start before it. Reading the
    // spool in one folder, it waited for half the flood on average.
    expect(floodBatchesAhead).toBeGreaterThanOrEqual(0);
    expect(floodBatchesAhead).toBeLessThanOrEqual(2 * CONCURRENCY);
  }, 120_000); // 4 000 HTTP requests: about 15 s on a busy 2-core machine
});

async function post(url: string, tenant: string, syncId: string, recordId: string): Promise<number> {
  const response = await fetch(`${url}/hooks?secret=s3cret`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      event: "record_updated",
      sync: "googledrive",
      syncInstanceId: syncId,
      user: { id: tenant },
      data: { recordId, model: "files" },
    }),
  });
  await response.arrayBuffer();
  return response.status;
}
