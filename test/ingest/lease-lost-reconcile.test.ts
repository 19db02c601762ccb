import { describe, expect, it, vi } from "vitest";
import { gate } from "../gate.js";
import { harnessPerTest, snapshot } from "./harness.js";

const TTL_MS = 1000;

// A full run's reconcile deletes every record the store holds for the sync that its pull did not
// return. A run that lost its lease before reconciling would delete what a newer run added after
// its pull had passed: a record lost for good, since the newer run's cursor is already past it.
describe("a full run that lost its lease before reconciling", () => {
  const harness = harnessPerTest();

  it("deletes nothing a newer run added", { timeout: 60_000 }, async () => {
    const h = harness();
    const syncId = h.syncIds.sharepoint;
    const syncs = [syncId];
    expect((await h.run({ syncs })).ok).toBe(true);

    // Run "a" pulls everything, then stalls as its reconcile starts, while its renewals fail.
    const stalled = gate();
    const released = gate();
    const versions = h.store.recordVersions.bind(h.store);
    vi.spyOn(h.store, "recordVersions").mockImplementationOnce(async function* (tenant, id) {
      stalled.open();
      await released.wait;
      yield* versions(tenant, id);
    });
    const renew = h.store.renewLease.bind(h.store);
    let renewalsFail = true;
    vi.spyOn(h.store, "renewLease").mockImplementation(async (name, holder, ttlMs) => {
      if (renewalsFail && holder === "a") throw new Error("store unreachable from run a");
      return renew(name, holder, ttlMs);
    });
    const a = h.run({ syncs, mode: "full", holder: "a", leaseTtlMs: TTL_MS });
    await stalled.wait;

    // A file added since a's pull; once a's lease has lapsed, run "b" takes it and ingests the file.
    await h.admin("PUT", `/syncs/${syncId}/files`, "Added after the full pull.\n", {
      path: "Notes/Added.txt",
    });
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 200));
    const b = await h.run({ syncs, holder: "b", leaseTtlMs: TTL_MS });
    expect(b.ok).toBe(true);
    const added = (await snapshot(h.store, syncs)).chunks.find((c) => c.name === "Added.txt");
    expect(added, "run b indexed the new file").toBeDefined();

    renewalsFail = false;
    released.open();
    const stale = await a;
    expect(stale.syncs[0]?.error?.code).toBe("INGEST_LEASE_LOST");

    const after = await snapshot(h.store, syncs);
    expect(after.chunks.filter((c) => c.recordId === added!.recordId).map((c) => c.text)).toEqual([
      "Added after the full pull.",
    ]);
    expect(after.versions.map((v) => v.recordId)).toContain(added!.recordId);
  });
});
