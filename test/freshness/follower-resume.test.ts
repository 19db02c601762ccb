import { describe, expect, it, vi } from "vitest";
import { preciseNow } from "../../src/access/index.js";
import { FeedTokens, type PermissionChangesReader, SyncFollower } from "../../src/freshness/index.js";
import type { PermissionChangesOptions, PermissionChangesPage } from "../../src/managed-sync/index.js";

// A feed reader standing in for Paragon's: its first read (no token) fails after one page, the
// next goes on from that page's token to the end.
function flakyFirstRead() {
  const calls: PermissionChangesOptions[] = [];
  const reader: PermissionChangesReader = {
    changes(_syncId, options = {}) {
      calls.push(options);
      const first = calls.length === 1;
      return (async function* (): AsyncGenerator<PermissionChangesPage> {
        if (first) {
          yield { changes: [], continuationToken: "t1", end: false };
          throw new Error("connection reset while reading the feed");
        }
        yield { changes: [], continuationToken: "t2", end: true };
      })();
    },
  };
  return { reader, calls };
}

describe("a follower whose first read of the feed fails partway", () => {
  it("vouches once a later read, going on from where it stopped, reaches the end", async () => {
    const { reader, calls } = flakyFirstRead();
    const follower = new SyncFollower({
      tenant: "acme",
      syncId: "sync-1",
      reader,
      invalidate: () => {},
      intervalMs: 60_000,
    });
    const before = preciseNow();
    await follower.poll();
    expect(follower.coverage()).toMatchObject({ verified: false });
    await follower.poll();
    // Every change since the first read's start was read: covered from then on.
    expect(calls[1]).toMatchObject({ continuationToken: "t1" });
    const coverage = follower.coverage();
    expect(coverage).toMatchObject({ verified: true });
    const { since } = coverage as { since: number };
    // Read on the clock `since` is read from: Date.now() drifts from it (1.6 ms behind it once, in a
    // full suite on a machine up for 20 hours), so a whole-ms slack against Date.now() was flaky.
    expect(since).toBeLessThanOrEqual(preciseNow());
    expect(since).toBeGreaterThanOrEqual(before - 1_000);
  });
});

/** A feed reader standing in for Paragon's, caught up at once on `token`; `calls` keeps what each read asked. */
function caughtUpReader(token: string) {
  const calls: PermissionChangesOptions[] = [];
  const reader: PermissionChangesReader = {
    changes(_syncId, options = {}) {
      calls.push(options);
      return (async function* (): AsyncGenerator<PermissionChangesPage> {
        yield { changes: [], continuationToken: token, end: true };
      })();
    },
  };
  return { reader, calls };
}

describe("a follower's first read of the feed", () => {
  it("starts from the wall clock when it was set back since the process started (no change skipped)", async () => {
    const { reader, calls } = caughtUpReader("t1");
    const follower = new SyncFollower({
      tenant: "acme",
      syncId: "sync-1",
      reader,
      invalidate: () => {},
      intervalMs: 60_000,
    });
    // An NTP step back of an hour: changes Paragon made in the last hour are dated before the
    // process's own clock says it started reading.
    const setBack = preciseNow() - 3_600_000;
    const now = vi.spyOn(Date, "now").mockReturnValue(setBack);
    try {
      await follower.poll();
    } finally {
      now.mockRestore();
    }
    expect(new Date(calls[0]?.startTime ?? Number.NaN).getTime()).toBeLessThanOrEqual(setBack);
  });
});

describe("a follower resuming from a position another replica saved", () => {
  it("vouches only for evidence requested a skew allowance after the saved through (the saver's clock may run behind)", async () => {
    // Replica B saved its position at what its clock called `through`; B runs 3 s behind this
    // replica, so a change made here 2 s "after" that through came before B's read and is behind
    // the token: this follower never reads it, and must not vouch for evidence older than it.
    const through = Date.now() - 2_000;
    const state = new Map([["feed:acme\u0000sync-1", JSON.stringify({ token: "b7", through })]]);
    const store = {
      getState: async (scope: string, key: string) => state.get(`${scope}\u0000${key}`),
      putState: async (scope: string, key: string, value: string) => {
        state.set(`${scope}\u0000${key}`, value);
      },
      deleteState: async (scope: string, key: string) => {
        state.delete(`${scope}\u0000${key}`);
      },
    };
    const { reader, calls } = caughtUpReader("b7");
    const resumed = new SyncFollower({
      tenant: "acme",
      syncId: "sync-1",
      reader,
      invalidate: () => {},
      tokens: new FeedTokens(store),
      intervalMs: 60_000,
    });
    resumed.start();
    for (let i = 0; i < 200 && resumed.status().caughtUpAt === undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const proof = resumed.coverage();
    await resumed.stop();
    expect(calls[0]).toMatchObject({ continuationToken: "b7" });
    expect(proof).toMatchObject({ verified: true });
    // Evidence requested 2 s after B's through (a change could have come between it and B's read) is not vouched for.
    expect((proof as { since: number }).since).toBeGreaterThan(through + 2_000);
  });
});
