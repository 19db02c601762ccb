import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetryList, retryScope } from "../../src/ingest/retry-list.js";
import { LanceChunkStore } from "../../src/store/index.js";

describe("RetryList", () => {
  let dir: string;
  let store: LanceChunkStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-retry-"));
    store = await LanceChunkStore.open({ dir, dimensions: 8 });
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("counts the runs in a row that failed on a record, once per run, and forgets it once it goes in", async () => {
    const first = await RetryList.load(store, "acme", "sync-1");
    first.note("r1", true);
    first.note("r1", true); // retried and pulled again in the same run: still one run
    first.note("r2", true);
    await first.save();

    const second = await RetryList.load(store, "acme", "sync-1");
    expect(second.pending).toEqual(["r1", "r2"]);
    expect(second.failedRuns("r1")).toBe(1);
    expect(second.failedRuns("r3")).toBe(0);
    second.note("r1", true);
    second.note("r2", false);
    await second.save();

    const third = await RetryList.load(store, "acme", "sync-1");
    expect(third.pending).toEqual(["r1"]);
    expect(third.failedRuns("r1")).toBe(2);
    // Another sync's and another tenant's lists are their own.
    expect((await RetryList.load(store, "acme", "sync-2")).size).toBe(0);
    expect((await RetryList.load(store, "globex", "sync-1")).size).toBe(0);

    third.note("r1", false);
    await third.save();
    expect(await store.getState(retryScope("acme"), "sync-1")).toBeUndefined();
  });

  it("counts the runs that failed the same way, apart from other failures, and reads lists saved as bare counts", async () => {
    await store.putState(retryScope("acme"), "sync-3", JSON.stringify({ old: 2, bad: "x" }));
    const first = await RetryList.load(store, "acme", "sync-3");
    expect(first.pending).toEqual(["old"]);
    expect(first.failedRuns("old")).toBe(2);
    // Counted before the way was kept: a timeout now is the first of its kind.
    expect(first.failedRuns("old", "download:TIMEOUT")).toBe(0);
    first.note("old", true, true, "download:TIMEOUT");
    first.note("r1", true, true, "download:TIMEOUT");
    first.note("r2", true); // a 503: no way to count
    await first.save();
    expect(JSON.parse((await store.getState(retryScope("acme"), "sync-3")) ?? "{}")).toEqual({
      old: { runs: 1, repeat: "download:TIMEOUT" },
      r1: { runs: 1, repeat: "download:TIMEOUT" },
      r2: 1,
    });

    const second = await RetryList.load(store, "acme", "sync-3");
    expect(second.failedRuns("r1", "download:TIMEOUT")).toBe(1);
    expect(second.failedRuns("r1", "download:BODY_INCOMPLETE")).toBe(0);
    expect(second.failedRuns("r2", "download:TIMEOUT")).toBe(0);
    second.note("r1", true, true, "download:TIMEOUT");
    second.note("r2", true, true, "download:TIMEOUT");
    second.note("old", true, true, "download:BODY_INCOMPLETE"); // another way: starts again
    await second.save();

    const third = await RetryList.load(store, "acme", "sync-3");
    expect(third.failedRuns("r1", "download:TIMEOUT")).toBe(2);
    expect(third.failedRuns("r2", "download:TIMEOUT")).toBe(1);
    expect(third.failedRuns("old", "download:BODY_INCOMPLETE")).toBe(1);
  });
});
