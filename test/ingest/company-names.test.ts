import { describe, expect, it } from "vitest";
import { CompanyNameCache } from "../../src/ingest/index.js";

describe("CompanyNameCache", () => {
  const index = (name: string) => async () => new Map([["001", name]]);

  it("keeps a bounded number of tenants' indexes: one that asked long ago is loaded again, not kept forever", async () => {
    const cache = new CompanyNameCache({ maxEntries: 2 });
    let loads = 0;
    const load = (key: string) => () => {
      loads++;
      return index(key)();
    };
    await cache.get("tenant-1", load("a"));
    await cache.get("tenant-2", load("b"));
    await cache.get("tenant-1", load("a"));
    expect(loads).toBe(2);
    await cache.get("tenant-3", load("c")); // tenant-2 is the least recently used
    expect((await cache.get("tenant-2", load("b2"))).get("001")).toBe("b2");
    expect(loads).toBe(4);
    expect(cache.size).toBeLessThanOrEqual(2);
  });

  it("forgets an index once its time is up, and never keeps a failed load", async () => {
    let now = 0;
    const cache = new CompanyNameCache({ ttlMs: 1_000, now: () => now });
    await cache.get("t", index("old"));
    now = 999;
    expect((await cache.get("t", index("new"))).get("001")).toBe("old");
    now = 2_500;
    expect((await cache.get("t", index("new"))).get("001")).toBe("new");
    await expect(cache.get("u", async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect((await cache.get("u", index("back"))).get("001")).toBe("back");
  });
});
