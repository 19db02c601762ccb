import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IngestEvent } from "../../src/ingest/index.js";
import { retryScope } from "../../src/ingest/retry-list.js";
import { type Harness, snapshot, startHarness, TENANT } from "./harness.js";

// One record of a pulled page that breaks the record schema (a field of the wrong type, no id) used
// to void the whole page: every run, incremental and full, stopped that sync at the same cursor, so
// nothing after it was ingested and deletions were never reconciled. The emulator serves the bad
// record on purpose (admin `PUT /syncs/{syncId}/malformed/{recordId}`), over loopback HTTP.
describe("a malformed record on a pulled page", () => {
  let h: Harness;
  let drive: string;
  beforeEach(async () => {
    h = await startHarness();
    drive = h.syncIds.googledrive;
  });
  afterEach(async () => {
    await h.close();
  });

  const recordIdOf = async (name: string) => {
    const { chunks } = await snapshot(h.store, [drive]);
    const id = chunks.find((c) => c.name === name)?.recordId;
    if (!id) throw new Error(`${name} has no chunks`);
    return id;
  };
  const chunksOf = async (recordId: string) =>
    (await snapshot(h.store, [drive])).chunks.filter((c) => c.recordId === recordId);

  it("fails alone with its reason, loses its old chunks, is retried each run, and the rest of the page is ingested", {
    timeout: 60_000,
  }, async () => {
    const syncs = [drive];
    expect((await h.run({ syncs })).ok).toBe(true);
    const overview = await recordIdOf("Architecture overview.md");
    const before = await snapshot(h.store, syncs);

    // A changed record, served with a number where a date belongs, and a new file on the same page.
    await h.admin(
      "PUT",
      `/syncs/${drive}/files`,
      "# Architecture\n\nRewritten: the worker streams pages.\n",
      {
        path: "Engineering/Architecture overview.md",
      },
    );
    await h.admin("PUT", `/syncs/${drive}/malformed/${overview}`, { createdAt: 1733600000 });
    await h.admin("PUT", `/syncs/${drive}/files`, "# Roadmap\n\nShip the malformed-record fix.\n", {
      path: "Engineering/Roadmap.md",
    });

    const bad = await h.run({ syncs });
    expect(bad.syncs[0]?.status).toBe("completed");
    expect(bad.ok).toBe(false);
    expect(bad.counts).toMatchObject({ seen: 2, new: 1, failed: 1 });
    expect(bad.failures).toEqual([
      expect.objectContaining({ syncId: drive, recordId: overview, code: "INVALID_RESPONSE" }),
    ]);
    expect(bad.failures[0]?.reason).toMatch(/field data\[\d+\]\.createdAt/);
    expect(bad.failures[0]?.reason).toMatch(/fetched again every run/);
    const after = await snapshot(h.store, syncs);
    expect(after.chunks.some((c) => c.name === "Roadmap.md")).toBe(true);
    expect(await chunksOf(overview), "the malformed record's old chunks are dropped").toEqual([]);
    expect(after.versions.map((v) => v.recordId)).not.toContain(overview);
    expect(after.cursors[drive], "the cursor moved past the page").not.toBe(before.cursors[drive]);
    const retry = JSON.parse((await h.store.getState(retryScope(TENANT), drive)) ?? "{}");
    // On the list; 0 reads of it failed (a timeout after it is a first, not a third in a row).
    expect(retry).toEqual({ [overview]: 0 });

    // Still malformed: fetched again by id and reported again.
    h.requests.length = 0;
    const again = await h.run({ syncs });
    expect(h.requests).toContain(`GET /api/syncs/${drive}/records/${overview}`);
    expect(again.ok).toBe(false);
    expect(again.failures).toEqual([
      expect.objectContaining({ recordId: overview, code: "INVALID_RESPONSE" }),
    ]);
    expect(again.failures[0]?.reason).toMatch(/field data\.createdAt/);
    expect(await chunksOf(overview)).toEqual([]);

    // Paragon fixes the record: the next run indexes what it says now.
    await h.admin("DELETE", `/syncs/${drive}/malformed/${overview}`);
    const fixed = await h.run({ syncs });
    expect(fixed.ok).toBe(true);
    expect((await chunksOf(overview)).map((c) => c.text).join(" ")).toContain("streams pages");
    expect(await h.store.getState(retryScope(TENANT), drive)).toBeUndefined();
  });

  it("does not stop a full run from reconciling deletions", { timeout: 60_000 }, async () => {
    const syncs = [drive];
    expect((await h.run({ syncs })).ok).toBe(true);
    const handbook = await recordIdOf("Handbook.docx");
    const people = await recordIdOf("People.csv");

    await h.admin("DELETE", `/syncs/${drive}/files`, undefined, { path: "HR/People.csv" });
    await h.admin("PUT", `/syncs/${drive}/malformed/${handbook}`, { deleted: "true" });

    const full = await h.run({ syncs, mode: "full" });
    expect(full.syncs[0]?.status).toBe("completed");
    expect(full.failures).toEqual([
      expect.objectContaining({ recordId: handbook, code: "INVALID_RESPONSE" }),
    ]);
    expect(full.failures[0]?.reason).toMatch(/field data\[\d+\]\.deleted/);
    expect(await chunksOf(people), "the deleted file is reconciled away").toEqual([]);
    expect(await chunksOf(handbook)).toEqual([]);
    const after = await snapshot(h.store, syncs);
    expect(after.chunks.some((c) => c.name === "Incident.md")).toBe(true);
    // Still on the retry list after the full run (the sync still has it): the next run tries it again.
    const retry = JSON.parse((await h.store.getState(retryScope(TENANT), drive)) ?? "{}");
    expect(Object.keys(retry)).toEqual([handbook]);
  });

  it("without an id, is counted and reported with where it was and what to do, and the cursor moves on", {
    timeout: 60_000,
  }, async () => {
    const syncs = [drive];
    const first = await h.run({ syncs });
    const incident = await recordIdOf("Incident.md");
    const clean = first.counts.seen;

    await h.admin("PUT", `/syncs/${drive}/malformed/${incident}`, { id: null });
    const progress: IngestEvent[] = [];
    const full = await h.run({ syncs, mode: "full", onProgress: (event) => progress.push(event) });
    expect(full.syncs[0]?.status).toBe("completed");
    expect(full.ok).toBe(false);
    expect(full.counts.seen).toBe(clean);
    expect(full.counts.failed).toBe(1);
    expect(full.failures).toEqual([
      expect.objectContaining({
        syncId: drive,
        recordId: "",
        name: expect.stringMatching(/^record \d+ of the first page$/),
        code: "INVALID_RESPONSE",
      }),
    ]);
    expect(full.failures[0]?.reason).toMatch(
      /without a usable id \(field data\[\d+\]\.id: .*expected string/,
    );
    // It is finished too (failed, with no id to name), so a progress bar reaches its total.
    const recordsDone = progress.flatMap((e) => (e.type === "record-done" ? [e] : []));
    expect(recordsDone).toContainEqual(expect.objectContaining({ recordId: "", outcome: "failed" }));
    expect(recordsDone.at(-1)).toMatchObject({ done: clean, total: clean });
    expect(full.failures[0]?.reason).toMatch(
      /Report it to Paragon with the sync id \(.*\) and where it was \(the first page\)/,
    );
    // The full run did not see it under any id, so reconcile removed what it had held.
    expect(await chunksOf(incident)).toEqual([]);
    expect((await snapshot(h.store, syncs)).chunks.some((c) => c.name === "Handbook.docx")).toBe(true);
    // Nothing to retry by id; the cursor is past it, so the next incremental run is clean.
    expect(await h.store.getState(retryScope(TENANT), drive)).toBeUndefined();
    const next = await h.run({ syncs });
    expect(next.ok).toBe(true);
  });
});
