import { describe, expect, it, vi } from "vitest";
import { gate } from "../gate.js";
import { harnessPerTest, snapshot } from "./harness.js";

const TTL_MS = 1000;

// A run that lost its sync's lease while it was working on a page (its renewals failed, or the
// process stalled) used to write the page anyway and learn of the loss only before the cursor
// write. By then another run had taken the lease and written newer content; the stale run's page put
// the old text back, deleted the new chunks as stale, and wrote the old version, and since the
// newer run's cursor is already past the record, no incremental run looks at it again.
describe("a run that lost its lease while working on a page", () => {
  const harness = harnessPerTest();

  it("writes nothing of that page over the newer run's work", { timeout: 60_000 }, async () => {
    const h = harness();
    const syncs = [h.syncIds.sharepoint];
    const path = "Notes/Notes.txt";
    await h.admin("PUT", `/syncs/${h.syncIds.sharepoint}/files`, "The launch date is March 3.\n", { path });

    // Run "a" reads the file, then stalls (a slow embedding call) while its renewals fail.
    const stalled = gate();
    const released = gate();
    const embed = h.embeddings.embedDocuments.bind(h.embeddings);
    vi.spyOn(h.embeddings, "embedDocuments").mockImplementationOnce(async (texts) => {
      stalled.open();
      await released.wait;
      return embed(texts);
    });
    const renew = h.store.renewLease.bind(h.store);
    let renewalsFail = true;
    vi.spyOn(h.store, "renewLease").mockImplementation(async (name, holder, ttlMs) => {
      if (renewalsFail && holder === "a") throw new Error("store unreachable from run a");
      return renew(name, holder, ttlMs);
    });
    const a = h.run({ syncs, holder: "a", leaseTtlMs: TTL_MS });
    await stalled.wait;

    // The file changes; once a's lease has lapsed, run "b" takes it and ingests the new text.
    await h.admin("PUT", `/syncs/${h.syncIds.sharepoint}/files`, "The launch moved to April 9.\n", { path });
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 200));
    const b = await h.run({ syncs, holder: "b", leaseTtlMs: TTL_MS });
    expect(b.ok).toBe(true);
    expect(b.syncs[0]?.status).toBe("completed");

    renewalsFail = false;
    released.open();
    const stale = await a;
    expect(stale.syncs[0]?.error?.code).toBe("INGEST_LEASE_LOST");

    const texts = (await snapshot(h.store, syncs)).chunks
      .filter((c) => c.name === "Notes.txt")
      .map((c) => c.text);
    expect(texts).toEqual(["The launch moved to April 9."]);
    // And an incremental run from b's cursor has nothing left to fix.
    expect((await h.run({ syncs })).counts.seen).toBe(0);
  });
});
