// The permission-changes follower over the real emulator, client and LanceDB store: a group change
// (for which Paragon sends no webhook) reaches cached decisions within the poll interval; a stopped
// follower leaves caches unverified and every result checked; an expired token drops the sync's
// caches and restarts; the feed position survives a restart in the store's state.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PermissionsClient } from "../../src/access/index.js";
import { preciseNow } from "../../src/access/index.js";
import type { CorpusSpec } from "../../src/emulator/index.js";
import { FeedTokens, PermissionFollower, SyncFollower } from "../../src/freshness/index.js";
import { createManagedSyncRetriever, type PermissionAwareRetriever } from "../../src/retrieval/index.js";
import { textFor } from "../retrieval/helpers/corpus.js";
import { ingestFiles, startWorld, type World } from "../retrieval/helpers/emulator-world.js";
import { caughtUp, followedRetriever } from "./helpers/followed.js";

const INTERVAL_MS = 300;

function corpus(): CorpusSpec {
  const files: Record<string, string> = {};
  for (const folder of ["Engineering", "Company", "HR"])
    for (let i = 0; i < 6; i++) files[`drive/${folder}/doc-${i}.md`] = `${folder} ${i}`;
  return {
    manifest: {
      domain: "northwind.test",
      people: ["maya", "leo", "ana", "hana"].map((name) => ({ email: `${name}@northwind.test` })),
      groups: [{ id: "engineering", members: ["leo@northwind.test", "ana@northwind.test"] }],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [{ integration: "googledrive", root: "drive", owner: "maya@northwind.test" }],
        },
      ],
      sharing: {
        "drive/Engineering/": { grants: [{ group: "engineering", role: "reader" }] },
        "drive/Company/": { grants: [{ domain: "northwind.test", role: "reader" }] },
      },
    },
    files,
  };
}

let world: World;
let syncId: string;

beforeAll(async () => {
  world = await startWorld(corpus(), "northwind");
  await ingestFiles(world, (_file, index) => [textFor(index * 2, 10), textFor(index * 2 + 1, 10)]);
  syncId = [...world.files.values()][0]!.syncId;
});

afterAll(async () => {
  await world?.close();
});

const engineering = (docs: { metadata: { recordId: string } }[]) => {
  const ids = new Set(
    [...world.files.values()].filter((f) => f.path.startsWith("Engineering/")).map((f) => f.id),
  );
  return docs.filter((d) => ids.has(d.metadata.recordId));
};

/** A retriever that caches for 60 s, its caches proven (or not) by a follower that invalidates it. */
const followed = (strategy: "auto" | "post" | "pre" = "post") =>
  followedRetriever(world, { strategy, k: 60, intervalMs: INTERVAL_MS, store: true });

describe("the permission-changes follower", () => {
  it("stops returning a group's files once the follower reads the member's removal, about one poll interval later (freshnessMs 60 s; prints the delay)", async () => {
    const { retriever, follower } = followed();
    try {
      const first = await retriever.retrieveWithReport("budget roadmap", { user: "leo@northwind.test" });
      expect(first.report.freshness.mode).toBe("follower");
      expect(first.report.freshness.unverified?.[0]?.reason).toMatch(/not caught up/);
      await caughtUp(follower, preciseNow(), syncId);
      // Decisions made before the follower started are not covered: asked once more, then cached.
      await retriever.retrieveWithReport("budget roadmap", { user: "leo@northwind.test" });
      // Warm: every decision comes from the cache, proven current by the follower.
      const caughtUpBefore = follower.status().find((s) => s.syncId === syncId)!.caughtUpAt!;
      const warm = await retriever.retrieveWithReport("budget roadmap", { user: "leo@northwind.test" });
      const answeredAt = Date.now();
      expect(warm.report.checks).toBe(0);
      expect(warm.report.permissionCalls).toBe(0);
      expect(warm.report.freshness.unverified).toBeUndefined();
      expect(warm.report.freshness.summary).toMatch(/^staleness ≤ \d+(\.\d)? s/);
      // The stated bound is the age of the follower's last catch-up, no more. Slack: Date.now() is up
      // to 1 ms behind the fractional clock caughtUpAt is read from, and the bound is rounded (0.5 ms).
      expect(warm.report.freshness.stalenessBoundMs).toBeLessThanOrEqual(answeredAt - caughtUpBefore + 1.5);
      expect(engineering(warm.documents).length).toBeGreaterThan(0);

      // Paragon sends no webhook for a group change: only the feed tells. What the test asserts is
      // the mechanism (once the follower has read past the change, the next query no longer returns
      // the group's files), not a clock; the delay a user meets (about one poll interval) is printed.
      const removedAt = Date.now();
      await world.admin("DELETE", "/groups/engineering/members/leo%40northwind.test");
      const changedAt = Date.now();
      let goneAt: number | undefined;
      for (;;) {
        const past = (follower.status().find((s) => s.syncId === syncId)?.caughtUpAt ?? 0) > changedAt;
        const { documents } = await retriever.retrieveWithReport("budget roadmap", {
          user: "leo@northwind.test",
        });
        if (engineering(documents).length === 0) goneAt ??= Date.now();
        if (past) {
          expect(engineering(documents)).toEqual([]);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      console.log(
        `group member removal reached the cached decisions after ${goneAt! - removedAt} ms (poll interval ${INTERVAL_MS} ms)`,
      );
      // Precise: Ana, still a member, keeps her cached decisions about the group's files.
      const ana = await retriever.retrieveWithReport("budget roadmap", { user: "ana@northwind.test" });
      expect(engineering(ana.documents).length).toBeGreaterThan(0);
    } finally {
      await world.admin("POST", "/groups/engineering/members", { member: "leo@northwind.test" });
      await follower.close();
    }
  });

  it.each(["post", "pre"] as const)(
    "stopped, leaves caches unverified and every result checked (%s)",
    async (strategy) => {
      const { retriever, follower } = followed(strategy);
      await retriever.retrieveWithReport("security policy", { user: "ana@northwind.test" });
      await caughtUp(follower, preciseNow(), syncId);
      await retriever.retrieveWithReport("security policy", { user: "ana@northwind.test" });
      const warm = await retriever.retrieveWithReport("security policy", { user: "ana@northwind.test" });
      expect(warm.report.checks).toBe(0);
      await follower.close();
      const { documents, report } = await retriever.retrieveWithReport("security policy", {
        user: "ana@northwind.test",
      });
      expect(documents.length).toBeGreaterThan(0);
      expect(report.freshness.unverified).toEqual([
        { syncId, reason: "the permission-changes follower is stopped" },
      ]);
      expect(report.freshness.summary).toMatch(/caches unverified/);
      // Every returned record was decided by the Permissions API during this query.
      const returned = new Set(documents.map((d) => d.metadata.recordId));
      if (strategy === "post") expect(report.checks).toBeGreaterThanOrEqual(returned.size);
      else expect(report.verified).toBe(documents.length);
    },
  );

  it("vouched for, a person who is post-filtered gets their allow lists fetched in the background; later queries ask nothing", async () => {
    // Every list-objects call, so the test can wait for the background fetch instead of sleeping.
    const listing: Promise<unknown>[] = [];
    const real = world.client.permissions;
    const permissions: PermissionsClient = {
      batchCheck: real.batchCheck.bind(real),
      streamListObjects: real.streamListObjects.bind(real),
      listObjects: (...args: Parameters<PermissionsClient["listObjects"]>) => {
        const call = real.listObjects(...args);
        listing.push(call.catch(() => undefined));
        return call;
      },
    };
    // Known from the store's state (as a restart or another replica would find her): she sees everything.
    await world.store.putState(
      "allow-rate:northwind",
      "can_read:maya@northwind.test",
      '{"scanned":90,"allowed":90}',
    );
    let retriever: PermissionAwareRetriever | undefined;
    const follower = new PermissionFollower({
      readerFor: () => real,
      invalidate: (_tenant, scope) => retriever?.invalidate(scope),
      intervalMs: INTERVAL_MS,
    });
    retriever = createManagedSyncRetriever({
      client: { permissions, syncs: world.client.syncs },
      store: world.store,
      embeddings: world.embeddings,
      tenant: "northwind",
      k: 5,
      freshnessMs: 60_000,
      // Maya owns the drive (18 files): a list "too large" to pre-filter by unless proven current.
      preMaxRecords: 5,
      changes: follower.forTenant("northwind"),
    });
    const maya = { user: "maya@northwind.test" };
    try {
      await retriever.retrieveWithReport("budget roadmap", { user: "leo@northwind.test" });
      await caughtUp(follower, preciseNow(), syncId);
      // No list of hers is cached: post-filter, while a list the follower vouches for is fetched
      // in the background.
      const first = await retriever.retrieveWithReport("security policy", maya);
      expect(first.report.strategy).toBe("post");
      expect(first.report.reason).toMatch(/fetched in the background/);
      expect(first.documents).toHaveLength(5);
      await Promise.all(listing);
      const next = await retriever.retrieveWithReport("travel design", maya);
      expect(next.report.strategy).toBe("pre");
      expect(next.report.reason).toMatch(/proven current/);
      expect(next.report.permissionCalls).toBe(0);
      expect(next.report.verified).toBe(0);
      expect(next.documents).toHaveLength(5);
    } finally {
      await follower.close();
    }
  });

  it("drops the sync's caches and restarts when the feed no longer accepts its token", async () => {
    const invalidate = vi.fn();
    const follower = new SyncFollower({
      tenant: "northwind",
      syncId,
      reader: world.client.permissions,
      invalidate,
      intervalMs: 60_000,
    });
    await follower.poll();
    expect(follower.coverage()).toMatchObject({ verified: true });
    const before = follower.coverage() as { since: number };
    await world.admin("PUT", "/permission-changes", { retentionMs: 30 });
    try {
      await world.admin("POST", `/syncs/${syncId}/share`, {
        path: "HR/doc-1.md",
        grant: { user: "hana@northwind.test", role: "reader" },
      });
      await new Promise((resolve) => setTimeout(resolve, 80));
      await follower.poll();
    } finally {
      await world.admin("PUT", "/permission-changes", { retentionMs: 7 * 24 * 3_600_000 });
    }
    expect(invalidate).toHaveBeenCalledWith({ syncId });
    expect(follower.status()).toMatchObject({ state: "following", restarts: 1 });
    const after = follower.coverage() as { since: number };
    expect(after).toMatchObject({ verified: true });
    expect(after.since).toBeGreaterThan(before.since);
  });

  it("keeps its feed position in the store's state and resumes from it", async () => {
    const tokens = new FeedTokens(world.store);
    await tokens.forget("northwind", syncId);
    const options = {
      tenant: "northwind",
      syncId,
      reader: world.client.permissions,
      tokens,
      intervalMs: 60_000,
    };
    const first = new SyncFollower({ ...options, invalidate: () => {} });
    first.start();
    for (let i = 0; i < 200 && (await tokens.load("northwind", syncId)) === undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await first.stop();
    const saved = await tokens.load("northwind", syncId);
    expect(saved?.token).toBeTruthy();
    expect(await world.store.listState("feed:northwind")).toHaveProperty("size", 1);

    // While nobody follows, Hana gets a file; the next follower reads it from the saved position.
    await world.admin("POST", `/syncs/${syncId}/share`, {
      path: "HR/doc-2.md",
      grant: { user: "hana@northwind.test", role: "reader" },
    });
    const invalidate = vi.fn();
    const second = new SyncFollower({ ...options, invalidate });
    second.start();
    for (let i = 0; i < 200 && second.status().caughtUpAt === undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await second.stop();
    const file = [...world.files.values()].find((f) => f.path === "HR/doc-2.md")!;
    expect(invalidate).toHaveBeenCalledWith({ syncId, recordId: file.id, subject: "hana@northwind.test" });
    expect((await tokens.load("northwind", syncId))?.token).not.toBe(saved?.token);
  });
});
