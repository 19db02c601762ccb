import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, smallCorpus, snapshot, startHarness } from "./harness.js";
import { inflatingPdf } from "./inflating-pdf.js";

const MB = 1024 * 1024;

// Review28 D2: a 1 MB PDF inflated to 2 GB in the extraction worker's buffers (outside its heap
// limit); an out-of-memory kill records nothing, so every rerun would die on the same file.
describe("a PDF whose streams inflate past maxUncompressedBytes, in a sync", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      corpus: smallCorpus({
        // 200 KB on disk, 200 MB inflated: three times the limit the run sets.
        "drive/Engineering/Reports/Annual bomb.pdf": await inflatingPdf(200),
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is unindexable as ZIP_BOMB, and the run goes on to read the PDF after it", async () => {
    const report = await h.run({ maxUncompressedBytes: 64 * MB, concurrency: 1 });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.unindexable.map(({ name, code }) => ({ name, code }))).toEqual([
      { name: "Annual bomb.pdf", code: "ZIP_BOMB" },
    ]);
    expect(report.unindexable[0]?.reason).toMatch(/67108864-byte limit.*raise maxUncompressedBytes/);
    const { chunks } = await snapshot(h.store, Object.values(h.syncIds));
    expect(chunks.some((chunk) => chunk.name === "Annual bomb.pdf")).toBe(false);
    expect(chunks.find((chunk) => chunk.name === "Quarterly report.pdf")?.text).toContain("quarterly report");

    // The verdict stands: the next run neither reads the file again nor fails on it.
    const again = await h.run({ maxUncompressedBytes: 64 * MB, concurrency: 1 });
    expect(again.ok).toBe(true);
    expect(again.failures).toEqual([]);
  });
});
