// A grant in `confirmed` mode (freshnessMs 0, no follower: the library default), over the real
// emulator, client and store. A file shared with someone who was just denied it, or whose allow
// list was fetched before, is hidden by their cached denial or list; an answer short of k re-verifies
// that evidence once it is reverifyShortAfterMs old (docs/concepts.md#freshness), so their next
// query has it, and the retriever being told the record changed shows it at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PermissionsClient, preciseNow } from "../../src/access/index.js";
import type { CorpusSpec } from "../../src/emulator/index.js";
import { createManagedSyncRetriever, type RetrievalSettingsInput } from "../../src/retrieval/index.js";
import { textFor } from "../retrieval/helpers/corpus.js";
import { ingestFiles, startWorld, type World } from "../retrieval/helpers/emulator-world.js";
import { caughtUp, followedRetriever } from "./helpers/followed.js";

const ANA = "ana@northwind.test";
// One person per test below: each test's grants stay theirs, and each reads the two Mine/ files
// (fewer than k = 5) plus what a test shares with them.
const PEOPLE = [
  "grant-auto",
  "grant-pre",
  "grant-post",
  "hire-auto",
  "hire-pre",
  "hire-post",
  "hire-auto-0",
  "hire-pre-0",
  "hire-post-0",
  "revoke-auto",
  "revoke-pre",
  "revoke-post",
  "budget-pre",
  "budget-post",
  "fails-auto",
  "fails-pre",
  "fails-post",
  "followed-auto",
  "followed-pre",
  "followed-post",
].map((name) => `${name}@northwind.test`);

function corpus(): CorpusSpec {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`drive/Private/doc-${i}.md`] = `private ${i}`;
  files["drive/Mine/a.md"] = "a";
  files["drive/Mine/b.md"] = "b";
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test" }, { email: ANA }, ...PEOPLE.map((email) => ({ email }))],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [{ integration: "googledrive", root: "drive", owner: "maya@northwind.test" }],
        },
      ],
      sharing: {
        "drive/Mine/": { grants: [ANA, ...PEOPLE].map((user) => ({ user, role: "reader" as const })) },
      },
    },
    files,
  };
}

let world: World;

beforeAll(async () => {
  world = await startWorld(corpus(), "northwind");
  await ingestFiles(world, (_file, index) => [textFor(index * 2, 10)]);
});

afterAll(async () => {
  await world?.close();
});

function retrieverFor(strategy: "auto" | "pre" | "post", settings: RetrievalSettingsInput = {}) {
  return createManagedSyncRetriever({
    client: world.client,
    store: world.store,
    embeddings: world.embeddings,
    tenant: "northwind",
    k: 5,
    strategy,
    ...settings,
  });
}

function fileAt(path: string) {
  return [...world.files.values()].find((f) => f.path === path)!;
}

async function share(path: string, user: string): Promise<void> {
  await world.admin("POST", `/syncs/${fileAt(path).syncId}/share`, { path, grant: { user, role: "reader" } });
}

/** Takes `user`'s grant off a file or folder (a folder's path, e.g. "Mine", as the sync names it). */
async function unshare(path: string, user: string): Promise<void> {
  const { syncId } = fileAt("Mine/a.md");
  await world.admin("POST", `/syncs/${syncId}/unshare`, { path, principal: { user } });
}

function ask(retriever: ReturnType<typeof retrieverFor>, user: string, k?: number) {
  return retriever.retrieveWithReport("budget roadmap", { user, ...(k === undefined ? {} : { k }) });
}

const ids = (result: Awaited<ReturnType<typeof ask>>) => result.documents.map((d) => d.metadata.recordId);

describe("a grant in confirmed mode", () => {
  it.each([
    ["auto", "Private/doc-1.md"],
    ["pre", "Private/doc-2.md"],
    ["post", "Private/doc-3.md"],
  ] as const)(
    "reaches the person's next query once the retriever is told the record changed (%s)",
    async (strategy, path) => {
      const retriever = retrieverFor(strategy);
      const file = fileAt(path);
      // Twice: the second query decides from what the first cached (a denial, or her list).
      await ask(retriever, ANA);
      expect(ids(await ask(retriever, ANA))).not.toContain(file.id);
      await share(path, ANA);
      retriever.invalidateRecord(file.id, file.syncId);
      expect(ids(await ask(retriever, ANA))).toContain(file.id);
    },
  );

  it.each([
    ["auto", "Private/doc-4.md"],
    ["pre", "Private/doc-5.md"],
    ["post", "Private/doc-6.md"],
  ] as const)(
    "reaches the person's next query untold: the short answer re-verifies the cached denial or list hiding it (%s)",
    async (strategy, path) => {
      const user = `grant-${strategy}@northwind.test`;
      // 0: any evidence from an earlier query is re-verified (by default, once 5 s old).
      const retriever = retrieverFor(strategy, { reverifyShortAfterMs: 0 });
      const file = fileAt(path);
      await ask(retriever, user);
      expect(ids(await ask(retriever, user))).not.toContain(file.id);
      await share(path, user);
      const after = await ask(retriever, user);
      expect(ids(after)).toContain(file.id);
      expect(after.report).toMatchObject({ returned: 3, exhausted: true, budgetHit: null });
      expect(after.report.reverified?.found).toBe(1);
      expect(after.report.reason).toMatch(/short of k \(2 of 5\).*re-verified it.*1 more found/);
    },
  );

  it.each(["auto", "pre", "post"] as const)(
    "costs a person who sees fewer than k no extra permission call within reverifyShortAfterMs (%s)",
    async (strategy) => {
      // The same two queries, with the evidence inside the bound and past it (0).
      const within = retrieverFor(strategy, { reverifyShortAfterMs: 60_000 });
      const past = retrieverFor(strategy, { reverifyShortAfterMs: 0 });
      const inside = `hire-${strategy}@northwind.test`;
      const outside = `hire-${strategy}-0@northwind.test`;
      await ask(within, inside);
      await ask(past, outside);
      const second = await ask(within, inside);
      const reverified = await ask(past, outside);
      // Her two Mine/ files, re-checked as confirmed mode does (one batch-check), and no more.
      expect(second.report).toMatchObject({ returned: 2, exhausted: true, permissionCalls: 1 });
      expect(second.report.reverified).toBeUndefined();
      // Past the bound the same answer costs one call more (her denials, or her list, asked again).
      expect(reverified.report).toMatchObject({ returned: 2, exhausted: true, permissionCalls: 2 });
      expect(reverified.report.reverified).toMatchObject({ found: 0 });
      expect(ids(second).sort()).toEqual(ids(reverified).sort());
    },
  );

  it.each([
    ["auto", "Private/doc-7.md"],
    ["pre", "Private/doc-8.md"],
    ["post", "Private/doc-9.md"],
  ] as const)(
    "never serves a revocation, of the re-verified grant or of what was cached as allowed (%s)",
    async (strategy, path) => {
      const user = `revoke-${strategy}@northwind.test`;
      const retriever = retrieverFor(strategy, { reverifyShortAfterMs: 0 });
      const file = fileAt(path);
      const mine = [fileAt("Mine/a.md").id, fileAt("Mine/b.md").id];
      expect(ids(await ask(retriever, user)).sort()).toEqual([...mine].sort());
      await share(path, user);
      expect(ids(await ask(retriever, user))).toContain(file.id);
      // Her cached allows and list now name all three; the source system takes all three back.
      await unshare(path, user);
      await unshare("Mine", user);
      for (let i = 0; i < 2; i++) {
        const revoked = await ask(retriever, user);
        expect(ids(revoked)).toEqual([]);
        expect(revoked.report).toMatchObject({ returned: 0, exhausted: true });
      }
    },
  );

  it.each([
    ["pre", "Private/doc-10.md"],
    ["post", "Private/doc-11.md"],
  ] as const)(
    "re-verifies within maxPermissionCalls, and says so when the budget is spent (%s)",
    async (strategy, path) => {
      const user = `budget-${strategy}@northwind.test`;
      const retriever = retrieverFor(strategy, {
        reverifyShortAfterMs: 0,
        budget: { maxPermissionCalls: 1 },
      });
      const file = fileAt(path);
      // One call each: her list (pre), or a check of every candidate in one page (post: k of 40).
      const first = await ask(retriever, user, 40);
      expect(first.report).toMatchObject({ permissionCalls: 1, exhausted: true });
      await share(path, user);
      const short = await ask(retriever, user);
      // Her two files took the one call; the denials or list hiding the grant could not be asked.
      expect(short.report.permissionCalls).toBe(1);
      expect(ids(short)).not.toContain(file.id);
      expect(short.report).toMatchObject({ returned: 2, exhausted: false, budgetHit: "permissionCalls" });
      expect(short.report.reverified).toEqual({
        denials: 0,
        lists: 0,
        found: 0,
        stoppedBy: "permissionCalls",
      });
      expect(short.report.reason).toMatch(
        /permissionCalls budget is spent, so it was not re-verified: more may exist/,
      );
    },
  );
});

describe("a short answer whose re-verification fails", () => {
  /**
   * The world's Permissions API, failing (a connection reset) once `failing` is on for what only a
   * re-verification asks here: a list fetched again, or a check of a record outside Mine/ (her
   * cached denials; her own query confirms only her Mine/ files).
   */
  function failingReVerification(): { permissions: PermissionsClient; fail: (on: boolean) => void } {
    const real = world.client.permissions;
    const mine = new Set([fileAt("Mine/a.md").id, fileAt("Mine/b.md").id]);
    let failing = false;
    const reset = () => Promise.reject(new Error("connection reset (injected by the test)"));
    return {
      fail: (on) => {
        failing = on;
      },
      permissions: {
        batchCheck: (syncId, checks, options) =>
          failing && checks.some((c) => !mine.has(c.object.replace(/^file:/, "")))
            ? reset()
            : real.batchCheck(syncId, checks, options),
        listObjects: (syncId, query, options) =>
          failing ? reset() : real.listObjects(syncId, query, options),
        streamListObjects: (syncId, query, options) => {
          if (failing) throw new Error("connection reset (injected by the test)");
          return real.streamListObjects(syncId, query, options);
        },
      },
    };
  }

  it.each(["auto", "pre", "post"] as const)(
    "keeps the answer it was completing, which no longer says exhausted, whatever onPermissionError (%s)",
    async (strategy) => {
      const user = `fails-${strategy}@northwind.test`;
      const { permissions, fail } = failingReVerification();
      const mine = [fileAt("Mine/a.md").id, fileAt("Mine/b.md").id].sort();
      for (const onPermissionError of ["empty", "throw"] as const) {
        const retriever = createManagedSyncRetriever({
          client: { permissions, syncs: world.client.syncs },
          store: world.store,
          embeddings: world.embeddings,
          tenant: "northwind",
          k: 5,
          strategy,
          reverifyShortAfterMs: 0,
          onPermissionError,
        });
        fail(false);
        expect(ids(await ask(retriever, user)).sort()).toEqual(mine);
        fail(true);
        const short = await ask(retriever, user);
        expect(ids(short).sort(), onPermissionError).toEqual(mine);
        expect(short.report, onPermissionError).toMatchObject({
          returned: 2,
          exhausted: false,
          budgetHit: null,
        });
        expect(short.report.permissionError, onPermissionError).toBeUndefined();
        expect(short.report.reverified, onPermissionError).toMatchObject({
          failed: "PERMISSIONS_UNAVAILABLE",
        });
        expect(short.report.reason, onPermissionError).toMatch(
          /re-verifying it failed \(PERMISSIONS_UNAVAILABLE\): more may exist/,
        );
      }
    },
  );
});

describe("a short answer beside a caught-up follower", () => {
  it.each([
    ["auto", "Private/doc-12.md"],
    ["pre", "Private/doc-13.md"],
    ["post", "Private/doc-14.md"],
  ] as const)(
    "re-verifies nothing the follower vouches for, and the feed brings the grant (%s)",
    async (strategy, path) => {
      const user = `followed-${strategy}@northwind.test`;
      // Even with every short answer re-verifying (0): the follower's proof is worth more than age.
      const { retriever, follower } = followedRetriever(world, {
        strategy,
        k: 5,
        intervalMs: 20,
        settings: { reverifyShortAfterMs: 0 },
      });
      try {
        // Her first query names the sync to the follower; what it cached predates the following.
        await ask(retriever, user);
        await caughtUp(follower);
        await ask(retriever, user);
        const vouched = await ask(retriever, user);
        expect(vouched.report).toMatchObject({ returned: 2, exhausted: true, permissionCalls: 0 });
        expect(vouched.report.freshness.mode).toBe("follower");
        expect(vouched.report.reverified).toBeUndefined();
        const changed = preciseNow();
        await share(path, user);
        await caughtUp(follower, changed);
        const granted = await ask(retriever, user);
        expect(ids(granted)).toContain(fileAt(path).id);
        expect(granted.report.reverified).toBeUndefined();
      } finally {
        await follower.close();
      }
    },
  );
});
