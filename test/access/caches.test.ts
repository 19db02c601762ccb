import { describe, expect, it, vi } from "vitest";
import { AllowSetCache, DecisionCache, SubjectKnowledge } from "../../src/access/index.js";

const doc = (recordId: string, syncId = "s1") => ({ syncId, recordId });

describe("DecisionCache", () => {
  it("remembers allow and deny per subject, relation and record", () => {
    const cache = new DecisionCache({ ttlMs: 60_000 });
    cache.set("ana@x.test", "can_read", doc("r1"), { allowed: true, requestedAt: 1 });
    cache.set("ana@x.test", "can_read", doc("r2"), { allowed: false, requestedAt: 2 });
    expect(cache.get("ana@x.test", "can_read", doc("r1"))).toEqual({ allowed: true, requestedAt: 1 });
    expect(cache.get("user:ana@x.test", "can_read", doc("r2"))?.allowed).toBe(false);
    expect(cache.get("ana@x.test", "can_write", doc("r1"))).toBeUndefined();
    expect(cache.get("leo@x.test", "can_read", doc("r1"))).toBeUndefined();
    expect(cache.get("ana@x.test", "can_read", doc("r1", "s2"))).toBeUndefined();
  });

  it("invalidates by record for every subject, and by subject for every record", () => {
    const cache = new DecisionCache({ ttlMs: 60_000 });
    for (const subject of ["ana@x.test", "leo@x.test"]) {
      for (const recordId of ["r1", "r2"])
        cache.set(subject, "can_read", doc(recordId), { allowed: true, requestedAt: 0 });
    }
    cache.set("ana@x.test", "can_read", doc("r1", "s2"), { allowed: true, requestedAt: 0 });
    cache.invalidate({ syncId: "s1", recordId: "r1" });
    expect(cache.get("ana@x.test", "can_read", doc("r1"))).toBeUndefined();
    // Record ids are unique only within a sync: the same id in another sync is another record.
    expect(cache.get("ana@x.test", "can_read", doc("r1", "s2"))).toBeDefined();
    expect(cache.get("leo@x.test", "can_read", doc("r1"))).toBeUndefined();
    expect(cache.get("leo@x.test", "can_read", doc("r2"))).toBeDefined();
    cache.invalidateSubject("leo@x.test");
    expect(cache.get("leo@x.test", "can_read", doc("r2"))).toBeUndefined();
    expect(cache.get("ana@x.test", "can_read", doc("r2"))).toBeDefined();
    cache.set("leo@x.test", "can_read", doc("r3", "s2"), { allowed: true, requestedAt: Date.now() + 1_000 });
    cache.invalidate({ syncId: "s1" });
    expect(cache.get("ana@x.test", "can_read", doc("r2"))).toBeUndefined();
    expect(cache.get("leo@x.test", "can_read", doc("r3", "s2"))).toBeDefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it("never replaces an answer with one whose request was sent before it (a late, older answer)", () => {
    const cache = new DecisionCache({ ttlMs: 60_000 });
    const now = Date.now();
    cache.set("ana@x.test", "can_read", doc("r1"), { allowed: false, requestedAt: now + 2 });
    cache.set("ana@x.test", "can_read", doc("r1"), { allowed: true, requestedAt: now + 1 });
    expect(cache.get("ana@x.test", "can_read", doc("r1"))).toEqual({ allowed: false, requestedAt: now + 2 });
    cache.set("ana@x.test", "can_read", doc("r1"), { allowed: true, requestedAt: now + 3 });
    expect(cache.get("ana@x.test", "can_read", doc("r1"))).toEqual({ allowed: true, requestedAt: now + 3 });
  });

  it("is off with TTL 0", () => {
    const cache = new DecisionCache({ ttlMs: 0 });
    cache.set("ana@x.test", "can_read", doc("r1"), { allowed: true, requestedAt: 0 });
    expect(cache.enabled).toBe(false);
    expect(cache.get("ana@x.test", "can_read", doc("r1"))).toBeUndefined();
  });

  it("refuses an answer requested before the last invalidation (it may predate the change)", () => {
    const cache = new DecisionCache({ ttlMs: 60_000 });
    const requestedAt = Date.now() - 1;
    cache.invalidate({ syncId: "s1", recordId: "r9" });
    cache.set("ana@x.test", "can_read", doc("r1"), { allowed: true, requestedAt });
    expect(cache.get("ana@x.test", "can_read", doc("r1"))).toBeUndefined();
  });

  it("stays bounded, and invalidation still works after evictions", () => {
    const cache = new DecisionCache({ ttlMs: 60_000, maxEntries: 100 });
    for (let i = 0; i < 1_000; i++)
      cache.set("ana@x.test", "can_read", doc(`r${i}`), { allowed: true, requestedAt: i });
    expect(cache.size).toBe(100);
    expect(cache.get("ana@x.test", "can_read", doc("r0"))).toBeUndefined();
    cache.invalidate({ syncId: "s1", recordId: "r999" });
    expect(cache.get("ana@x.test", "can_read", doc("r999"))).toBeUndefined();
    expect(cache.get("ana@x.test", "can_read", doc("r998"))).toBeDefined();
  });
});

describe("AllowSetCache", () => {
  const list =
    (ids: string[], complete = true) =>
    async () => ({ recordIds: ids, complete, calls: 1 });

  it("fetches once and serves concurrent callers from the same fetch", async () => {
    const cache = new AllowSetCache({ ttlMs: 60_000 });
    let fetches = 0;
    const fetch = async () => {
      fetches += 1;
      await new Promise((resolve) => setImmediate(resolve));
      return { recordIds: ["a", "b"], complete: true, calls: 1 };
    };
    const [one, two] = await Promise.all([
      cache.get("ana@x.test", "can_read", "s1", fetch),
      cache.get("ana@x.test", "can_read", "s1", fetch),
    ]);
    expect(fetches).toBe(1);
    expect(one.fetched).toBe(true);
    expect(two.fetched).toBe(false);
    expect([...one.set.recordIds]).toEqual(["a", "b"]);
    const three = await cache.get("ana@x.test", "can_read", "s1", fetch);
    expect(three).toMatchObject({ fetched: false, calls: 0 });
    expect(cache.peek("ana@x.test", "can_read", "s1")?.requestedAt).toBeGreaterThan(0);
  });

  // A short answer re-verifies a list (`requestedSince`) without joining a fetch sent before its
  // query: that fetch, back later, must not put its older list over the one asked for since (the
  // grant the re-verification found would vanish from the next queries).
  it("keeps a list requested since over an older fetch that ends after it", async () => {
    const cache = new AllowSetCache({ ttlMs: 60_000 });
    let release: (ids: string[]) => void = () => undefined;
    const slow = () =>
      new Promise<{ recordIds: string[]; complete: boolean; calls: number }>((resolve) => {
        release = (ids) => resolve({ recordIds: ids, complete: true, calls: 1 });
      });
    const older = cache.get("ana@x.test", "can_read", "s1", slow);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const since = performance.timeOrigin + performance.now();
    const renewed = await cache.get("ana@x.test", "can_read", "s1", list(["a", "granted"]), {
      requestedSince: since,
    });
    expect(renewed.fetched).toBe(true);
    release(["a"]);
    expect([...(await older).set.recordIds]).toEqual(["a"]);
    const cached = cache.peek("ana@x.test", "can_read", "s1");
    expect(cached?.requestedAt).toBe(renewed.set.requestedAt);
    expect([...(cached?.recordIds ?? [])]).toEqual(["a", "granted"]);
  });

  it("never caches a stranger's partial probe, nor hands it to a caller that wants the whole list", async () => {
    const cache = new AllowSetCache({ ttlMs: 60_000 });
    let release = () => {};
    const probe = cache.get(
      "ana@x.test",
      "can_read",
      "s1",
      () =>
        new Promise((resolve) => {
          release = () => resolve({ recordIds: ["a"], complete: false, partial: true, calls: 1 });
        }),
      { partialOk: true },
    );
    // A query that needs the whole list (pre-filter, or the race's second fetch) asks while the
    // probe is in flight: joined, it would get the cut list and give up pre-filtering.
    const whole = cache.get("ana@x.test", "can_read", "s1", list(["a", "b"]));
    release();
    expect((await probe).set).toMatchObject({ complete: false, partial: true });
    const answer = await whole;
    expect(answer.fetched).toBe(true);
    expect(answer.set.complete).toBe(true);
    expect([...answer.set.recordIds]).toEqual(["a", "b"]);
    // Another probe may share one in flight: both only want one capped answer.
    let fetches = 0;
    const cut = async () => {
      fetches += 1;
      await new Promise((resolve) => setImmediate(resolve));
      return { recordIds: ["a"], complete: false, partial: true, calls: 1 };
    };
    const other = new AllowSetCache({ ttlMs: 60_000 });
    const [one, two] = await Promise.all([
      other.get("leo@x.test", "can_read", "s1", cut, { partialOk: true }),
      other.get("leo@x.test", "can_read", "s1", cut, { partialOk: true }),
    ]);
    expect(fetches).toBe(1);
    expect(two).toMatchObject({ fetched: false, set: { partial: true } });
    expect(one.set.partial).toBe(true);
    expect(other.peek("leo@x.test", "can_read", "s1")).toBeUndefined();
  });

  it("never caches a failed fetch", async () => {
    const cache = new AllowSetCache({ ttlMs: 60_000 });
    await expect(
      cache.get("ana@x.test", "can_read", "s1", async () => {
        throw new Error("down");
      }),
    ).rejects.toThrow("down");
    const next = await cache.get("ana@x.test", "can_read", "s1", list(["a"]));
    expect(next.fetched).toBe(true);
  });

  it("drops a subject's lists of a sync, or every list of the sync a changed record is in", async () => {
    const cache = new AllowSetCache({ ttlMs: 60_000 });
    await cache.get("ana@x.test", "can_read", "s1", list(["a"]));
    await cache.get("leo@x.test", "can_read", "s1", list(["b"]));
    await cache.get("leo@x.test", "can_read", "s2", list(["c"]));
    cache.invalidate({ syncId: "s1", subject: "ana@x.test" });
    expect(cache.peek("ana@x.test", "can_read", "s1")).toBeUndefined();
    expect(cache.peek("leo@x.test", "can_read", "s1")).toBeDefined();
    // A change to a record may be a grant: lists without it go too.
    cache.invalidate({ syncId: "s1", recordId: "new-record" });
    expect(cache.peek("leo@x.test", "can_read", "s1")).toBeUndefined();
    expect(cache.peek("leo@x.test", "can_read", "s2")).toBeDefined();
    cache.invalidateSubject("leo@x.test");
    expect(cache.peek("leo@x.test", "can_read", "s2")).toBeUndefined();
  });

  it("fetches every time with TTL 0", async () => {
    const cache = new AllowSetCache({ ttlMs: 0 });
    await cache.get("ana@x.test", "can_read", "s1", list(["a"]));
    expect((await cache.get("ana@x.test", "can_read", "s1", list(["a"]))).fetched).toBe(true);
  });
});

describe("SubjectKnowledge", () => {
  it("knows a rate only after enough candidates", () => {
    const known = new SubjectKnowledge({ tenant: "acme" });
    known.recordScan("ana@x.test", "can_read", 5, 1);
    expect(known.rate("ana@x.test", "can_read")).toBeUndefined();
    known.recordScan("ana@x.test", "can_read", 95, 9);
    expect(known.rate("ana@x.test", "can_read")).toBeCloseTo(0.1);
    expect(known.rate("ana@x.test", "can_write")).toBeUndefined();
  });

  it("keeps what it learns in the state, so another instance (a restart, a replica) knows the person", async () => {
    const state = new Map<string, string>();
    const store = {
      getState: async (scope: string, key: string) => state.get(`${scope}|${key}`),
      putState: async (scope: string, key: string, value: string) => {
        state.set(`${scope}|${key}`, value);
      },
    };
    const first = new SubjectKnowledge({ tenant: "acme", state: store });
    first.recordScan("Ana@x.test", "can_read", 200, 2);
    first.recordLists("ana@x.test", "can_read", { s1: 25 });
    await first.flush();
    expect([...state.keys()]).toEqual(["allow-rate:acme|can_read:ana@x.test"]);
    const second = new SubjectKnowledge({ tenant: "acme", state: store });
    expect(second.peek("ana@x.test", "can_read")).toBeUndefined();
    expect(await second.recall("ana@x.test", "can_read")).toMatchObject({ scanned: 200, allowed: 2 });
    expect(second.rate("ana@x.test", "can_read")).toBeCloseTo(0.01);
    expect(
      await new SubjectKnowledge({ tenant: "other", state: store }).recall("ana@x.test", "can_read"),
    ).toBeUndefined();
  });

  it("keeps what member-verified views learn apart; the unverified view still reads what earlier versions wrote", async () => {
    // Written before views were kept apart (by either view): where the unverified view looks.
    const state = new Map<string, string>([
      ["allow-rate:acme|can_read:ana@x.test", JSON.stringify({ scanned: 100, allowed: 5 })],
    ]);
    const store = {
      getState: async (scope: string, key: string) => state.get(`${scope}|${key}`),
      putState: async (scope: string, key: string, value: string) => {
        state.set(`${scope}|${key}`, value);
      },
    };
    const unverified = new SubjectKnowledge({ tenant: "acme", state: store });
    const member = new SubjectKnowledge({ tenant: "acme", state: store, member: true });
    expect(await unverified.recall("ana@x.test", "can_read")).toMatchObject({ scanned: 100, allowed: 5 });
    expect(await member.recall("ana@x.test", "can_read")).toBeUndefined();
    member.recordScan("ana@x.test", "can_read", 40, 40);
    await member.flush();
    expect(state.get("member-allow-rate:acme|can_read:ana@x.test")).toBe(
      JSON.stringify({ scanned: 40, allowed: 40 }),
    );
    // Neither view's write reaches the other: a restarted unverified view still knows 5 of 100.
    expect(state.get("allow-rate:acme|can_read:ana@x.test")).toBe(
      JSON.stringify({ scanned: 100, allowed: 5 }),
    );
    const restarted = new SubjectKnowledge({ tenant: "acme", state: store });
    expect(restarted.rate("ana@x.test", "can_read")).toBeUndefined();
    expect(await restarted.recall("ana@x.test", "can_read")).toMatchObject({ scanned: 100, allowed: 5 });
  });

  it("with a state that lists a scope, reads the tenant's scope once: strangers cost no read of their own", async () => {
    const state = new Map<string, string>([
      ["allow-rate:acme|can_read:ana@x.test", JSON.stringify({ scanned: 100, allowed: 5 })],
      ["allow-rate:other|can_read:leo@x.test", JSON.stringify({ scanned: 100, allowed: 50 })],
    ]);
    const reads = { get: 0, list: 0 };
    const store = {
      getState: async (scope: string, key: string) => {
        reads.get += 1;
        return state.get(`${scope}|${key}`);
      },
      putState: async (scope: string, key: string, value: string) => {
        state.set(`${scope}|${key}`, value);
      },
      listState: async (scope: string) => {
        reads.list += 1;
        const entries = new Map<string, string>();
        for (const [k, v] of state) if (k.startsWith(`${scope}|`)) entries.set(k.slice(scope.length + 1), v);
        return entries;
      },
    };
    const known = new SubjectKnowledge({ tenant: "acme", state: store });
    expect(await known.recall("ana@x.test", "can_read")).toMatchObject({ scanned: 100, allowed: 5 });
    for (const stranger of ["leo@x.test", "raj@x.test", "hana@x.test"])
      expect(await known.recall(stranger, "can_read")).toBeUndefined();
    expect(reads).toEqual({ get: 0, list: 1 });
    // What it learns is written and kept in the scope it holds, and another instance reads it.
    known.recordScan("raj@x.test", "can_read", 40, 40);
    await known.flush();
    const other = new SubjectKnowledge({ tenant: "acme", state: store });
    expect(await other.recall("raj@x.test", "can_read")).toMatchObject({ scanned: 40, allowed: 40 });
    expect(reads.get).toBe(0);
  });

  it("re-reads the scope in the background once old, and looks up per key when it cannot list", async () => {
    const state = new Map<string, string>();
    let gets = 0;
    const store = {
      getState: async (_scope: string, key: string) => {
        gets += 1;
        return state.get(key);
      },
      putState: async () => {},
      listState: async () => new Map(state),
    };
    // refreshMs 0: every recall starts a re-read, used from the next recall on.
    const known = new SubjectKnowledge({ tenant: "acme", state: store, refreshMs: 0 });
    expect(await known.recall("ana@x.test", "can_read")).toBeUndefined();
    state.set("can_read:ana@x.test", JSON.stringify({ scanned: 20, allowed: 2 })); // another replica learnt her
    await known.recall("leo@x.test", "can_read");
    await new Promise((resolve) => setImmediate(resolve));
    expect(await known.recall("ana@x.test", "can_read")).toMatchObject({ scanned: 20, allowed: 2 });
    expect(gets).toBe(0);

    const unlisted = new SubjectKnowledge({
      tenant: "acme",
      state: {
        ...store,
        listState: async () => {
          throw new Error("store down");
        },
      },
    });
    expect(await unlisted.recall("ana@x.test", "can_read")).toMatchObject({ scanned: 20, allowed: 2 });
    expect(gets).toBe(1);
  });

  it("writes in the background after writeDelayMs, one write per person for all they taught meanwhile", async () => {
    const writes: string[] = [];
    const store = {
      getState: async () => undefined,
      putState: async (_scope: string, key: string, value: string) => {
        writes.push(`${key} ${value}`);
      },
    };
    const known = new SubjectKnowledge({ tenant: "acme", state: store, writeDelayMs: 30 });
    known.recordScan("ana@x.test", "can_read", 30, 3);
    known.recordLists("ana@x.test", "can_read", { s1: 250 });
    known.recordScan("leo@x.test", "can_read", 30, 30);
    await new Promise((resolve) => setImmediate(resolve));
    // Nothing during the query that taught it.
    expect(writes).toEqual([]);
    await vi.waitFor(() => expect(writes).toHaveLength(2));
    expect(writes).toEqual([
      `can_read:ana@x.test ${JSON.stringify({ scanned: 30, allowed: 3, listSizes: { s1: 250 } })}`,
      `can_read:leo@x.test ${JSON.stringify({ scanned: 30, allowed: 30 })}`,
    ]);
    // Written now: a change within writeEveryMs waits for the next write.
    known.recordScan("ana@x.test", "can_read", 30, 3);
    await known.flush();
    expect(writes).toHaveLength(2);
  });

  it("treats broken or unreadable state as a stranger, never as an error", async () => {
    const broken = new SubjectKnowledge({
      tenant: "acme",
      state: {
        getState: async () => "{not json",
        putState: async () => {},
      },
    });
    expect(await broken.recall("ana@x.test", "can_read")).toBeUndefined();
    const failing = new SubjectKnowledge({
      tenant: "acme",
      state: {
        getState: async () => {
          throw new Error("store down");
        },
        putState: async () => {
          throw new Error("store down");
        },
      },
    });
    expect(await failing.recall("ana@x.test", "can_read")).toBeUndefined();
    failing.recordScan("ana@x.test", "can_read", 100, 1);
    expect(failing.rate("ana@x.test", "can_read")).toBeCloseTo(0.01);
  });
});
