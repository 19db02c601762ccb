import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, type Harness, smallCorpus, startHarness, TENANT } from "./harness.js";
import { longPdf } from "./long-pdf.js";

/**
 * Issue 11 item 9: a file that can never be indexed as it is (encrypted, no text, over the size
 * limit) is recorded as unindexable with its reason, listed in the report, not downloaded again
 * until its version (or the limit) changes, and does not fail the run.
 */
describe("permanent failures are recorded as unindexable, not retried, and leave the run green", () => {
  let h: Harness;
  const locked = {
    "drive/Locked/Encrypted.pdf": fixture("encrypted.pdf"),
    "drive/Locked/Blank.txt": fixture("blank.txt"),
    "drive/Locked/Oversized.txt": fixture("oversized.txt"),
  };
  const maxFileBytes = 10_000;
  let ids: Record<string, string>;
  const contentRequests = () => h.requests.filter((r) => r.endsWith("/content"));

  beforeAll(async () => {
    h = await startHarness({ corpus: smallCorpus(locked) });
    const nodes = (await h.admin("GET", `/syncs/${h.syncIds.googledrive}/nodes`)) as {
      data: { name: string; id: string }[];
    };
    ids = Object.fromEntries(nodes.data.map((n) => [n.name, n.id]));
  });
  afterAll(async () => {
    await h.close();
  });

  it("lists each with its code and reason, stores why, and reports the run ok", async () => {
    const report = await h.run({ maxFileBytes });
    expect(report.error).toBeUndefined();
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ new: 7, failed: 0, unindexable: 3 });
    const byName = Object.fromEntries(report.unindexable.map((u) => [u.name, u.code]));
    expect(byName).toEqual({
      "Encrypted.pdf": "ENCRYPTED",
      "Blank.txt": "EMPTY",
      "Oversized.txt": "TOO_LARGE",
    });
    for (const issue of report.unindexable) {
      expect(issue.syncId).toBe(h.syncIds.googledrive);
      expect(issue.reason.length).toBeGreaterThan(10);
    }
    const stored = await h.store.getRecordVersions(TENANT, h.syncIds.googledrive, [
      ids["Encrypted.pdf"]!,
      ids["Blank.txt"]!,
    ]);
    expect(stored.get(ids["Encrypted.pdf"]!)).toMatchObject({
      chunkCount: 0,
      unindexable: { code: "ENCRYPTED", reason: expect.any(String) },
    });
    expect(stored.get(ids["Blank.txt"]!)?.unindexable?.code).toBe("EMPTY");
    expect(await h.store.count({ tenant: TENANT, recordIds: Object.values(ids) })).toBeGreaterThan(0);
  });

  it("does not download them again, incremental or full, and a full run lists them again", async () => {
    h.requests.length = 0;
    const incremental = await h.run({ maxFileBytes });
    expect(incremental.ok).toBe(true);
    expect(incremental.counts.seen).toBe(0);

    const full = await h.run({ maxFileBytes, mode: "full" });
    expect(full.ok).toBe(true);
    expect(full.counts).toMatchObject({ unchanged: 7, unindexable: 3, failed: 0, embeddedTexts: 0 });
    expect(full.unindexable.map((u) => u.name).sort()).toEqual([
      "Blank.txt",
      "Encrypted.pdf",
      "Oversized.txt",
    ]);
    expect(contentRequests()).toEqual([]);
  });

  it("tries one again when its version changes", async () => {
    await h.admin("PUT", `/syncs/${h.syncIds.googledrive}/files`, fixture("report.pdf"), {
      path: "Locked/Encrypted.pdf",
    });
    h.requests.length = 0;
    const report = await h.run({ maxFileBytes });
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ seen: 1, changed: 1, unindexable: 0 });
    expect(contentRequests()).toHaveLength(1);
    const version = (
      await h.store.getRecordVersions(TENANT, h.syncIds.googledrive, [ids["Encrypted.pdf"]!])
    ).get(ids["Encrypted.pdf"]!);
    expect(version?.unindexable).toBeUndefined();
    expect(version?.chunkCount).toBeGreaterThan(0);
  });

  it("tries a too-large one again when the limit is raised", async () => {
    h.requests.length = 0;
    const report = await h.run({ maxFileBytes: 1_000_000, mode: "full" });
    expect(report.ok).toBe(true);
    // Blank.txt is judged again too (the limits it was judged under changed) and is still empty.
    expect(report.unindexable.map((u) => u.name)).toEqual(["Blank.txt"]);
    expect(report.counts).toMatchObject({ unindexable: 1 });
    expect(contentRequests().length).toBe(2);
    const oversized = ids["Oversized.txt"]!;
    expect(await h.store.count({ tenant: TENANT, recordIds: [oversized] })).toBeGreaterThan(0);
  });
});

describe("transient failures fail the run and are retried", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("a download that keeps answering 503 is a failure: ok is false and the record is retried next run", async () => {
    await h.admin("PUT", "/faults", { rate503: 1, pathPattern: "/content$" });
    const failing = await h.run();
    expect(failing.ok).toBe(false);
    expect(failing.counts).toMatchObject({ failed: 7, unindexable: 0 });
    expect(failing.unindexable).toEqual([]);

    await h.admin("DELETE", "/faults");
    const recovered = await h.run();
    expect(recovered.ok).toBe(true);
    expect(recovered.counts.new).toBe(7);
  });
});

describe("an extraction that keeps timing out", () => {
  let h: Harness;
  beforeAll(async () => {
    // One file whose parsing surely takes more than a millisecond even in a warm worker (test
    // files share the process-wide extraction pool, and a one-page PDF can come back before a 1 ms
    // timer fires): 40 pages for pdf.js. Each timeout costs a worker restart, so one file.
    const corpus = smallCorpus();
    corpus.files = { "drive/Report.pdf": await longPdf(40) };
    h = await startHarness({ corpus });
  });
  afterAll(async () => {
    await h.close();
  });

  it("fails the run twice, is judged unindexable on the third run in a row, and is read again when the timeout is raised", async () => {
    // 1 ms: no real file is parsed that fast, so every extraction misses its deadline.
    const tight = { extractTimeoutMs: 1 };
    const first = await h.run(tight);
    expect(first.ok).toBe(false);
    expect(first.failures.map((f) => f.code)).toEqual(["TIMEOUT"]);
    expect(first.counts.unindexable).toBe(0);

    const second = await h.run(tight);
    expect(second.ok).toBe(false);
    expect(second.counts.failed).toBe(1);

    const third = await h.run(tight);
    expect(third.ok).toBe(true);
    expect(third.counts).toMatchObject({ failed: 0, unindexable: 1 });
    expect(third.unindexable[0]?.reason).toMatch(/3 runs in a row.*extractTimeoutMs/);

    h.requests.length = 0;
    const fourth = await h.run({ ...tight, mode: "full" });
    expect(fourth.ok).toBe(true);
    expect(h.requests.filter((r) => r.endsWith("/content"))).toEqual([]);

    const relaxed = await h.run({ extractTimeoutMs: 60_000, mode: "full" });
    expect(relaxed.ok).toBe(true);
    expect(relaxed.counts.unindexable).toBe(0);
    expect(relaxed.counts.changed).toBe(1);
  });
});
