import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ManagedSyncAccessControl,
  type PermissionsClient,
  PermissionsTimeoutError,
  PermissionsUnavailableError,
  SyncCatalog,
} from "../../src/access/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";

/**
 * A fake of Paragon's Permissions API on loopback, for the answer shapes the emulator does not
 * produce: objects echoed as `file:<id>`, per-item errors, a list cut at the cap, an outage.
 */
const fake = {
  grants: new Map<string, Set<string>>(), // `${syncId}/${user}` → record ids
  erroring: new Set<string>(),
  silent: new Set<string>(), // record ids batch-check leaves out of its answer
  requests: [] as string[],
  /**
   * The requests sent, a retry of the same request (same body) counted once: a client may retry
   * a healthy call on a loaded machine, and what these tests count is the requests the access layer
   * made, not the transport's attempts.
   */
  distinct: new Map<string, string>(),
  mode: "ok" as "ok" | "down" | "slow",
};

/** Distinct requests (`METHOD /path`) whose path matches. */
const sent = (match: (request: string) => boolean) => [...fake.distinct.values()].filter(match);

function grant(syncId: string, user: string, ids: string[]) {
  const key = `${syncId}/${user}`;
  const set = fake.grants.get(key) ?? new Set();
  for (const id of ids) set.add(id);
  fake.grants.set(key, set);
}

const app = new Hono();
app.use(async (c, next) => {
  fake.requests.push(`${c.req.method} ${c.req.path}`);
  const body = c.req.method === "POST" ? await c.req.raw.clone().text() : "";
  fake.distinct.set(`${c.req.method} ${c.req.path} ${body}`, `${c.req.method} ${c.req.path}`);
  if (fake.mode === "down") return c.json({ message: "unavailable" }, 503);
  if (fake.mode === "slow") await new Promise((resolve) => setTimeout(resolve, 1_000));
  return next();
});
app.get("/api/syncs", (c) =>
  c.json({
    data: [
      { id: "drive", integration: "googledrive", pipeline: "files", status: "IDLE" },
      { id: "sharepoint", integration: "sharepoint", pipeline: "files", status: "IDLE" },
      { id: "crm", integration: "salesforce", pipeline: "crm", status: "IDLE" },
    ],
  }),
);
app.post("/api/permissions/:syncId/batch-check", async (c) => {
  const syncId = c.req.param("syncId");
  const body = (await c.req.json()) as { checks: { object: string; user: string; role: string }[] };
  return c.json({
    result: body.checks
      .filter((check) => !fake.silent.has(check.object))
      .map((check) => {
        const user = check.user.replace(/^user:/, "");
        const request = { ...check, object: `file:${check.object}` };
        if (fake.erroring.has(check.object))
          return { allowed: false, request, error: "could not resolve the graph" };
        return { allowed: fake.grants.get(`${syncId}/${user}`)?.has(check.object) ?? false, request };
      }),
  });
});
const listed = (syncId: string, user: string) => [...(fake.grants.get(`${syncId}/${user}`) ?? [])];
app.post("/api/permissions/:syncId/list-objects", async (c) => {
  const body = (await c.req.json()) as { user: string };
  // Like the real server: silently cut at 1000.
  return c.json({ objects: listed(c.req.param("syncId"), body.user).slice(0, 1000) });
});
app.post("/api/permissions/:syncId/streamed-list-objects", async (c) => {
  const body = (await c.req.json()) as { user: string };
  const lines = listed(c.req.param("syncId"), body.user).map(
    (object) => `${JSON.stringify({ object: `file:${object}` })}\n`,
  );
  return c.body(lines.join(""), 200, { "content-type": "application/x-ndjson" });
});

let server: Server;
let client: ManagedSyncClient;
/** Times out quickly: only for the "too slow" test (a short timeout on a loaded machine retries healthy calls). */
let impatient: ManagedSyncClient;

beforeAll(async () => {
  server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const options = {
    baseUrl: `http://127.0.0.1:${port}`,
    auth: { token: "test-token" },
    retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
  };
  client = new ManagedSyncClient({ ...options, timeoutMs: 10_000 });
  impatient = new ManagedSyncClient({ ...options, timeoutMs: 200 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
});

beforeEach(() => {
  fake.grants.clear();
  fake.erroring.clear();
  fake.silent.clear();
  fake.requests.length = 0;
  fake.distinct.clear();
  fake.mode = "ok";
});

function access(options: Partial<ConstructorParameters<typeof ManagedSyncAccessControl>[0]> = {}) {
  const catalog = new SyncCatalog(client.syncs);
  return new ManagedSyncAccessControl({
    permissions: client.permissions,
    syncKind: (syncId, signal) => catalog.kind(syncId, signal),
    batchSize: 10,
    ...options,
  });
}

describe("ManagedSyncAccessControl.batchCheck", () => {
  it("accepts the Managed Sync client's permissions namespace as its port", () => {
    const port: PermissionsClient = client.permissions;
    expect(port).toBeDefined();
  });

  it("checks each sync with its own requests, maps file: echoes back, keeps errors apart from denies", async () => {
    grant("drive", "ana@x.test", ["d1", "d3"]);
    grant("sharepoint", "ana@x.test", ["s2"]);
    fake.erroring.add("d2");
    const objects = [
      { syncId: "drive", recordId: "d1" },
      { syncId: "sharepoint", recordId: "s1" },
      { syncId: "drive", recordId: "d2" },
      { syncId: "sharepoint", recordId: "s2" },
      { syncId: "drive", recordId: "d3" },
      { syncId: "drive", recordId: "d1" },
    ];
    const { decisions, calls } = await access().batchCheck("user:ana@x.test", objects, "can_read");
    expect(decisions).toEqual([
      { kind: "allow" },
      { kind: "deny" },
      { kind: "error", reason: "could not resolve the graph" },
      { kind: "allow" },
      { kind: "allow" },
      { kind: "allow" },
    ]);
    const checks = sent((r) => r.endsWith("/batch-check"));
    expect(checks.sort()).toEqual([
      "POST /api/permissions/drive/batch-check",
      "POST /api/permissions/sharepoint/batch-check",
    ]);
    expect(calls).toBe(2);
  });

  it("turns a check the Permissions API gives no answer for into an error (a deny)", async () => {
    grant("drive", "ana@x.test", ["d1", "d2"]);
    fake.silent.add("d2");
    const objects = [
      { syncId: "drive", recordId: "d1" },
      { syncId: "drive", recordId: "d2" },
    ];
    const { decisions } = await access().batchCheck("ana@x.test", objects, "can_read");
    expect(decisions[0]).toEqual({ kind: "allow" });
    expect(decisions[1]).toMatchObject({ kind: "error" });
  });

  it("turns an object missing from the client's results into an error (a deny)", async () => {
    grant("drive", "ana@x.test", ["d1", "d2"]);
    const dropping: PermissionsClient = {
      listObjects: client.permissions.listObjects.bind(client.permissions),
      streamListObjects: client.permissions.streamListObjects.bind(client.permissions),
      batchCheck: async (...args: Parameters<PermissionsClient["batchCheck"]>) =>
        (await client.permissions.batchCheck(...args)).filter((result) => result.object !== "d2"),
    };
    const objects = [
      { syncId: "drive", recordId: "d1" },
      { syncId: "drive", recordId: "d2" },
    ];
    const { decisions } = await access({ permissions: dropping }).batchCheck(
      "ana@x.test",
      objects,
      "can_read",
    );
    expect(decisions).toEqual([
      { kind: "allow" },
      { kind: "error", reason: "the Permissions API gave no answer for it" },
    ]);
  });

  it("by default asks a first page's rest (120 checks of one sync) in one request, and 201 in two", async () => {
    // A stranger's first query checks the rest of its first page (k × 15 − k × 3 = 120 for k = 10)
    // when the best fall short: at the old default of 100 that was two requests to one server.
    const ids = Array.from({ length: 201 }, (_, i) => `r${i}`);
    grant("drive", "ana@x.test", ["r7", "r150"]);
    const defaults = access({ batchSize: undefined });
    const rest = await defaults.batchCheck(
      "ana@x.test",
      ids.slice(0, 120).map((recordId) => ({ syncId: "drive", recordId })),
      "can_read",
    );
    expect(rest.calls).toBe(1);
    expect(sent((r) => r.endsWith("/batch-check"))).toHaveLength(1);
    expect(rest.decisions.filter((d) => d.kind === "allow")).toHaveLength(1);
    fake.distinct.clear();
    const more = await defaults.batchCheck(
      "ana@x.test",
      ids.map((recordId) => ({ syncId: "drive", recordId })),
      "can_read",
    );
    expect(more.calls).toBe(2);
    expect(sent((r) => r.endsWith("/batch-check"))).toHaveLength(2);
    expect(more.decisions.flatMap((d, i) => (d.kind === "allow" ? [ids[i]] : []))).toEqual(["r7", "r150"]);
  });

  it("splits a sync's checks into batches and counts every request", async () => {
    const ids = Array.from({ length: 35 }, (_, i) => `d${i}`);
    grant(
      "drive",
      "ana@x.test",
      ids.filter((_, i) => i % 2 === 0),
    );
    const { decisions, calls } = await access().batchCheck(
      "ana@x.test",
      ids.map((recordId) => ({ syncId: "drive", recordId })),
      "can_read",
    );
    expect(calls).toBe(4);
    expect(sent((r) => r.endsWith("/batch-check"))).toHaveLength(4);
    expect(decisions.map((d) => d.kind)).toEqual(ids.map((_, i) => (i % 2 === 0 ? "allow" : "deny")));
  });

  it("denies records of a sync without a Permissions API, and refuses the removed tenantWideSyncs", async () => {
    const objects = [{ syncId: "crm", recordId: "c1" }];
    const closed = await access().batchCheck("ana@x.test", objects, "can_read");
    expect(closed.decisions[0]).toMatchObject({ kind: "error" });
    expect((closed.decisions[0] as { reason: string }).reason).toMatch(/record policy/);
    expect(fake.requests.filter((r) => r.includes("/permissions/crm"))).toEqual([]);
    // It used to allow these records to ANY subject (mallory@competitor.example, "*"): now it is an error.
    expect(() => access({ tenantWideSyncs: ["crm"] } as object)).toThrow(/tenantWideSyncs was removed/);
  });

  it("denies records of a sync the tenant does not have", async () => {
    const { decisions } = await access().batchCheck(
      "ana@x.test",
      [{ syncId: "gone", recordId: "g1" }],
      "can_read",
    );
    expect(decisions[0]?.kind).toBe("error");
  });

  it("raises PermissionsUnavailableError when the API is down", async () => {
    const ac = access();
    await ac.batchCheck("ana@x.test", [{ syncId: "drive", recordId: "d1" }], "can_read");
    fake.mode = "down";
    const failing = ac.batchCheck("ana@x.test", [{ syncId: "drive", recordId: "d1" }], "can_read");
    await expect(failing).rejects.toBeInstanceOf(PermissionsUnavailableError);
  });

  it("fails closed, typed, when the tenant's syncs cannot be listed", async () => {
    fake.mode = "down";
    const failing = access().batchCheck("ana@x.test", [{ syncId: "drive", recordId: "d1" }], "can_read");
    await expect(failing).rejects.toBeInstanceOf(PermissionsUnavailableError);
  });

  it("raises PermissionsTimeoutError when the API is too slow", async () => {
    const ac = access({ syncKind: () => "files", permissions: impatient.permissions });
    fake.mode = "slow";
    const failing = ac.batchCheck("ana@x.test", [{ syncId: "drive", recordId: "d1" }], "can_read");
    await expect(failing).rejects.toBeInstanceOf(PermissionsTimeoutError);
  });
});

describe("ManagedSyncAccessControl.listObjects", () => {
  it("returns a short list as complete after one call", async () => {
    grant("drive", "ana@x.test", ["d1", "d2"]);
    const list = await access().listObjects("ana@x.test", "can_read", "drive");
    expect(list).toEqual({ recordIds: ["d1", "d2"], complete: true, calls: 1 });
  });

  it("falls back to the streamed endpoint when the plain one hits its cap", async () => {
    const ids = Array.from({ length: 2_500 }, (_, i) => `d${i}`);
    grant("drive", "ana@x.test", ids);
    const list = await access().listObjects("ana@x.test", "can_read", "drive");
    expect(list.complete).toBe(true);
    expect(list.calls).toBe(2);
    expect(new Set(list.recordIds)).toEqual(new Set(ids));
  });

  it("goes to the streamed endpoint at once for a list known to be past the plain cap", async () => {
    const ids = Array.from({ length: 2_500 }, (_, i) => `d${i}`);
    grant("drive", "ana@x.test", ids);
    const list = await access().listObjects("ana@x.test", "can_read", "drive", undefined, {
      expectedRecords: 2_400,
    });
    expect(list).toMatchObject({ complete: true, calls: 1 });
    expect(new Set(list.recordIds)).toEqual(new Set(ids));
    expect(sent((r) => r.includes("list-objects"))).toEqual([
      "POST /api/permissions/drive/streamed-list-objects",
    ]);
  });

  it("asks only the plain endpoint for a stranger: past its cap the list comes back partial, never streamed", async () => {
    grant("drive", "ana@x.test", ["d1", "d2"]);
    const small = await access().listObjects("ana@x.test", "can_read", "drive", undefined, {
      unknownSize: true,
    });
    expect(small).toEqual({ recordIds: ["d1", "d2"], complete: true, calls: 1 });
    const ids = Array.from({ length: 2_500 }, (_, i) => `d${i}`);
    grant("drive", "leo@x.test", ids);
    fake.distinct.clear();
    const probe = await access().listObjects("leo@x.test", "can_read", "drive", undefined, {
      unknownSize: true,
    });
    expect(probe).toMatchObject({ complete: false, partial: true, calls: 1 });
    expect(probe.recordIds).toHaveLength(1_000);
    for (const id of probe.recordIds) expect(ids).toContain(id);
    expect(sent((r) => r.includes("list-objects"))).toEqual(["POST /api/permissions/drive/list-objects"]);
    // Known to be past the cap now: the streamed endpoint alone gives the whole list.
    fake.distinct.clear();
    const whole = await access().listObjects("leo@x.test", "can_read", "drive", undefined, {
      expectedRecords: probe.recordIds.length + 1,
    });
    expect(whole).toMatchObject({ complete: true, calls: 1 });
    expect(new Set(whole.recordIds)).toEqual(new Set(ids));
    expect(sent((r) => r.includes("list-objects"))).toEqual([
      "POST /api/permissions/drive/streamed-list-objects",
    ]);
  });

  it("streams a stranger's probe when asked (streamUpTo): a list within it whole in one call, past it cut there", async () => {
    const ids = Array.from({ length: 2_500 }, (_, i) => `d${i}`);
    grant("drive", "ana@x.test", ids);
    fake.distinct.clear();
    const whole = await access().listObjects("ana@x.test", "can_read", "drive", undefined, {
      unknownSize: true,
      streamUpTo: 5_000,
    });
    // Past the plain endpoint's cap of 1,000, yet whole: the streamed endpoint alone, once.
    expect(whole).toMatchObject({ complete: true, calls: 1 });
    expect(whole.partial).toBeUndefined();
    expect(new Set(whole.recordIds)).toEqual(new Set(ids));
    expect(sent((r) => r.includes("list-objects"))).toEqual([
      "POST /api/permissions/drive/streamed-list-objects",
    ]);
    fake.distinct.clear();
    const cut = await access().listObjects("ana@x.test", "can_read", "drive", undefined, {
      unknownSize: true,
      streamUpTo: 600,
    });
    expect(cut).toMatchObject({ complete: false, partial: true, calls: 1 });
    expect(cut.recordIds).toHaveLength(600);
    for (const id of cut.recordIds) expect(ids).toContain(id);
    expect(sent((r) => r.includes("list-objects"))).toEqual([
      "POST /api/permissions/drive/streamed-list-objects",
    ]);
  });

  it("marks a streamed probe cut at maxListSize incomplete, not partial: the whole list would be cut there too", async () => {
    const ids = Array.from({ length: 2_500 }, (_, i) => `d${i}`);
    grant("drive", "ana@x.test", ids);
    const cut = await access({ maxListSize: 1_200 }).listObjects(
      "ana@x.test",
      "can_read",
      "drive",
      undefined,
      {
        unknownSize: true,
        streamUpTo: 5_000,
      },
    );
    expect(cut).toMatchObject({ complete: false, calls: 1 });
    expect(cut.partial).toBeUndefined();
    expect(cut.recordIds).toHaveLength(1_200);
  });

  it("streams one id at a time from a client without batches", async () => {
    const ids = Array.from({ length: 1_500 }, (_, i) => `d${i}`);
    grant("drive", "ana@x.test", ids);
    const real = client.permissions;
    const oneAtATime: PermissionsClient = {
      batchCheck: real.batchCheck.bind(real),
      listObjects: real.listObjects.bind(real),
      streamListObjects: real.streamListObjects.bind(real),
    };
    const list = await access({ permissions: oneAtATime }).listObjects("ana@x.test", "can_read", "drive");
    expect(list).toMatchObject({ complete: true, calls: 2 });
    expect(new Set(list.recordIds)).toEqual(new Set(ids));
  });

  it("reports a list cut by its own size bound as incomplete, never as complete", async () => {
    grant(
      "drive",
      "ana@x.test",
      Array.from({ length: 1_500 }, (_, i) => `d${i}`),
    );
    const list = await access({ maxListSize: 1_200 }).listObjects("ana@x.test", "can_read", "drive");
    expect(list.complete).toBe(false);
  });

  it("lists nothing for a record sync (record policies decide those, in RecordPolicyAccess)", async () => {
    expect(await access().listObjects("ana@x.test", "can_read", "crm")).toEqual({
      recordIds: [],
      complete: true,
      calls: 0,
    });
  });

  it("raises a typed error when the API is down", async () => {
    fake.mode = "down";
    await expect(
      access({ syncKind: () => "files" }).listObjects("ana@x.test", "can_read", "drive"),
    ).rejects.toBeInstanceOf(PermissionsUnavailableError);
  });
});
