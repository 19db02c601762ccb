import { describe, expect, it } from "vitest";
import { type PermissionChangesReader, SyncFollower } from "../../src/freshness/index.js";
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
    const before = Date.now();
    await follower.poll();
    expect(follower.coverage()).toMatchObject({ verified: false });
    await follower.poll();
    // Every change since the first read's start was read: covered from then on.
    expect(calls[1]).toMatchObject({ continuationToken: "t1" });
    const coverage = follower.coverage();
    expect(coverage).toMatchObject({ verified: true });
    const { since } = coverage as { since: number };
    expect(since).toBeLessThanOrEqual(Date.now());
    expect(since).toBeGreaterThanOrEqual(before - 1_000);
  });
});
