import { describe, expect, it, vi } from "vitest";
import type { ChunkInput } from "../../src/store/index.js";
import { createIngestWorker, WebhookDeferredError } from "../../src/webhooks/index.js";
import { gate } from "../gate.js";
import { harnessPerTest, snapshot, TENANT } from "../ingest/harness.js";

// A record deleted while a cron run is between downloading it and writing it. Its record_deleted
// webhook re-fetches it (404) before the cron run has written its version; the worker used to drop
// a 404 for a record the store did not hold yet without asking for the sync's lease, so the event
// was done, then the cron run wrote the deleted file, and no later incremental pull could see that
// it was gone (deleted records drop out of pulls).
describe("a record deleted at the source while an ingest run of its sync is writing it", () => {
  const harness = harnessPerTest();

  it("its record_deleted webhook removes it once that run is done", { timeout: 60_000 }, async () => {
    const h = harness();
    const syncId = h.syncIds.sharepoint;
    const atUpsert = gate<readonly ChunkInput[]>();
    const released = gate();
    const upsert = h.store.upsert.bind(h.store);
    vi.spyOn(h.store, "upsert").mockImplementationOnce(async (chunks) => {
      atUpsert.open(chunks);
      await released.wait;
      return upsert(chunks);
    });
    const cron = h.run({ syncs: [syncId], holder: "cron" });
    const chunks = await atUpsert.wait;
    const notes = chunks.find((c) => c.metadata.name === "Notes.txt")!.recordId;

    await h.admin("DELETE", `/syncs/${syncId}/files`, undefined, { path: "Notes/Notes.txt" });
    const worker = createIngestWorker({
      store: h.store,
      embeddings: h.embeddings,
      clientFor: () => h.client,
    });
    const batch = { tenant: TENANT, syncId, acceptedAt: Date.now() };
    const signal = new AbortController().signal;
    // What the processor does: an event whose batch is deferred is retried; one that resolves is done.
    const first = await worker.applyRecords(batch, [notes], signal).then(
      (failures) => failures,
      (error: unknown) => error,
    );
    released.open();
    expect((await cron).ok).toBe(true);
    if (first instanceof WebhookDeferredError) {
      expect((await worker.applyRecords(batch, [notes], signal)).size).toBe(0);
    } else {
      expect(first).toBeInstanceOf(Map);
    }

    const after = await snapshot(h.store, [syncId]);
    expect(after.chunks.filter((c) => c.recordId === notes)).toEqual([]);
    expect(after.versions.map((v) => v.recordId)).not.toContain(notes);
  });
});
