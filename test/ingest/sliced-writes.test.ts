import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { LanceChunkStore } from "../../src/store/index.js";
import { DIMENSIONS, harnessPerTest, snapshot } from "./harness.js";

// A page's new chunks were embedded in one call and written in one upsert: a page of long
// documents (or one PDF repeating a page 20,000 times) held every vector at once and outgrew the
// heap (review28 D3). They now go `chunksPerWrite` at a time, and the store ends as one write left it.
describe("a page with more new chunks than chunksPerWrite", () => {
  const harness = harnessPerTest();
  const small = { chunkSize: 100, chunkOverlap: 0, chunksPerWrite: 5 };

  /** What one write per page leaves: the same sources ingested into a store of its own. */
  async function onePerPage(h: ReturnType<typeof harness>) {
    const dir = await mkdtemp(join(tmpdir(), "clearance-sliced-reference-"));
    const store = await LanceChunkStore.open({ dir, dimensions: DIMENSIONS });
    try {
      expect((await h.run({ ...small, chunksPerWrite: 100_000, store })).ok).toBe(true);
      return await snapshot(store, Object.values(h.syncIds));
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("embeds and writes them a slice at a time, and the store ends as one write leaves it", async () => {
    const h = harness();
    const embed = vi.spyOn(h.embeddings, "embedDocuments");
    const upsert = vi.spyOn(h.store, "upsert");
    const report = await h.run(small);
    expect(report.ok).toBe(true);
    const embedded = embed.mock.calls.map(([texts]) => texts.length);
    const written = upsert.mock.calls.map(([chunks]) => chunks.length);
    expect(Math.max(...embedded, ...written)).toBeLessThanOrEqual(5);
    expect(written.reduce((a, b) => a + b, 0)).toBe(report.counts.chunksWritten);
    // Really sliced: the corpus makes several slices' worth of chunks.
    expect(report.counts.chunksWritten).toBeGreaterThan(3 * 5);
    expect(written.length).toBeGreaterThanOrEqual(4);
    const sliced = await snapshot(h.store, Object.values(h.syncIds));
    expect(sliced).toEqual(await onePerPage(h));
  });

  it("an embedder failing on a later slice fails the run; the next run ends with nothing lost and nothing twice", async () => {
    const h = harness();
    const embed = h.embeddings.embedDocuments.bind(h.embeddings);
    let calls = 0;
    vi.spyOn(h.embeddings, "embedDocuments").mockImplementation(async (texts) => {
      calls += 1;
      if (calls === 3) throw new Error("the embeddings provider is down");
      return embed(texts);
    });
    const failed = await h.run(small);
    expect(failed.ok).toBe(false);
    expect(failed.syncs.some((sync) => sync.status !== "completed")).toBe(true);
    // Slices before the failure were written: the store is not empty, and not what it should be.
    expect(await h.store.count({ tenant: "northwind" })).toBeGreaterThan(0);

    const resumed = await h.run(small);
    expect(resumed.ok).toBe(true);
    const after = await snapshot(h.store, Object.values(h.syncIds));
    expect(new Set(after.chunks.map((c) => c.id)).size).toBe(after.chunks.length);
    expect(after).toEqual(await onePerPage(h));
  });

  it("a run whose lease is lost between slices writes no more of the page", async () => {
    const h = harness();
    const renew = h.store.renewLease.bind(h.store);
    let taken = false;
    // Another run takes the lease while the second slice is embedded.
    vi.spyOn(h.store, "renewLease").mockImplementation(async (name, holder, ttlMs) =>
      taken ? false : renew(name, holder, ttlMs),
    );
    const embed = h.embeddings.embedDocuments.bind(h.embeddings);
    let calls = 0;
    vi.spyOn(h.embeddings, "embedDocuments").mockImplementation(async (texts) => {
      calls += 1;
      if (calls === 2) {
        taken = true;
        // Past a third of the lease's life, so the next check renews (and learns it is gone).
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      return embed(texts);
    });
    const upsert = vi.spyOn(h.store, "upsert");
    const report = await h.run({ ...small, syncs: [h.syncIds.googledrive], leaseTtlMs: 1_000 });
    expect(report.syncs[0]?.error?.code).toBe("INGEST_LEASE_LOST");
    expect(upsert).toHaveBeenCalledTimes(1);
  });
});
