import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../src/ingest/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { DIMENSIONS, type Harness, snapshot, startHarness, TENANT } from "./harness.js";
import { withWriteSteps } from "./kill-points.js";

const PAGE_SIZE = 3;

class Crash extends Error {}

// The SIGKILL test (crash.test.ts) samples a few random points; this one stops a run just before
// each store write in turn, in-process, so every gap between two writes is covered on every run.
describe("a run stopped before any one of its store writes", () => {
  let h: Harness;
  const dirs: string[] = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("is completed by the next run exactly as an uninterrupted run", { timeout: 120_000 }, async () => {
    let writes = 0;
    const clean = await h.run({ pageSize: PAGE_SIZE, store: withWriteSteps(h.store, () => writes++) });
    expect(clean.ok).toBe(true);
    const expected = await snapshot(h.store, Object.values(h.syncIds));
    expect(writes).toBeGreaterThan(10);

    for (let stopAt = 1; stopAt <= writes; stopAt++) {
      const dir = await mkdtemp(join(tmpdir(), "clearance-stop-"));
      dirs.push(dir);
      const store = await LanceChunkStore.open({ dir, dimensions: DIMENSIONS });
      try {
        let step = 0;
        const crashing = withWriteSteps(store, () => {
          if (++step === stopAt) throw new Crash(`stopped before write ${stopAt}`);
        });
        const run = (s: LanceChunkStore) =>
          ingest({
            client: h.client,
            store: s,
            embeddings: h.embeddings,
            tenant: TENANT,
            pageSize: PAGE_SIZE,
          });
        const stopped = await run(crashing);
        expect(stopped.error?.message).toBe(`stopped before write ${stopAt}`);
        const resumed = await run(store);
        expect(resumed.ok).toBe(true);
        expect(await snapshot(store, Object.values(h.syncIds)), `stopped before write ${stopAt}`).toEqual(
          expected,
        );
      } finally {
        await store.close();
      }
    }
  });
});
