import { describe, expect, it, vi } from "vitest";
import { harnessPerTest, snapshot } from "./harness.js";

class Crash extends Error {}

// A run that dies after its chunks are upserted but before their record versions are written leaves
// chunks the store has no version of. Deleted records drop out of pulls (no tombstones), so if the
// record is deleted before the next run, only the full run's reconciliation can find them, and it
// walks record versions: the chunks of a deleted file stayed searchable for good.
describe("a run stopped between a new record's chunks and its version, then the record deleted", () => {
  const harness = harnessPerTest();

  it("the next full run removes the deleted record's chunks", { timeout: 60_000 }, async () => {
    const h = harness();
    const syncs = [h.syncIds.sharepoint];
    // Dies at the write of the versions that say which chunks the records have (a placeholder
    // written before the chunks, holding none, goes through).
    const putVersions = h.store.putRecordVersions.bind(h.store);
    const put = vi.spyOn(h.store, "putRecordVersions").mockImplementation(async (versions) => {
      if (versions.some((v) => v.chunkCount > 0)) throw new Crash("killed");
      return putVersions(versions);
    });
    const stopped = await h.run({ syncs });
    expect(stopped.error?.message).toBe("killed");
    put.mockRestore();
    const before = await snapshot(h.store, syncs);
    const notes = before.chunks.find((c) => c.name === "Notes.txt");
    expect(notes, "the crashed run upserted Notes.txt's chunks").toBeDefined();

    await h.admin("DELETE", `/syncs/${h.syncIds.sharepoint}/files`, undefined, { path: "Notes/Notes.txt" });
    const incremental = await h.run({ syncs });
    expect(incremental.ok).toBe(true);
    const full = await h.run({ syncs, mode: "full" });
    expect(full.ok).toBe(true);
    // Notes.txt only ever had a placeholder version: its chunks go, but no indexed record was deleted.
    expect(full.counts.deleted).toBe(0);

    const after = await snapshot(h.store, syncs);
    expect(after.chunks.filter((c) => c.recordId === notes!.recordId)).toEqual([]);
    expect(after.versions.map((v) => v.recordId)).not.toContain(notes!.recordId);
    // The file that was not deleted is indexed as a clean run would have it.
    expect(after.chunks.some((c) => c.name === "Project.json")).toBe(true);
    expect(after.versions).toHaveLength(1);
  });
});
