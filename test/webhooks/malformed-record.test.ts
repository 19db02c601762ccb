import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { retryScope } from "../../src/ingest/retry-list.js";
import { createIngestWorker } from "../../src/webhooks/index.js";
import { type Harness, snapshot, startHarness, TENANT } from "../ingest/harness.js";

// A record_updated webhook whose record the Sync API now serves malformed: the worker used to fail
// the event and leave the record's old chunks searchable, though nothing the source says backs them.
describe("a webhook for a record the Sync API serves malformed", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("fails the record with its reason and drops its old chunks", { timeout: 60_000 }, async () => {
    const syncId = h.syncIds.sharepoint;
    expect((await h.run({ syncs: [syncId] })).ok).toBe(true);
    const notes = (await snapshot(h.store, [syncId])).chunks.find((c) => c.name === "Notes.txt")!.recordId;
    await h.admin("PUT", `/syncs/${syncId}/malformed/${notes}`, { updatedAt: 20260101 });

    const worker = createIngestWorker({
      store: h.store,
      embeddings: h.embeddings,
      clientFor: () => h.client,
    });
    const batch = { tenant: TENANT, syncId, acceptedAt: Date.now() };
    const failures = await worker.applyRecords(batch, [notes], new AbortController().signal);
    expect([...failures.keys()]).toEqual([notes]);
    expect(failures.get(notes)).toMatchObject({ code: "INVALID_RESPONSE" });
    expect(failures.get(notes)?.message).toMatch(/field data\.updatedAt: .*expected string/);

    const after = await snapshot(h.store, [syncId]);
    expect(after.chunks.filter((c) => c.recordId === notes)).toEqual([]);
    expect(after.versions.map((v) => v.recordId)).not.toContain(notes);
    expect(after.chunks.some((c) => c.name === "Project.json")).toBe(true);
    // The cron run's retry list has it, so the next run fetches it again.
    expect(JSON.parse((await h.store.getState(retryScope(TENANT), syncId)) ?? "{}")).toEqual({ [notes]: 0 });
  });

  it("a pulled record without an id is no permission change to report", { timeout: 60_000 }, async () => {
    const syncId = h.syncIds.sharepoint;
    expect((await h.run({ syncs: [syncId] })).ok).toBe(true);
    const notes = (await snapshot(h.store, [syncId])).chunks.find((c) => c.name === "Notes.txt")!.recordId;
    // Changed, so the next pull serves it past the cursor, and served with no id.
    await h.admin("PUT", `/syncs/${syncId}/files`, "Rewritten notes.\n", { path: "Notes/Notes.txt" });
    await h.admin("PUT", `/syncs/${syncId}/malformed/${notes}`, { id: null });

    const changed: string[] = [];
    const worker = createIngestWorker({
      store: h.store,
      embeddings: h.embeddings,
      clientFor: () => h.client,
      onPermissionChange: (_tenant, _syncId, recordId) => changed.push(recordId),
    });
    await worker.pullSync({ tenant: TENANT, syncId, acceptedAt: Date.now() }, new AbortController().signal);
    expect(changed).toEqual([]);
  });
});
