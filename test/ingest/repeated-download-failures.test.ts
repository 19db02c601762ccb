import { afterEach, describe, expect, it } from "vitest";
import { type Harness, smallCorpus, snapshot, startHarness } from "./harness.js";

// review28: a file whose download always failed the same transient way (timed out, cut off
// mid-body) was retried every run forever, so the run was never green. Like an extraction timeout,
// the same failure on 3 runs in a row is now the file's: unindexable until it changes or the
// download timeout is raised. A service failing for everyone (5xx) stays transient however long.
// The emulator's fault injection on the file's content path, over real HTTP on loopback.

describe("a download that fails the same way run after run", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** A harness with everything indexed, then Late.txt changed so each incremental run downloads it alone. */
  async function changedFile(): Promise<{ h: Harness; late: string; drive: string }> {
    // One attempt per run: the client's own retries are not what is tested here.
    h = await startHarness({
      corpus: smallCorpus({ "drive/Late.txt": "first draft of the launch plan" }),
      retries: 0,
    });
    const drive = h.syncIds.googledrive;
    expect((await h.run()).ok).toBe(true);
    const late = (await snapshot(h.store, [drive])).chunks.find((c) => c.name === "Late.txt")!.recordId;
    await h.admin("PUT", `/syncs/${drive}/files`, "second draft of the launch plan", { path: "Late.txt" });
    return { h, late, drive };
  }

  it("a download timing out on 3 runs in a row makes the file unindexable, and a larger timeout reads it again", async () => {
    const { h, late, drive } = await changedFile();
    await h.admin("PUT", "/faults", { rateSlow: 1, slowMs: 30_000, pathPattern: `${late}/content$` });
    const tight = { syncs: [drive], downloadTimeoutMs: 200 };

    for (let run = 1; run < 3; run++) {
      const failing = await h.run(tight);
      expect(failing.ok).toBe(false);
      expect(failing.failures).toEqual([expect.objectContaining({ recordId: late, code: "TIMEOUT" })]);
      expect(failing.unindexable).toEqual([]);
    }
    const third = await h.run(tight);
    expect(third.ok).toBe(true);
    expect(third.failures).toEqual([]);
    expect(third.unindexable).toEqual([expect.objectContaining({ recordId: late, code: "TIMEOUT" })]);
    expect(third.unindexable[0]?.reason).toMatch(/3 runs in a row.*ingest\.downloadTimeoutMs/);

    // Settled: not downloaded again while the file and the limits stay as they are.
    const settled = await h.run({ ...tight, mode: "full" });
    expect(settled.ok).toBe(true);
    expect(settled.failures).toEqual([]);

    await h.admin("DELETE", "/faults");
    const relaxed = await h.run({ syncs: [drive], downloadTimeoutMs: 5_000, mode: "full" });
    expect(relaxed.ok).toBe(true);
    const chunks = (await snapshot(h.store, [drive])).chunks.filter((c) => c.recordId === late);
    expect(chunks.map((c) => c.text).join(" ")).toContain("second draft");
  });

  it("a body cut off on 3 runs in a row makes the file unindexable (BODY_INCOMPLETE)", async () => {
    const { h, late, drive } = await changedFile();
    await h.admin("PUT", "/faults", { rateCut: 1, pathPattern: `${late}/content$` });
    const codes: string[] = [];
    for (let run = 1; run <= 3; run++) {
      const report = await h.run({ syncs: [drive] });
      expect(report.ok).toBe(run === 3);
      codes.push(...report.failures.map((f) => `failed ${f.code}`));
      codes.push(...report.unindexable.map((f) => `unindexable ${f.code}`));
    }
    expect(codes).toEqual([
      "failed BODY_INCOMPLETE",
      "failed BODY_INCOMPLETE",
      "unindexable BODY_INCOMPLETE",
    ]);
  });

  it("an outage (5xx) stays transient however long it lasts, and does not count towards a timeout", async () => {
    const { h, late, drive } = await changedFile();
    await h.admin("PUT", "/faults", { rate503: 1, pathPattern: `${late}/content$` });
    for (let run = 1; run <= 4; run++) {
      const report = await h.run({ syncs: [drive] });
      expect(report.ok).toBe(false);
      expect(report.failures).toEqual([expect.objectContaining({ recordId: late, code: "SERVER_ERROR" })]);
      expect(report.unindexable).toEqual([]);
    }
    // Four failed runs in a row, but this is the first timeout: retried, not judged.
    await h.admin("PUT", "/faults", { rateSlow: 1, slowMs: 30_000, pathPattern: `${late}/content$` });
    const slow = await h.run({ syncs: [drive], downloadTimeoutMs: 200 });
    expect(slow.ok).toBe(false);
    expect(slow.failures).toEqual([expect.objectContaining({ recordId: late, code: "TIMEOUT" })]);
    expect(slow.unindexable).toEqual([]);

    await h.admin("DELETE", "/faults");
    const recovered = await h.run({ syncs: [drive] });
    expect(recovered.ok).toBe(true);
    expect((await snapshot(h.store, [drive])).chunks.some((c) => c.recordId === late)).toBe(true);
  });
});
