import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retryScope } from "../../src/ingest/retry-list.js";
import { type Harness, smallCorpus, snapshot, startHarness, TENANT } from "./harness.js";
import { longPdf } from "./long-pdf.js";

// A record the Sync API served malformed fails each run and stays on the retry list, whose count
// is also "runs in a row whose extraction timed out" (three make a timeout permanent). So once
// Paragon fixed the record, a single timeout on a busy machine judged the good file unindexable
// "the same on 3 runs in a row", kept it out of the index, and left the run green.
describe("a record served malformed for a while, then read fine but slowly", () => {
  let h: Harness;
  let drive: string;
  let report: string;
  beforeAll(async () => {
    const corpus = smallCorpus();
    // 40 pages: pdf.js never parses it within the 1 ms deadline below.
    corpus.files = { "drive/Report.pdf": await longPdf(40) };
    h = await startHarness({ corpus });
    drive = h.syncIds.googledrive;
    expect((await h.run({ syncs: [drive] })).ok).toBe(true);
    const { chunks } = await snapshot(h.store, [drive]);
    report = chunks.find((c) => c.name === "Report.pdf")!.recordId;
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it("times out as a first failure to retry, not as the third in a row", { timeout: 120_000 }, async () => {
    // Changed (so the incremental pull returns it), and served malformed.
    await h.admin("PUT", `/syncs/${drive}/files`, await longPdf(41), { path: "Report.pdf" });
    await h.admin("PUT", `/syncs/${drive}/malformed/${report}`, { createdAt: 1733600000 });
    for (let run = 0; run < 2; run++) {
      const malformed = await h.run({ syncs: [drive] });
      expect(malformed.failures.map((f) => f.code)).toEqual(["INVALID_RESPONSE"]);
    }
    expect(JSON.parse((await h.store.getState(retryScope(TENANT), drive)) ?? "{}")).toHaveProperty(report);

    await h.admin("DELETE", `/syncs/${drive}/malformed/${report}`);
    const slow = await h.run({ syncs: [drive], extractTimeoutMs: 1 });
    expect(slow.unindexable).toEqual([]);
    expect(slow.ok).toBe(false);
    expect(slow.failures).toEqual([expect.objectContaining({ recordId: report, code: "TIMEOUT" })]);
    expect(slow.failures[0]?.reason).not.toMatch(/runs in a row/);

    const relaxed = await h.run({ syncs: [drive] });
    expect(relaxed.ok).toBe(true);
    expect((await snapshot(h.store, [drive])).chunks.some((c) => c.recordId === report)).toBe(true);
  });
});
