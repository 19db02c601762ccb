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

const EVENTS = 10_000;
const DISTINCT = 8_000; // the other 2 000 repeat an earlier event
const WINDOW = 128;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

describe("a flood of 10k webhook events", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir("flood");
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is absorbed with bounded memory, and every event is accounted for", async () => {
    const queue = await SpoolQueue.open({ dir });
    const seen = new Set<string>();
    let gate: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      gate = resolve;
    });
    // Slower than the flood at first (held until the flood is in), so the spool really fills up.
    const worker: WebhookWorker = {
      async applyRecords(_tenant, syncId, recordIds) {
        await opened;
        for (const id of recordIds) seen.add(`${syncId}/${id}`);
        return new Map();
      },
      async pullSync() {},
    };
    const processor = new WebhookProcessor({ queue, worker, window: WINDOW, concurrency: 4, batchSize: 50 });
    const receiver = createWebhookReceiver({ queue });
    const http = await serve((app) => app.post("/hooks", (c) => receiver.handler(c.req.raw)));
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
          const response = await fetch(`${http.url}/hooks`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              event: "record_updated",
              sync: "googledrive",
              syncInstanceId: `sync-${n % 20}`,
              user: { id: "northwind" },
              data: { recordId: `record-${n}`, model: "files" },
            }),
          });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
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
    await processor.idle();
    clearInterval(sampler);
    const m = receiver.metrics();
    console.log(
      `flood: ${EVENTS} events in ${Math.round(floodMs)} ms; pending after flood ${atPeak.pending}; ` +
        `heap ${before.toFixed(1)} → ${afterFlood.toFixed(1)} MiB (peak sampled ${peakHeap.toFixed(1)}); ` +
        `max in memory ${maxInMemory}; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
    );

    expect(statuses.get(202)).toBe(EVENTS);
    expect(m.received).toBe(EVENTS);
    expect(m.accepted + m.duplicates).toBe(EVENTS);
    // Duplicates are absorbed only while their twin is pending, so at least the held-back ones are.
    expect(m.duplicates).toBeGreaterThan(0);
    expect(atPeak.pending).toBeGreaterThan(DISTINCT - WINDOW - 1);
    expect(maxInMemory).toBeLessThanOrEqual(WINDOW);
    expect(afterFlood - before).toBeLessThan(24);
    expect(m).toMatchObject({ pending: 0, processed: m.accepted, failed: 0, deadLettered: 0 });
    expect(seen.size).toBe(DISTINCT);

    await http.close();
    await processor.stop();
    await queue.close();
  });
});
