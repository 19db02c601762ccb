import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ingestCommand } from "../../src/cli/commands/ingest.js";
import type { IngestReport } from "../../src/ingest/index.js";
import type { TenantsIngestReport } from "../../src/tenants/index.js";
import { type Harness, smallCorpus, startHarness, TENANT } from "./harness.js";
import { bigHtml } from "./text/fixture-files.js";

// Issue 11 item 10: ingest.extractTimeoutMs and ingest.maxUncompressedBytes were parsed, then dropped.
describe("extraction limits from options and config reach the extractor", () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-extract-limits-"));
    h = await startHarness({
      // ~19 MB: html-to-text parses it for over 3 s on a quiet machine (16 MB took 3 s, half of it
      // 2.3 s at load 5), so the 1 s deadline always ends it first; every other file parses in
      // milliseconds. (10 MB finished under 2 s on a quiet machine and came back TOO_LONG.)
      corpus: smallCorpus({ "drive/Archive/Archive.html": bigHtml(200_000) }),
    });
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  // The handbook inflates to 33 KB; the other OOXML file (none here) and the text files are unaffected.
  const limits = { extractTimeoutMs: 1000, maxUncompressedBytes: 10_000 };

  /**
   * Files not indexed by name, with the code and the limit the reason names: the timeout as a
   * (transient) failure, the zip bomb as unindexable (permanent, issue 11 item 9).
   */
  const failuresOf = (report: IngestReport) =>
    Object.fromEntries(
      [...report.failures, ...report.unindexable].map((failure) => [
        failure.name,
        `${failure.code} ${failure.reason.match(/(1000 ms|10000-byte)/)?.[0] ?? failure.reason}`,
      ]),
    );
  const expected = { "Archive.html": "TIMEOUT 1000 ms", "Handbook.docx": "ZIP_BOMB 10000-byte" };

  it("ingest() stops a slow parser at extractTimeoutMs and a zip past maxUncompressedBytes", async () => {
    const report = await h.run(limits);
    expect(failuresOf(report)).toEqual(expected);
    expect(report.failures.map((f) => f.code)).toEqual(["TIMEOUT"]);
    expect(report.unindexable.map((f) => f.code)).toEqual(["ZIP_BOMB"]);
    expect(report.counts.new).toBe(6);
  });

  it("clearance ingest takes both from the config file's ingest section", async () => {
    const file = join(dir, "clearance.yaml");
    await writeFile(
      file,
      [
        `tenant: ${TENANT}`,
        "managedSync:",
        `  baseUrl: ${h.emulator.url}`,
        `  token: ${await h.emulator.tokenFor(TENANT)}`,
        "store:",
        "  kind: lancedb",
        `  dir: ${join(dir, "store")}`,
        "ingest:",
        `  extractTimeoutMs: ${limits.extractTimeoutMs}`,
        `  maxUncompressedBytes: ${limits.maxUncompressedBytes}`,
      ].join("\n"),
    );
    let stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    try {
      await ingestCommand().parseAsync(["--config", file, "--json"], { from: "user" });
    } finally {
      vi.restoreAllMocks();
      process.exitCode = undefined;
    }
    const { tenants } = JSON.parse(stdout) as TenantsIngestReport;
    expect(tenants.map(failuresOf)).toEqual([expected]);
  });
});
