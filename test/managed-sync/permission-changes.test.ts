// The Permission Changes feed (GET /api/permissions/{syncId}/changes) through the real emulator and
// the real client: paging, end of feed, startTime, the type filter, both documented 400 codes,
// retention, faults, and replaying the feed rebuilds exactly the emulator's tuple set.
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { permissionsOf, TupleLedger } from "../../src/emulator/authz/index.js";
import { type Emulator, type Principal, startEmulator } from "../../src/emulator/index.js";
import {
  ManagedSyncClient,
  ManagedSyncHttpError,
  type PermissionChange,
  PermissionChangesCursorInvalidError,
  type PermissionChangesPage,
  PermissionChangesTypeMismatchError,
} from "../../src/managed-sync/index.js";
import { smallCorpus } from "../emulator/helpers.js";

let emu: Emulator;
let client: ManagedSyncClient;
let syncId: string;

/** Each describe gets its own emulator (the retention test prunes the feed's start for good). */
function withEmulator(): void {
  beforeAll(async () => {
    emu = await startEmulator({ corpus: smallCorpus() });
    client = new ManagedSyncClient({
      baseUrl: emu.url,
      auth: { token: await emu.tokenFor("northwind") },
      retry: { retries: 0 },
    });
    syncId = emu.state.syncsOf("northwind")[0]!.id;
  });

  afterAll(async () => {
    await emu?.close();
  });

  afterEach(() => {
    emu.faults.clear();
  });
}

async function readAll(
  options: Parameters<ManagedSyncClient["permissions"]["changes"]>[1] = {},
): Promise<PermissionChangesPage[]> {
  const pages: PermissionChangesPage[] = [];
  for await (const page of client.permissions.changes(syncId, options)) pages.push(page);
  return pages;
}

const key = (c: { object: string; relation: string; user: string }) => `${c.object}#${c.relation}@${c.user}`;

/** The tuple set a replay of `changes` builds, starting from `start`. */
function replay(changes: readonly PermissionChange[], start: Iterable<string> = []): Set<string> {
  const set = new Set(start);
  for (const change of changes) {
    if (change.operation === "write") set.add(key(change));
    else set.delete(key(change));
  }
  return set;
}

/** What the emulator's engine holds for the sync now. */
function engineTuples(): Set<string> {
  const sync = emu.state.syncsOf("northwind")[0]!;
  return new Set(permissionsOf(emu.state).graph.of(sync).engine.tuples().map(key));
}

/** The sync's tuples derived afresh from the state (not incrementally, as the feed and engine are). */
function freshTuples(): Set<string> {
  const ledger = new TupleLedger(emu.state);
  try {
    return new Set(ledger.tuplesOf(emu.state.syncsOf("northwind")[0]!).map(key));
  } finally {
    ledger.close();
  }
}

const endToken = async (options: { type?: string } = {}) =>
  (await readAll(options)).at(-1)!.continuationToken;

describe("Permission Changes feed", () => {
  withEmulator();

  it("pages from the beginning in bounded pages and ends with an empty page carrying the token that was sent", async () => {
    const pages = await readAll({ pageSize: 7 });
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages.slice(0, -1)) {
      expect(page.changes.length).toBeGreaterThan(0);
      expect(page.changes.length).toBeLessThanOrEqual(7);
      expect(page.end).toBe(false);
    }
    const last = pages.at(-1)!;
    expect(last).toMatchObject({ changes: [], end: true });
    expect(last.continuationToken).toBe(pages.at(-2)!.continuationToken);
    // From the beginning the feed holds the writes that build today's tuple set.
    expect(replay(pages.flatMap((p) => p.changes))).toEqual(engineTuples());
    const first = pages[0]!.changes[0]!;
    expect(first).toMatchObject({ operation: "write" });
    expect(Date.parse(first.timestamp!)).toBeGreaterThan(0);
  });

  it("polls with a saved token: nothing new is one empty page, a change shows its tuple writes and deletes in order", async () => {
    const saved = await endToken();
    const idle = await readAll({ continuationToken: saved });
    expect(idle).toEqual([{ changes: [], continuationToken: saved, end: true }]);

    const file = emu.state.nodeAt(syncId, "HR/Salaries.csv");
    emu.state.share(syncId, "HR/Salaries.csv", {
      principal: { type: "user", email: "leo@northwind.test" },
      role: "reader",
    });
    emu.state.unshare(syncId, "HR/Salaries.csv", { type: "user", email: "leo@northwind.test" });
    emu.state.removeGroupMember("platform", { type: "user", email: "ana@northwind.test" });
    emu.state.addGroupMember("platform", { type: "user", email: "ana@northwind.test" });
    const pages = await readAll({ continuationToken: saved });
    const changes = pages.flatMap((p) => p.changes).map((c) => `${c.operation} ${key(c)}`);
    expect(changes).toEqual([
      `write file:${file.id}#reader@user:leo@northwind.test`,
      `delete file:${file.id}#reader@user:leo@northwind.test`,
      "delete group:platform#member@user:ana@northwind.test",
      "write group:platform#member@user:ana@northwind.test",
    ]);
    expect(pages.at(-1)!.end).toBe(true);
  });

  it("starts at startTime when no token is given", async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = new Date();
    emu.state.share(syncId, "Company/Handbook.md", {
      principal: { type: "user", email: "ana@northwind.test" },
      role: "writer",
    });
    const changes = (await readAll({ startTime: since })).flatMap((p) => p.changes);
    expect(changes.map((c) => c.relation)).toEqual(["writer"]);
    const future = await readAll({ startTime: new Date(Date.now() + 60_000) });
    expect(future).toHaveLength(1);
    expect(future[0]!.changes).toEqual([]);
  });

  it("filters by object type, and a token is bound to the type it was issued for", async () => {
    const groups = (await readAll({ type: "group" })).flatMap((p) => p.changes);
    expect(groups.length).toBeGreaterThan(0);
    for (const change of groups) expect(change.object.startsWith("group:")).toBe(true);
    const groupToken = await endToken({ type: "group" });
    await expect(readAll({ continuationToken: groupToken })).rejects.toBeInstanceOf(
      PermissionChangesTypeMismatchError,
    );
    await expect(readAll({ continuationToken: groupToken, type: "file" })).rejects.toMatchObject({
      code: "PERMISSION_CHANGES_CURSOR_TYPE_MISMATCH",
      status: 400,
    });
    const untyped = await endToken();
    await expect(readAll({ continuationToken: untyped, type: "group" })).rejects.toBeInstanceOf(
      PermissionChangesTypeMismatchError,
    );
  });

  it("refuses a token it did not issue, or another sync's, with PERMISSION_CHANGES_CURSOR_INVALID", async () => {
    await expect(readAll({ continuationToken: "not-a-token" })).rejects.toBeInstanceOf(
      PermissionChangesCursorInvalidError,
    );
    const otherSync = emu.state.syncsOf("other-co")[0]!.id;
    const otherClient = new ManagedSyncClient({
      baseUrl: emu.url,
      auth: { token: await emu.tokenFor("other-co") },
      retry: { retries: 0 },
    });
    let otherToken = "";
    for await (const page of otherClient.permissions.changes(otherSync)) otherToken = page.continuationToken;
    await expect(readAll({ continuationToken: otherToken })).rejects.toMatchObject({
      code: "PERMISSION_CHANGES_CURSOR_INVALID",
      status: 400,
    });
    // Another Connected User's sync is not found, as for every Permissions API call.
    await expect(otherClient.permissions.changes(syncId).next()).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("invalidates a token once changes after it fall out of the retention window", async () => {
    const service = permissionsOf(emu.state);
    const kept = service.changeRetentionMs;
    try {
      const saved = await endToken();
      emu.state.share(syncId, "HR/Salaries.csv", {
        principal: { type: "user", email: "ana@northwind.test" },
        role: "reader",
      });
      // Within the window: readable.
      expect((await readAll({ continuationToken: saved })).flatMap((p) => p.changes)).toHaveLength(1);
      const caughtUp = await endToken();
      const admin = await fetch(`${emu.url}/__admin/permission-changes`, {
        method: "PUT",
        headers: { authorization: `Bearer ${emu.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ retentionMs: 40 }),
      });
      expect(admin.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 80));
      await expect(readAll({ continuationToken: saved })).rejects.toBeInstanceOf(
        PermissionChangesCursorInvalidError,
      );
      // A reader that was caught up lost nothing: its token stays valid.
      expect(await readAll({ continuationToken: caughtUp })).toHaveLength(1);
    } finally {
      service.changeRetentionMs = kept;
    }
  });

  it("goes through fault injection like every API call", async () => {
    emu.faults.set({ rate503: 1, pathPattern: "/changes$" });
    await expect(readAll()).rejects.toBeInstanceOf(ManagedSyncHttpError);
    await expect(readAll()).rejects.toMatchObject({ code: "SERVER_ERROR" });
    emu.faults.clear();
    const retrying = new ManagedSyncClient({
      baseUrl: emu.url,
      auth: { token: await emu.tokenFor("northwind") },
      retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    emu.faults.set({ rate503: 0.5, pathPattern: "/changes$", seed: 3 });
    let pages = 0;
    for await (const _ of retrying.permissions.changes(syncId, { pageSize: 50 })) pages++;
    expect(pages).toBeGreaterThan(0);
  });
});

describe("replaying the feed rebuilds the emulator's tuple set", () => {
  withEmulator();

  const PEOPLE = ["maya@northwind.test", "leo@northwind.test", "ana@northwind.test"];
  const PATHS = [
    "Engineering",
    "Engineering/Architecture.md",
    "Engineering/Runbooks",
    "Company/Handbook.md",
    "HR",
  ];
  const principal = fc.oneof(
    fc.constantFrom(...PEOPLE).map((email): Principal => ({ type: "user", email })),
    fc.constantFrom("engineering", "platform").map((id): Principal => ({ type: "group", id })),
    fc.constant<Principal>({ type: "domain", domain: "northwind.test" }),
    fc.constant<Principal>({ type: "anyone", scope: "public" }),
  );
  const path = fc.constantFrom(...PATHS, "Moved", "Moved/Deeper");
  const op = fc.oneof(
    fc.record({
      kind: fc.constant("share" as const),
      path,
      principal,
      role: fc.constantFrom("reader", "writer"),
    }),
    fc.record({ kind: fc.constant("unshare" as const), path, principal }),
    fc.record({ kind: fc.constant("owner" as const), path, email: fc.constantFrom(...PEOPLE) }),
    fc.record({
      kind: fc.constant("member" as const),
      add: fc.boolean(),
      group: fc.constantFrom("engineering", "platform"),
      email: fc.constantFrom(...PEOPLE),
    }),
    fc.record({
      kind: fc.constant("move" as const),
      from: path,
      to: fc.constantFrom("Moved/x", "Moved/Deeper/y", "HR/z"),
    }),
    fc.record({ kind: fc.constant("remove" as const), path }),
    fc.record({
      kind: fc.constant("put" as const),
      path: fc.constantFrom("Engineering/new.md", "Moved/Deeper/n.md"),
    }),
    fc.record({ kind: fc.constant("person" as const), n: fc.integer({ min: 0, max: 1_000 }) }),
  );
  type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

  // Through the admin API, so each change is a real request, as a test of Paragon would make it.
  async function admin(method: string, path: string, body: unknown): Promise<void> {
    await fetch(`${emu.url}/__admin${path}`, {
      method,
      headers: { authorization: `Bearer ${emu.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  async function apply(o: Op): Promise<void> {
    const who = (p: Principal) =>
      p.type === "user"
        ? { user: p.email }
        : p.type === "group"
          ? { group: p.id }
          : p.type === "domain"
            ? { domain: p.domain }
            : { anyone: p.scope };
    switch (o.kind) {
      case "share":
        return admin("POST", `/syncs/${syncId}/share`, {
          path: o.path,
          grant: { ...who(o.principal), role: o.role },
        });
      case "unshare":
        return admin("POST", `/syncs/${syncId}/unshare`, { path: o.path, principal: who(o.principal) });
      case "owner":
        return admin("POST", `/syncs/${syncId}/share`, { path: o.path, owner: o.email });
      case "member":
        if (o.add) return admin("POST", `/groups/${o.group}/members`, { member: o.email });
        await fetch(`${emu.url}/__admin/groups/${o.group}/members/${encodeURIComponent(o.email)}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${emu.adminToken}` },
        });
        return;
      case "move":
        return admin("POST", `/syncs/${syncId}/move`, { from: o.from, to: o.to });
      case "remove":
        await fetch(`${emu.url}/__admin/syncs/${syncId}/files?path=${encodeURIComponent(o.path)}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${emu.adminToken}` },
        });
        return;
      case "put":
        await fetch(`${emu.url}/__admin/syncs/${syncId}/files?path=${encodeURIComponent(o.path)}`, {
          method: "PUT",
          headers: { authorization: `Bearer ${emu.adminToken}`, "content-type": "text/plain" },
          body: "x",
        });
        return;
      case "person":
        return admin("POST", "/people", { email: `p${o.n}@northwind.test` });
    }
  }

  it("from the start, and from a token saved before the changes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const before = engineTuples();
        const saved = await endToken();
        for (const o of ops) await apply(o);
        const after = freshTuples();
        const diff = (a: Set<string>, b: Set<string>) => [
          [...a].filter((x) => !b.has(x)),
          [...b].filter((x) => !a.has(x)),
        ];
        expect(diff(engineTuples(), after)).toEqual([[], []]);
        const incremental = (await readAll({ continuationToken: saved, pageSize: 3 })).flatMap(
          (p) => p.changes,
        );
        expect(diff(replay(incremental, before), after)).toEqual([[], []]);
        const full = (await readAll({ pageSize: 1_000 })).flatMap((p) => p.changes);
        expect(diff(replay(full), after)).toEqual([[], []]);
      }),
      { numRuns: 30, seed: 12 },
    );
  });
});
