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

/**
 * A fake of `client.syncs` whose listings answer only when released: each answers the syncs as
 * they were when it was asked for (as the server would), and one asked with a signal fails as the
 * HTTP client does when that signal fires.
 */
function heldSyncs(...initial: string[]) {
  const state = {
    ids: [...initial],
    held: [] as Array<() => void>,
    signals: [] as Array<AbortSignal | undefined>,
  };
  return {
    state,
    releaseAll: () => {
      for (const release of state.held.splice(0)) release();
    },
    list: (options: { signal?: AbortSignal } = {}): Promise<SyncDescription[]> => {
      const asked = [...state.ids];
      state.signals.push(options.signal);
      return new Promise((resolve, reject) => {
        options.signal?.addEventListener(
          "abort",
          () => reject(Object.assign(new Error("This operation was aborted"), { name: "AbortError" })),
          { once: true },
        );
        state.held.push(() => resolve(asked.map((id) => ({ id, pipeline: "files" }))));
      });
    },
  };
}

describe("SyncCatalog's shared listing", () => {
  it("is not failed for everyone waiting on it when the caller that started it leaves", async () => {
    const syncs = heldSyncs("drive");
    const catalog = new SyncCatalog(syncs);
    const leaving = new AbortController();
    const first = catalog.syncIds(leaving.signal);
    const second = catalog.syncIds();
    leaving.abort();
    await expect(first).rejects.toMatchObject({ code: "PERMISSIONS_ABORTED" });
    syncs.releaseAll();
    expect(await second).toEqual(["drive"]);
    expect(syncs.state.signals).toEqual([undefined]);
  });

  it("stops the wait of a caller that joined it as soon as that caller's own signal fires", async () => {
    const syncs = heldSyncs("drive");
    const catalog = new SyncCatalog(syncs);
    const first = catalog.syncIds();
    const leaving = new AbortController();
    const second = catalog.syncIds(leaving.signal);
    leaving.abort();
    const outcome = await Promise.race([
      second.then(
        () => "answered",
        (error: { code?: string }) => error.code,
      ),
      settle().then(() => "still waiting"),
    ]);
    expect(outcome).toBe("PERMISSIONS_ABORTED");
    syncs.releaseAll();
    expect(await first).toEqual(["drive"]);
  });

  it("confirmGone lists again after the 404 even while a background refresh asked before it is on its way, and that refresh answering late does not bring the sync back", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const syncs = heldSyncs("drive", "old");
    const catalog = new SyncCatalog(syncs, { ttlMs: 30_000, maxStaleMs: 300_000 });
    const loading = catalog.syncIds();
    syncs.releaseAll();
    await loading;
    now += 40_000;
    // Stale: answered at once, a refresh starts (and is slow).
    expect(await catalog.syncIds()).toEqual(["drive", "old"]);
    const slowRefresh = syncs.state.held.splice(0);
    // The sync is deleted; its Permissions API answers 404.
    syncs.state.ids = ["drive"];
    now += 2_000;
    const gone = catalog.confirmGone("old");
    await settle();
    syncs.releaseAll();
    // Raced: joined to the slow refresh, it would wait for a listing that still names the sync.
    expect(await Promise.race([gone, settle().then(() => "still waiting")])).toBe(true);
    for (const release of slowRefresh) release();
    await settle();
    expect(await catalog.syncIds()).toEqual(["drive"]);
  });

  it("describe looks again for a sync enabled after a background refresh on its way was asked for", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const syncs = heldSyncs("drive");
    const catalog = new SyncCatalog(syncs, { ttlMs: 30_000, maxStaleMs: 300_000 });
    const loading = catalog.syncIds();
    syncs.releaseAll();
    await loading;
    now += 40_000;
    await catalog.syncIds();
    const slowRefresh = syncs.state.held.splice(0);
    syncs.state.ids = ["drive", "box"];
    now += 2_000;
    const described = catalog.describe("box");
    await settle();
    for (const release of slowRefresh) release();
    await settle();
    syncs.releaseAll();
    expect(await described).toEqual({ id: "box", pipeline: "files" });
  });
});
