import { describe, expect, it, vi } from "vitest";
import { gate } from "../gate.js";
import { harnessPerTest, snapshot } from "./harness.js";

const TTL_MS = 1000;

// A full run removes the chunks of any other content hash of the records it finds unchanged (the
// safety net for an older version's chunks a lost-lease run left). Its view of "unchanged" is the
// stored versions it read at the start of the page: a run that lost its lease during the page's
// last write, while a newer run rewrote one of those records, removed the newer run's chunks of it
// as "another hash". The record's version (the newer run's) says it is indexed, so no later run
// (full ones included) wrote its text again: content missing for good.
describe("a full run that lost its lease during its page's last write", () => {
  const harness = harnessPerTest();

  it("leaves the newer run's chunks of a record it took as unchanged", { timeout: 60_000 }, async () => {
    const h = harness();
    const syncs = [h.syncIds.sharepoint];
    const put = (path: string, text: string) =>
      h.admin("PUT", `/syncs/${h.syncIds.sharepoint}/files`, text, { path });
    await put("Notes/Edited.txt", "The offsite is in Lisbon.\n");
    await put("Notes/Kept.txt", "The budget review is on Friday.\n");
    expect((await h.run({ syncs })).ok).toBe(true);

    // Run "a" (full) rewrites Edited.txt and stalls in its upsert, past the last lease check,
    // while its renewals fail; Kept.txt is unchanged for it.
    await put("Notes/Edited.txt", "The offsite moved to Porto.\n");
    const stalled = gate();
    const released = gate();
    const upsert = h.store.upsert.bind(h.store);
    vi.spyOn(h.store, "upsert").mockImplementationOnce(async (chunks) => {
      stalled.open();
      await released.wait;
      return upsert(chunks);
    });
    const renew = h.store.renewLease.bind(h.store);
    let renewalsFail = true;
    vi.spyOn(h.store, "renewLease").mockImplementation(async (name, holder, ttlMs) => {
      if (renewalsFail && holder === "a") throw new Error("store unreachable from run a");
      return renew(name, holder, ttlMs);
    });
    const a = h.run({ syncs, holder: "a", leaseTtlMs: TTL_MS, mode: "full" });
    await stalled.wait;

    // Kept.txt changes; once a's lease has lapsed, run "b" takes it and writes the new text.
    await put("Notes/Kept.txt", "The budget review moved to Monday.\n");
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 200));
    const b = await h.run({ syncs, holder: "b", leaseTtlMs: TTL_MS });
    expect(b.syncs[0]?.status).toBe("completed");

    renewalsFail = false;
    released.open();
    expect((await a).syncs[0]?.error?.code).toBe("INGEST_LEASE_LOST");
    vi.restoreAllMocks();

    const kept = async () =>
      (await snapshot(h.store, syncs)).chunks.filter((c) => c.name === "Kept.txt").map((c) => c.text);
    expect(await kept(), "after the stale run").toEqual(["The budget review moved to Monday."]);
    expect((await h.run({ syncs, mode: "full" })).ok).toBe(true);
    expect(await kept(), "after the next full run").toEqual(["The budget review moved to Monday."]);
  });
});
