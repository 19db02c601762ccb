import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestReport } from "../../src/ingest/index.js";
import { detectFormat } from "../../src/ingest/text/index.js";
import { isFolder } from "../../src/managed-sync/index.js";
import { type Harness, snapshot, startHarness } from "./harness.js";

describe("ingest of the example corpus (examples/corpus)", () => {
  let h: Harness;
  let report: IngestReport;
  beforeAll(async () => {
    h = await startHarness({ corpusDir: join(import.meta.dirname, "../../examples/corpus") });
    report = await h.run();
  });
  afterAll(async () => {
    await h.close();
  });

  it("turns every text-bearing file of both syncs into chunks, and skips the rest with a reason", async () => {
    expect(report.error).toBeUndefined();
    expect(report.failures).toEqual([]);
    const snap = await snapshot(h.store, Object.values(h.syncIds));
    const chunked = new Set(snap.chunks.map((c) => c.recordId));

    let textBearing = 0;
    for (const syncId of Object.values(h.syncIds)) {
      for await (const page of h.client.records.pages(syncId)) {
        for (const record of page.records) {
          const file = record as { id: string; name?: string; mimeType?: string };
          if (isFolder(file)) continue;
          const readable = detectFormat(file.mimeType ?? "", file.name ?? "") !== undefined;
          if (readable) textBearing++;
          expect(chunked.has(file.id), `${file.name} ${readable ? "has" : "has no"} chunks`).toBe(readable);
        }
      }
    }
    expect(textBearing).toBeGreaterThan(40);
    const files = report.syncs.filter((s) => s.pipeline === "files");
    expect(files.reduce((n, s) => n + s.counts.new, 0)).toBe(textBearing);
    // The CRM and ticketing syncs: every record rendered to text (test/ingest/crm-emulator.test.ts).
    for (const sync of report.syncs.filter((s) => s.pipeline !== "files")) {
      expect(sync.counts.new, sync.pipeline).toBe(sync.counts.seen);
      expect(sync.counts.seen, sync.pipeline).toBeGreaterThan(10);
    }
    expect(new Set(report.skips.map((s) => s.code))).toEqual(new Set(["FOLDER", "UNSUPPORTED_TYPE"]));
    const unsupported = report.skips.filter((s) => s.code === "UNSUPPORTED_TYPE").map((s) => s.name ?? "");
    expect(unsupported.length).toBeGreaterThan(0);
    for (const name of unsupported) expect(name).toMatch(/\.png$/);
  });

  it("a second run over the unchanged corpus makes zero embedding calls", async () => {
    const second = await h.run({ mode: "full" });
    expect(second.ok).toBe(true);
    expect(second.counts.embeddingCalls).toBe(0);
    expect(second.counts.unchanged).toBe(report.counts.new);
  });
});
