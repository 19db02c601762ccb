import { afterEach, describe, expect, it, vi } from "vitest";
import { SyncCatalog, type SyncDescription } from "../../src/access/index.js";

/**
 * A fake of `client.syncs` (the catalog's whole port): the tenant's syncs as the test sets them,
 * the listings it answered, and a switch to make it fail.
 */
function fakeSyncs(...initial: string[]) {
  const state = { ids: [...initial], calls: 0, failing: false };
  return {
    state,
    list: async (): Promise<SyncDescription[]> => {
      state.calls += 1;
      await new Promise((resolve) => setImmediate(resolve));
      if (state.failing) throw new Error("connect ECONNREFUSED");
      return state.ids.map((id) => ({ id, pipeline: "files" }));
    },
  };
}

let now = 1_000_000;
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

afterEach(() => vi.restoreAllMocks());

describe("SyncCatalog", () => {
  it("answers a stale listing at once and refreshes it for the next query: a new sync shows within the TTL", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const syncs = fakeSyncs("drive");
    const catalog = new SyncCatalog(syncs, { ttlMs: 30_000, maxStaleMs: 300_000 });
    expect(await catalog.syncIds()).toEqual(["drive"]);
    syncs.state.ids.push("sharepoint");
    now += 10_000;
    expect(await catalog.syncIds()).toEqual(["drive"]);
    expect(syncs.state.calls).toBe(1);
    now += 25_000;
    // Stale: this query is not held up by the listing; it starts one.
    expect(await catalog.syncIds()).toEqual(["drive"]);
    await settle();
    expect(syncs.state.calls).toBe(2);
    expect(await catalog.syncIds()).toEqual(["drive", "sharepoint"]);
  });

  it("keeps answering while a refresh fails within maxStaleMs, then fails closed", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const syncs = fakeSyncs("drive");
    const catalog = new SyncCatalog(syncs, { ttlMs: 30_000, maxStaleMs: 60_000 });
    await catalog.syncIds();
    syncs.state.failing = true;
    now += 40_000;
    expect(await catalog.syncIds()).toEqual(["drive"]);
    await settle();
    now += 60_000;
    await expect(catalog.syncIds()).rejects.toMatchObject({ code: expect.stringMatching(/^PERMISSIONS_/) });
  });

  it("waits for a listing once the last one is older than ttlMs + maxStaleMs", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const syncs = fakeSyncs("drive");
    const catalog = new SyncCatalog(syncs, { ttlMs: 30_000, maxStaleMs: 60_000 });
    await catalog.syncIds();
    syncs.state.ids = ["drive", "box"];
    now += 100_000;
    expect(await catalog.syncIds()).toEqual(["drive", "box"]);
  });
});
