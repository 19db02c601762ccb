import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestSource } from "../../src/ingest/index.js";
import { type Harness, startHarness, TENANT } from "./harness.js";

/**
 * Issue 11 item 5 (ingest part): a sync deleted in Managed Sync leaves its chunks in the store
 * forever (denied at query time, never purged). Ingest reconciles the syncs it has stored with
 * the ones Managed Sync lists, and purges one only once `GET /api/syncs/{id}` confirms it is gone.
 */
describe("a sync Managed Sync no longer has", () => {
  let h: Harness;
  let drive: string;
  let sharepoint: string;
  const chunksIn = (syncId: string) => h.store.count({ tenant: TENANT, syncIds: [syncId] });

  beforeAll(async () => {
    h = await startHarness();
    ({ googledrive: drive, sharepoint } = h.syncIds);
    const first = await h.run();
    expect(first.ok).toBe(true);
    expect(await chunksIn(sharepoint)).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await h.close();
  });

  it("is kept while it is only missing from a listing (not confirmed gone)", async () => {
    // A listing that leaves a sync out (a partial answer) while the sync itself still exists.
    const partial: IngestSource = {
      ...h.client,
      syncs: {
        list: async (options) => (await h.client.syncs.list(options)).filter((s) => s.id !== sharepoint),
        get: (...args) => h.client.syncs.get(...args),
      },
      records: h.client.records,
    };
    const report = await h.run({ client: partial });
    expect(report.ok).toBe(true);
    expect(report.removedSyncs).toEqual([]);
    expect(await chunksIn(sharepoint)).toBeGreaterThan(0);
  });

  it("is not reconciled by a run limited to some syncs", async () => {
    await h.client.syncs.delete(sharepoint);
    const report = await h.run({ syncs: [drive] });
    expect(report.removedSyncs).toEqual([]);
    expect(await chunksIn(sharepoint)).toBeGreaterThan(0);
  });

  it("is purged by the next run once confirmed deleted: chunks, record versions, cursor", async () => {
    const before = await chunksIn(sharepoint);
    const report = await h.run();
    expect(report.ok).toBe(true);
    expect(report.removedSyncs).toEqual([{ syncId: sharepoint, chunks: before }]);
    expect(await chunksIn(sharepoint)).toBe(0);
    const versions = [];
    for await (const v of h.store.recordVersions(TENANT, sharepoint)) versions.push(v);
    expect(versions).toEqual([]);
    expect(await h.store.getSyncState(TENANT, sharepoint)).toBeUndefined();
    // The other sync is untouched, and the next run has nothing left to purge.
    expect(await chunksIn(drive)).toBeGreaterThan(0);
    expect((await h.run()).removedSyncs).toEqual([]);
  });
});
