import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, snapshot, startHarness, TENANT } from "./harness.js";

const contentRequests = (h: Harness) => h.requests.filter((r) => r.endsWith("/content"));

describe("ingest against the emulator and the embedded store", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("turns every text-bearing file into chunks tagged with tenant, sync and record", async () => {
    const report = await h.run();

    expect(report.ok).toBe(true);
    expect(report.error).toBeUndefined();
    expect(report.syncs.map((s) => s.status)).toEqual(["completed", "completed"]);
    // 7 text-bearing files; the PNG and the folders are skipped with a reason.
    expect(report.counts.new).toBe(7);
    expect(report.counts.failed).toBe(0);
    expect(report.skips.map((s) => s.code)).toContain("UNSUPPORTED_TYPE");
    expect(report.skips.filter((s) => s.code === "UNSUPPORTED_TYPE").map((s) => s.name)).toEqual([
      "Logo.png",
    ]);
    expect(report.counts.skipped).toBe(report.skips.length);
    expect(report.counts.seen).toBe(report.counts.new + report.counts.skipped);
    expect(report.counts.embeddedTexts).toBe(report.counts.chunksWritten);
    expect(report.counts.embeddingCalls).toBeGreaterThan(0);

    const snap = await snapshot(h.store, Object.values(h.syncIds));
    expect(snap.chunks.length).toBe(report.counts.chunksWritten);
    expect(new Set(snap.chunks.map((c) => c.name))).toEqual(
      new Set([
        "Architecture overview.md",
        "Incident.md",
        "Quarterly report.pdf",
        "Handbook.docx",
        "People.csv",
        "Notes.txt",
        "Project.json",
      ]),
    );
    expect(snap.versions).toHaveLength(7);
    for (const v of snap.versions) {
      expect(snap.chunks.filter((c) => c.recordId === v.recordId)).toHaveLength(v.chunkCount);
    }
    expect(snap.cursors[h.syncIds.googledrive]).toBeTruthy();
    expect(snap.cursors[h.syncIds.sharepoint]).toBeTruthy();

    const hits = await h.store.search(await h.embeddings.embedQuery("quarterly report"), {
      tenant: TENANT,
      limit: 50,
    });
    const pdf = hits.find((hit) => hit.chunk.metadata.name === "Quarterly report.pdf");
    expect(pdf?.chunk.metadata).toMatchObject({
      integration: "googledrive",
      mimeType: "application/pdf",
      page: 1,
    });
    expect(pdf?.chunk.syncId).toBe(h.syncIds.googledrive);
  });

  it("a second run over an unchanged drive embeds and downloads nothing, incremental or full", async () => {
    await h.run();
    const before = await snapshot(h.store, Object.values(h.syncIds));
    h.requests.length = 0;

    const incremental = await h.run();
    expect(incremental.counts.embeddingCalls).toBe(0);
    expect(incremental.counts.seen).toBe(0);
    expect(contentRequests(h)).toEqual([]);

    const full = await h.run({ mode: "full" });
    expect(full.ok).toBe(true);
    expect(full.counts.embeddingCalls).toBe(0);
    expect(full.counts.unchanged).toBe(7);
    expect(full.counts.deleted).toBe(0);
    expect(contentRequests(h)).toEqual([]);
    expect(await snapshot(h.store, Object.values(h.syncIds))).toEqual(before);
  });

  it("an edited file is re-embedded and its old chunks leave; nothing else is touched", async () => {
    await h.run();
    const before = await snapshot(h.store, Object.values(h.syncIds));
    await h.admin(
      "PUT",
      `/syncs/${h.syncIds.googledrive}/files`,
      "# Architecture\n\nNow with a write-ahead log.\n",
      {
        path: "Engineering/Architecture overview.md",
      },
    );

    const report = await h.run();
    expect(report.counts).toMatchObject({ seen: 1, changed: 1, new: 0, unchanged: 0, embeddedTexts: 1 });
    const after = await snapshot(h.store, Object.values(h.syncIds));
    const texts = after.chunks.filter((c) => c.name === "Architecture overview.md").map((c) => c.text);
    expect(texts).toEqual(["# Architecture\n\nNow with a write-ahead log."]);
    const untouched = (s: typeof before) => s.chunks.filter((c) => c.name !== "Architecture overview.md");
    expect(untouched(after)).toEqual(untouched(before));
  });

  it("a renamed file only has its metadata patched: no download, no embedding, same chunk ids", async () => {
    await h.run();
    const before = await snapshot(h.store, Object.values(h.syncIds));
    h.requests.length = 0;
    await h.admin("POST", `/syncs/${h.syncIds.googledrive}/move`, {
      from: "HR/Handbook.docx",
      to: "Company/Employee handbook.docx",
    });

    const report = await h.run();
    expect(report.counts).toMatchObject({ seen: 1, metadataOnly: 1, embeddingCalls: 0 });
    expect(contentRequests(h)).toEqual([]);
    const after = await snapshot(h.store, Object.values(h.syncIds));
    expect(after.chunks.map((c) => c.id)).toEqual(before.chunks.map((c) => c.id));
    const renamed = after.chunks.filter((c) => c.name === "Employee handbook.docx");
    expect(renamed.length).toBe(before.chunks.filter((c) => c.name === "Handbook.docx").length);
    expect(after.chunks.some((c) => c.name === "Handbook.docx")).toBe(false);
  });

  it("a deleted file leaves the store in the next full run, not before", async () => {
    await h.run();
    await h.admin("DELETE", `/syncs/${h.syncIds.sharepoint}/files`, undefined, { path: "Notes/Notes.txt" });

    // Deleted records drop out of pulls: only the reconciliation pass can notice them.
    const incremental = await h.run();
    expect(incremental.counts.deleted).toBe(0);
    expect(
      (await snapshot(h.store, Object.values(h.syncIds))).chunks.some((c) => c.name === "Notes.txt"),
    ).toBe(true);

    const full = await h.run({ mode: "full" });
    expect(full.counts.deleted).toBe(1);
    expect(full.counts.embeddingCalls).toBe(0);
    const after = await snapshot(h.store, Object.values(h.syncIds));
    expect(after.chunks.some((c) => c.name === "Notes.txt")).toBe(false);
    expect(after.versions).toHaveLength(6);
    expect(after.chunks.some((c) => c.name === "Project.json")).toBe(true);
  });
});
