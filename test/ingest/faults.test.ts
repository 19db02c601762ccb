import { afterEach, describe, expect, it } from "vitest";
import { leaseName } from "../../src/ingest/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { fixture, type Harness, smallCorpus, snapshot, startHarness, TENANT } from "./harness.js";

const bad = {
  "drive/Broken/Corrupted.pdf": fixture("corrupted.pdf"),
  "drive/Broken/Bomb.docx": fixture("bomb.docx"),
  "drive/Broken/Empty.txt": fixture("empty.txt"),
  "drive/Broken/Oversized.txt": fixture("oversized.txt"),
};

describe("ingest when files are bad or the service misbehaves", () => {
  const harnesses: Harness[] = [];
  const start = async (...args: Parameters<typeof startHarness>) => {
    const h = await startHarness(...args);
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });

  it("records a corrupted PDF, a zip bomb, a 0-byte file and an oversized file as unindexable and ingests the rest", async () => {
    const h = await start({ corpus: smallCorpus(bad) });
    const report = await h.run({ maxFileBytes: 10_000 });

    // Permanent: listed with their reasons, but the run is green (issue 11 item 9).
    expect(report.ok).toBe(true);
    expect(report.error).toBeUndefined();
    expect(report.counts.new).toBe(7);
    expect(report.counts.failed).toBe(0);
    expect(report.counts.unindexable).toBe(4);
    const byName = Object.fromEntries(report.unindexable.map((f) => [f.name, f.code]));
    expect(byName).toEqual({
      "Corrupted.pdf": "MALFORMED",
      "Bomb.docx": "ZIP_BOMB",
      "Empty.txt": "EMPTY",
      "Oversized.txt": "TOO_LARGE",
    });
    for (const issue of report.unindexable) {
      expect(issue.syncId).toBe(h.syncIds.googledrive);
      expect(issue.reason.length).toBeGreaterThan(10);
    }
    const snap = await snapshot(h.store, Object.values(h.syncIds));
    expect(snap.versions.filter((v) => v.chunkCount > 0)).toHaveLength(7);
    expect(snap.versions.filter((v) => v.chunkCount === 0)).toHaveLength(4);
    expect(snap.chunks.some((c) => c.name.startsWith("Corrupted") || c.name.startsWith("Bomb"))).toBe(false);
  });

  it("retries transiently failed records on the next run even though the cursor moved past them", async () => {
    const h = await start({ corpus: smallCorpus({ "drive/Flaky/Late.pdf": fixture("report.pdf") }) });
    const nodes = (await h.admin("GET", `/syncs/${h.syncIds.googledrive}/nodes`)) as {
      data: { name: string; id: string }[];
    };
    const late = nodes.data.find((n) => n.name === "Late.pdf")!.id;
    await h.admin("PUT", "/faults", { rate503: 1, pathPattern: `${late}/content$` });
    const first = await h.run();
    expect(first.ok).toBe(false);
    expect(first.counts.failed).toBe(1);

    const again = await h.run();
    expect(again.counts).toMatchObject({ seen: 1, failed: 1, new: 0 });

    // The service recovers: the retry finds the record without any new pull from the cursor.
    await h.admin("DELETE", "/faults");
    const recovered = await h.run();
    expect(recovered.ok).toBe(true);
    expect(recovered.counts).toMatchObject({ seen: 1, new: 1 });

    const settled = await h.run();
    expect(settled.counts.seen).toBe(0);
  });

  it("a download that keeps failing is a per-record failure, retried once the service recovers", async () => {
    const h = await start();
    const clean = await start();
    await clean.run();
    await h.admin("PUT", "/faults", { rate503: 1, pathPattern: "/content$" });

    const failing = await h.run();
    expect(failing.error).toBeUndefined();
    expect(failing.counts.failed).toBe(7);
    expect(new Set(failing.failures.map((f) => f.code))).toEqual(new Set(["SERVER_ERROR"]));
    expect(failing.syncs.every((s) => s.status === "completed")).toBe(true);

    await h.admin("DELETE", "/faults");
    const recovered = await h.run();
    expect(recovered.ok).toBe(true);
    expect(recovered.counts.new).toBe(7);
    const ids = Object.values(h.syncIds);
    expect((await snapshot(h.store, ids)).chunks).toEqual((await snapshot(clean.store, ids)).chunks);
  });

  it("429, 503, slow and cut-off responses are retried: the store ends as a clean run's", async () => {
    const clean = await start();
    await clean.run();
    // Half of all requests faulted; 14 retries make a record failing outright a 1-in-30,000 event.
    const h = await start({
      faults: {
        rate429: 0.15,
        retryAfterSeconds: 0,
        rate503: 0.15,
        rateSlow: 0.05,
        slowMs: 20,
        rateCut: 0.15,
        seed: 7,
      },
      retries: 14,
    });

    const report = await h.run({ pageSize: 3 });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.new).toBe(7);
    const faults = (await h.admin("GET", "/faults")) as { counts: Record<string, number> };
    expect(faults.counts["429"]).toBeGreaterThan(0);
    expect(faults.counts["503"]).toBeGreaterThan(0);
    expect(faults.counts.cut).toBeGreaterThan(0);
    expect(await snapshot(h.store, Object.values(h.syncIds))).toEqual(
      await snapshot(clean.store, Object.values(clean.syncIds)),
    );
  });

  it("a pull that keeps failing aborts that sync at its last durable page; the rerun resumes there", async () => {
    const h = await start();
    await h.admin("PUT", "/faults", { rate503: 1, pathPattern: "/records$" });

    const report = await h.run();
    expect(report.ok).toBe(false);
    expect(report.syncs.map((s) => s.status)).toEqual(["aborted", "aborted"]);
    expect(report.syncs[0]?.error?.code).toBe("SERVER_ERROR");
    expect((await h.store.getSyncState(TENANT, h.syncIds.googledrive))?.cursor).toBeUndefined();

    await h.admin("DELETE", "/faults");
    const rerun = await h.run();
    expect(rerun.ok).toBe(true);
    expect(rerun.counts.new).toBe(7);
  });

  it("skips a sync whose lease another run holds, and ingests the others", async () => {
    const h = await start();
    const lease = leaseName(TENANT, h.syncIds.googledrive);
    expect(await h.store.acquireLease(lease, "another-worker", 60_000)).toBe(true);

    const report = await h.run();
    const drive = report.syncs.find((s) => s.syncId === h.syncIds.googledrive);
    expect(drive?.status).toBe("locked");
    expect(drive?.error?.code).toBe("INGEST_LOCKED");
    expect(report.syncs.find((s) => s.syncId === h.syncIds.sharepoint)?.status).toBe("completed");
    expect(report.ok).toBe(true);
    expect(await h.store.count({ tenant: TENANT, syncIds: [h.syncIds.googledrive] })).toBe(0);

    await h.store.releaseLease(lease, "another-worker");
    expect((await h.run()).syncs.map((s) => s.status)).toEqual(["completed", "completed"]);
  });

  it("takes over the lease of a run that died once it expires", async () => {
    const h = await start();
    expect(await h.store.acquireLease(leaseName(TENANT, h.syncIds.googledrive), "dead-worker", 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));

    const report = await h.run();
    expect(report.syncs.map((s) => s.status)).toEqual(["completed", "completed"]);
  });

  it("stops writing to a sync whose lease it lost, and goes on with the others", async () => {
    const h = await start();
    // Renewals fail (another run took the lease after it lapsed); the first write outlasts a third
    // of the TTL, so the check before the cursor write must renew, and learns the lease is gone.
    let slowed = false;
    const store = Object.create(h.store, {
      renewLease: {
        value: async (name: string, holder: string, ttlMs: number) =>
          name === leaseName(TENANT, h.syncIds.googledrive) ? false : h.store.renewLease(name, holder, ttlMs),
      },
      upsert: {
        value: async (...args: Parameters<typeof h.store.upsert>) => {
          if (!slowed) {
            slowed = true;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
          return h.store.upsert(...args);
        },
      },
    }) as typeof h.store;

    const report = await h.run({ store, leaseTtlMs: 1000 });
    expect(report.syncs.map((s) => [s.status, s.error?.code])).toEqual([
      ["aborted", "INGEST_LEASE_LOST"],
      ["completed", undefined],
    ]);
    expect(report.ok).toBe(false);
    expect((await h.store.getSyncState(TENANT, h.syncIds.googledrive))?.cursor).toBeUndefined();
  });

  it("two runs started together never work on the same sync at once, and the store ends as one clean run's", async () => {
    const clean = await start();
    await clean.run();
    const h = await start();

    const [a, b] = await Promise.all([h.run({ holder: "worker-a" }), h.run({ holder: "worker-b" })]);
    for (const syncId of Object.values(h.syncIds)) {
      const statuses = [a, b].map((r) => r.syncs.find((s) => s.syncId === syncId)?.status);
      expect(statuses).toContain("completed");
    }
    expect(a.counts.new + b.counts.new).toBe(7);
    const ids = Object.values(h.syncIds);
    expect(await snapshot(h.store, ids)).toEqual(await snapshot(clean.store, ids));
  });

  it("rejected credentials stop the run with a report error", async () => {
    const h = await start();
    const client = new ManagedSyncClient({ baseUrl: h.emulator.url, auth: { token: "not-a-jwt" } });

    const report = await h.run({ client });
    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe("UNAUTHORIZED");
    expect(report.syncs).toEqual([]);
  });

  it("a store that fails stops the run without saving a cursor", async () => {
    const h = await start();
    const failing = Object.create(h.store, {
      upsert: { value: () => Promise.reject(new Error("disk full")) },
    }) as typeof h.store;

    const report = await h.run({ store: failing });
    expect(report.ok).toBe(false);
    expect(report.error?.message).toBe("disk full");
    expect(report.syncs[0]?.status).toBe("aborted");
    expect((await h.store.getSyncState(TENANT, h.syncIds.googledrive))?.cursor).toBeUndefined();
  });

  it("an aborted run stops with ABORTED and the next run finishes the job", async () => {
    const clean = await start();
    await clean.run();
    const h = await start();
    const abort = new AbortController();

    const stopped = await h.run({
      pageSize: 2,
      signal: abort.signal,
      onProgress: (event) => {
        if (event.type === "page-done") abort.abort();
      },
    });
    expect(stopped.ok).toBe(false);
    expect(stopped.error?.code).toBe("ABORTED");
    expect(stopped.counts.new).toBeLessThan(7);

    const resumed = await h.run();
    expect(resumed.ok).toBe(true);
    const ids = Object.values(h.syncIds);
    expect((await snapshot(h.store, ids)).chunks).toEqual((await snapshot(clean.store, ids)).chunks);
  });

  it("names an unknown sync instead of ingesting nothing silently", async () => {
    const h = await start();
    const report = await h.run({ syncs: ["no-such-sync"] });
    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe("INGEST_UNKNOWN_SYNC");
  });

  it("rejects unusable options before touching anything", async () => {
    const h = await start();
    await expect(h.run({ chunkSize: 200, chunkOverlap: 300 })).rejects.toThrow(/chunkOverlap/);
    await expect(h.run({ tenant: "" })).rejects.toMatchObject({ code: "INGEST_OPTIONS_INVALID" });
  });
});
