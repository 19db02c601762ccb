// The emulator's Permissions API over real HTTP with plain fetch: documented bodies and answers,
// the second seed's aliases, 400s that name the problem, ownership, caps, NDJSON, faults, and
// changes through the admin API seen by the very next request.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { permissionsOf } from "../../src/emulator/authz/index.js";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/index.js";
import { type Json, smallCorpus } from "./helpers.js";

const LEO = "leo@northwind.test";
const ANA = "ana@northwind.test";
const MAYA = "maya@northwind.test";

function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ corpus: smallCorpus(), ...options });
}

interface World {
  emu: Emulator;
  token: string;
  otherToken: string;
  syncId: string;
  otherSyncId: string;
  /** Record ids by path below the sync root ("" is the root). */
  ids: Map<string, string>;
}

async function world(emu: Emulator): Promise<World> {
  const token = await emu.tokenFor("northwind");
  const otherToken = await emu.tokenFor("other-co");
  const syncs = (await (await get(emu, "/api/syncs", token)).json()) as Json;
  const others = (await (await get(emu, "/api/syncs", otherToken)).json()) as Json;
  const syncId = syncs.data[0].id as string;
  const nodes = (await admin(emu, "GET", `/syncs/${syncId}/nodes`)) as Json;
  const ids = new Map<string, string>(nodes.data.map((n: Json) => [n.path, n.id]));
  return { emu, token, otherToken, syncId, otherSyncId: others.data[0].id, ids };
}

function get(emu: Emulator, path: string, token: string) {
  return fetch(`${emu.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

function post(w: World, path: string, body: unknown, token = w.token) {
  return fetch(`${w.emu.url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function postJson(w: World, path: string, body: unknown, status = 200): Promise<Json> {
  const response = await post(w, path, body);
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(status);
  return json;
}

async function admin(emu: Emulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${emu.url}/__admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${emu.adminToken}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

function id(w: World, path: string): string {
  const found = w.ids.get(path);
  if (!found) throw new Error(`no record at ${path}`);
  return found;
}

const api = (w: World, name: string) => `/api/permissions/${w.syncId}/${name}`;
const alias = (w: World, name: string) => `/projects/${w.emu.projectId}/permissions/${name}`;

async function canRead(w: World, user: string, path: string): Promise<boolean> {
  const body = await postJson(w, api(w, "check"), { object: id(w, path), user, role: "can_read" });
  return body.hasAccess;
}

describe("Permissions API (documented paths)", () => {
  let w: World;

  beforeAll(async () => {
    w = await world(await start());
  });
  afterAll(async () => {
    await w?.emu.close();
  });

  it("check answers {hasAccess} for a plain email and for user:email, through nested groups and owners", async () => {
    const arch = id(w, "Engineering/Architecture.md");
    const check = (user: string, role: string, object = arch) =>
      postJson(w, api(w, "check"), { object, user, role });
    expect(await check(LEO, "can_read")).toEqual({ hasAccess: true });
    expect(await check(`user:${LEO}`, "can_read")).toEqual({ hasAccess: true });
    // Ana is only in platform, which is a member of engineering.
    expect(await check(ANA, "can_write")).toEqual({ hasAccess: true });
    expect(await check(ANA, "is_owner")).toEqual({ hasAccess: false });
    // Leo owns Engineering/, so he owns what is below it.
    expect(await check(LEO, "is_owner")).toEqual({ hasAccess: true });
    expect(await check(LEO, "can_read", `file:${arch}`)).toEqual({ hasAccess: true });
    expect(await check(LEO, "can_read", id(w, "HR/Salaries.csv"))).toEqual({ hasAccess: false });
    // Case does not matter in an email.
    expect(await check("LEO@Northwind.test", "can_read")).toEqual({ hasAccess: true });
  });

  it("an unknown person or record is simply denied, not an error", async () => {
    const handbook = id(w, "Company/Handbook.md");
    expect(await postJson(w, api(w, "check"), { object: handbook, user: LEO, role: "can_read" })).toEqual({
      hasAccess: true,
    });
    for (const [object, user] of [
      [handbook, "stranger@northwind.test"],
      ["00000000-0000-4000-8000-000000000000", LEO],
      // The sync root holds sharing but is not a Synced Object.
      [id(w, ""), MAYA],
    ]) {
      expect(await postJson(w, api(w, "check"), { object, user, role: "can_read" })).toEqual({
        hasAccess: false,
      });
    }
    const listed = await postJson(w, api(w, "list-objects"), {
      objectType: "file",
      user: "stranger@northwind.test",
      role: "can_read",
    });
    expect(listed).toEqual({ objects: [] });
  });

  it("answers 400 naming an unknown role, a malformed user, an unknown type or a malformed object", async () => {
    const arch = id(w, "Engineering/Architecture.md");
    const cases: [string, unknown, RegExp][] = [
      ["check", { object: arch, user: LEO, role: "viewer" }, /role "viewer".*can_read, can_write, is_owner/],
      ["check", { object: arch, user: LEO }, /role is missing/],
      ["check", { object: arch, user: "leo", role: "can_read" }, /user "leo" is malformed/],
      ["check", { object: arch, user: "group:eng#member", role: "can_read" }, /user .* is malformed/],
      ["check", { object: `doc:${arch}`, user: LEO, role: "can_read" }, /type 'doc'/],
      ["check", { object: "a b", user: LEO, role: "can_read" }, /object "a b" is malformed/],
      ["check", { user: LEO, role: "can_read" }, /object is missing/],
      ["check", "{not json", /not valid JSON/],
      ["batch-check", { checks: "nope" }, /checks must be an array/],
      ["list-objects", { objectType: "document", user: LEO, role: "can_read" }, /objectType "document"/],
      ["list-objects", { objectType: "file", user: LEO, role: "owner" }, /role "owner"/],
      ["streamed-list-objects", { objectType: "file", user: "x", role: "can_read" }, /user "x" is malformed/],
      ["list-users", { object: arch, role: "editor" }, /role "editor"/],
      ["expand", { object: arch, relation: "viewer" }, /relation "viewer" is not defined on file/],
    ];
    for (const [endpoint, body, message] of cases) {
      const response = await post(w, api(w, endpoint), body);
      const json = (await response.json()) as Json;
      expect(response.status, `${endpoint} ${JSON.stringify(body)}`).toBe(400);
      expect(json.message).toMatch(message);
      expect(json.status).toBe(400);
    }
  });

  it("answers 404 for another user's sync and an unknown sync, on every endpoint", async () => {
    for (const name of [
      "check",
      "batch-check",
      "list-users",
      "list-objects",
      "streamed-list-objects",
      "expand",
    ]) {
      for (const syncId of [w.otherSyncId, "00000000-0000-4000-8000-000000000000"]) {
        const response = await post(w, `/api/permissions/${syncId}/${name}`, {});
        expect(response.status, `${name} ${syncId}`).toBe(404);
        expect(((await response.json()) as Json).message).toBe("Sync not found");
      }
    }
    // The other user asks about their own sync fine.
    const response = await post(
      w,
      `/api/permissions/${w.otherSyncId}/list-objects`,
      { objectType: "file", user: ANA, role: "can_read" },
      w.otherToken,
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).objects).toHaveLength(1);
  });

  it("batch-check echoes each request as sent and puts a bad item's error in that item only", async () => {
    const arch = id(w, "Engineering/Architecture.md");
    const salaries = id(w, "HR/Salaries.csv");
    const checks = [
      { object: arch, user: `user:${LEO}`, role: "can_read" },
      { object: `file:${salaries}`, user: LEO, role: "can_read" },
      { object: "bad object", user: LEO, role: "can_read" },
      { object: arch, user: ANA, relation: "can_write" },
      { object: arch, user: LEO, role: "viewer" },
      "not a check",
    ];
    const body = await postJson(w, api(w, "batch-check"), { checks });
    expect(body.result).toHaveLength(checks.length);
    expect(body.result.map((r: Json) => r.request)).toEqual(checks);
    expect(body.result.map((r: Json) => r.allowed)).toEqual([true, false, false, true, false, false]);
    expect(body.result[0].error).toBeNull();
    expect(body.result[1].error).toBeNull();
    expect(body.result[2].error).toMatch(/object "bad object" is malformed/);
    expect(body.result[4].error).toMatch(/role "viewer"/);
    expect(body.result[5].error).toMatch(/each check is an object/);
    expect(await postJson(w, api(w, "batch-check"), { checks: [] })).toEqual({ result: [] });
  });

  it("list-objects lists record ids of a type, never the root; streamed-list-objects sends NDJSON", async () => {
    const files = await postJson(w, api(w, "list-objects"), {
      objectType: "file",
      user: LEO,
      role: "can_read",
    });
    expect(new Set(files.objects)).toEqual(
      new Set([
        id(w, "Engineering/Architecture.md"),
        id(w, "Engineering/Runbooks/oncall.txt"),
        id(w, "Company/Handbook.md"),
      ]),
    );
    const folders = await postJson(w, api(w, "list-objects"), {
      objectType: "folder",
      user: `user:${MAYA}`,
      role: "is_owner",
    });
    const allFolders = [...w.ids].filter(([path]) => path !== "" && !path.includes(".")).map(([, i]) => i);
    expect(new Set(folders.objects)).toEqual(new Set(allFolders));
    expect(folders.objects).not.toContain(id(w, ""));

    const response = await post(w, api(w, "streamed-list-objects"), {
      objectType: "file",
      user: LEO,
      role: "can_read",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/x-ndjson/);
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.every((line) => Object.keys(line).join() === "object")).toBe(true);
    expect(new Set(lines.map((line) => line.object))).toEqual(new Set(files.objects));
  });

  it("list-users answers sorted emails, public files and domain grants included", async () => {
    const arch = id(w, "Engineering/Architecture.md");
    expect(await postJson(w, api(w, "list-users"), { object: arch, role: "can_read" })).toEqual({
      users: [ANA, LEO, MAYA],
    });
    expect(await postJson(w, api(w, "list-users"), { object: arch, role: "is_owner" })).toEqual({
      users: [LEO, MAYA],
    });
    const handbook = id(w, "Company/Handbook.md");
    expect(await postJson(w, api(w, "list-users"), { object: `file:${handbook}`, role: "can_read" })).toEqual(
      {
        users: [ANA, LEO, MAYA],
      },
    );
  });

  it("expand returns OpenFGA's userset tree for a bare record id", async () => {
    const arch = id(w, "Engineering/Architecture.md");
    const body = await postJson(w, api(w, "expand"), { object: arch });
    expect(body.tree.root.name).toBe(`file:${arch}#can_read`);
    expect(body.tree.root.union.nodes.map((n: Json) => n.leaf)).toEqual([
      { computed: { userset: `file:${arch}#reader` } },
      { computed: { userset: `file:${arch}#can_write` } },
      {
        tupleToUserset: {
          tupleset: `file:${arch}#parent`,
          computed: [{ userset: `folder:${id(w, "Engineering")}#can_read` }],
        },
      },
    ]);
    const folder = await postJson(w, api(w, "expand"), {
      object: `folder:${id(w, "Engineering")}`,
      relation: "writer",
    });
    expect(folder.tree.root.leaf.users.users).toEqual(["group:engineering#member"]);
  });
});

describe("Permissions API limits", () => {
  let w: World;

  beforeAll(async () => {
    w = await world(await start());
  });
  afterAll(async () => {
    await w?.emu.close();
  });

  it("list-objects stops at the cap without saying so; streamed-list-objects has no cap", async () => {
    const service = permissionsOf(w.emu.state);
    expect(service.limits).toEqual({ listObjects: 1000, listUsers: 1000 });
    for (let i = 0; i < 12; i++)
      await admin(w.emu, "PUT", `/syncs/${w.syncId}/files?path=Engineering/bulk-${i}.md`);
    const body = { objectType: "file", user: LEO, role: "can_read" };
    const all = (await postJson(w, api(w, "list-objects"), body)).objects as string[];
    expect(all).toHaveLength(15);

    service.limits.listObjects = 5;
    service.limits.listUsers = 2;
    try {
      const capped = await postJson(w, api(w, "list-objects"), body);
      expect(Object.keys(capped)).toEqual(["objects"]);
      expect(capped.objects).toHaveLength(5);
      for (const object of capped.objects) expect(all).toContain(object);
      const streamed = await (await post(w, api(w, "streamed-list-objects"), body)).text();
      expect(streamed.trimEnd().split("\n")).toHaveLength(15);
      const users = await postJson(w, api(w, "list-users"), {
        object: id(w, "Engineering/Architecture.md"),
        role: "can_read",
      });
      expect(users).toEqual({ users: [ANA, LEO] });
    } finally {
      service.limits.listObjects = 1000;
      service.limits.listUsers = 1000;
    }
  });

  it("permission routes go through fault injection (pathPattern ^/api/permissions/)", async () => {
    w.emu.faults.set({ rate503: 1, pathPattern: "^/api/permissions/" });
    try {
      const faulted = await post(w, api(w, "check"), {
        object: id(w, "Engineering/Architecture.md"),
        user: LEO,
        role: "can_read",
      });
      expect(faulted.status).toBe(503);
      expect((await get(w.emu, "/api/syncs", w.token)).status).toBe(200);
    } finally {
      w.emu.faults.clear();
    }
    expect(await canRead(w, LEO, "Engineering/Architecture.md")).toBe(true);
  });
});

describe("Permissions API aliases (/projects/{projectId}/permissions)", () => {
  let w: World;

  beforeAll(async () => {
    w = await world(await start());
  });
  afterAll(async () => {
    await w?.emu.close();
  });

  it("check-access and batch-check-access take {subject, relation, object}", async () => {
    const arch = id(w, "Engineering/Architecture.md");
    const salaries = id(w, "HR/Salaries.csv");
    expect(
      await postJson(w, alias(w, "check-access"), { subject: ANA, relation: "can_read", object: arch }),
    ).toEqual({ allowed: true });
    expect(
      await postJson(w, alias(w, "check-access"), {
        subject: `user:${LEO}`,
        relation: "can_read",
        object: salaries,
      }),
    ).toEqual({ allowed: false });
    const checks = [
      { subject: LEO, relation: "can_read", object: `file:${arch}` },
      { subject: LEO, relation: "can_read", object: salaries },
      { subject: "leo", relation: "can_read", object: arch },
    ];
    const body = await postJson(w, alias(w, "batch-check-access"), { checks });
    expect(body.results.map((r: Json) => [r.allowed, r.request])).toEqual([
      [true, checks[0]],
      [false, checks[1]],
      [false, checks[2]],
    ]);
    expect(body.results[2].error).toMatch(/subject "leo" is malformed/);
  });

  it("list-users, list-objects and expand work across the caller's syncs", async () => {
    const arch = id(w, "Engineering/Architecture.md");
    expect(await postJson(w, alias(w, "list-users"), { object: arch, relation: "can_read" })).toEqual({
      users: [ANA, LEO, MAYA],
    });
    const listed = await postJson(w, alias(w, "list-objects"), { subject: ANA, relation: "can_read" });
    expect(new Set(listed.objects)).toEqual(
      new Set([arch, id(w, "Engineering/Runbooks/oncall.txt"), id(w, "Company/Handbook.md")]),
    );
    const tree = await postJson(w, alias(w, "expand"), { subject: LEO, relation: "can_read", object: arch });
    expect(tree.tree.root.name).toBe(`file:${arch}#can_read`);
  });

  it("answers 400 naming the bad relation and 404 for another project", async () => {
    const arch = id(w, "Engineering/Architecture.md");
    const bad = await post(w, alias(w, "check-access"), { subject: LEO, relation: "viewer", object: arch });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).message).toMatch(/relation "viewer" is not a Permissions API role/);
    const other = await post(w, "/projects/not-this-one/permissions/check-access", {
      subject: LEO,
      relation: "can_read",
      object: arch,
    });
    expect(other.status).toBe(404);
    // Another user's record is not found among the caller's syncs: no access.
    const nodes = (await admin(w.emu, "GET", `/syncs/${w.otherSyncId}/nodes`)) as Json;
    const secret = nodes.data.find((n: Json) => n.path === "Secret.md").id;
    expect(
      await postJson(w, alias(w, "check-access"), { subject: ANA, relation: "can_read", object: secret }),
    ).toEqual({ allowed: false });
  });
});

describe("changes through the admin API are seen by the very next request", () => {
  let w: World;

  beforeEach(async () => {
    w = await world(await start());
  });
  afterAll(async () => {
    await w?.emu.close();
  });

  it("share, unshare, group membership, move, delete and create", async () => {
    const share = (path: string, grant: unknown) =>
      admin(w.emu, "POST", `/syncs/${w.syncId}/share`, { path, grant });
    expect(await canRead(w, LEO, "HR/Salaries.csv")).toBe(false);
    await share("HR/Salaries.csv", { user: LEO, role: "reader" });
    expect(await canRead(w, LEO, "HR/Salaries.csv")).toBe(true);
    await admin(w.emu, "POST", `/syncs/${w.syncId}/unshare`, {
      path: "HR/Salaries.csv",
      principal: { user: LEO },
    });
    expect(await canRead(w, LEO, "HR/Salaries.csv")).toBe(false);

    // A folder grant reaches the subtree.
    await share("HR", { group: "platform", role: "reader" });
    expect(await canRead(w, ANA, "HR/Salaries.csv")).toBe(true);
    await admin(w.emu, "DELETE", `/groups/platform/members/${ANA}`);
    expect(await canRead(w, ANA, "HR/Salaries.csv")).toBe(false);
    expect(await canRead(w, ANA, "Engineering/Architecture.md")).toBe(false);
    await admin(w.emu, "POST", "/groups/platform/members", { member: ANA });
    expect(await canRead(w, ANA, "Engineering/Architecture.md")).toBe(true);

    // Moving a file out of Engineering/ takes away what the folder gave.
    await admin(w.emu, "POST", `/syncs/${w.syncId}/move`, {
      from: "Engineering/Architecture.md",
      to: "HR/Arch.md",
    });
    expect(await canRead(w, LEO, "Engineering/Architecture.md")).toBe(false);
    expect(await canRead(w, ANA, "Engineering/Architecture.md")).toBe(true); // platform reads HR/ now

    // Deleting a folder removes its records' access; a new file inherits its folder's grants.
    await admin(w.emu, "DELETE", `/syncs/${w.syncId}/files?path=Engineering/Runbooks`);
    expect(await canRead(w, LEO, "Engineering/Runbooks/oncall.txt")).toBe(false);
    const created = (await admin(w.emu, "GET", `/syncs/${w.syncId}/nodes`)) as Json;
    await admin(w.emu, "PUT", `/syncs/${w.syncId}/files?path=Engineering/New.md`);
    const after = (await admin(w.emu, "GET", `/syncs/${w.syncId}/nodes`)) as Json;
    const fresh = after.data.find((n: Json) => n.path === "Engineering/New.md").id;
    expect(created.data.some((n: Json) => n.id === fresh)).toBe(false);
    expect(await postJson(w, api(w, "check"), { object: fresh, user: LEO, role: "can_write" })).toEqual({
      hasAccess: true,
    });

    // A new person in the domain reads what the domain is granted.
    await admin(w.emu, "POST", "/people", { email: "new@northwind.test" });
    expect(await canRead(w, "new@northwind.test", "Company/Handbook.md")).toBe(true);
    expect(await canRead(w, "new@northwind.test", "HR/Salaries.csv")).toBe(false);
  });

  it("a deleted sync is not found; re-enabled, it answers again", async () => {
    expect(await canRead(w, LEO, "Engineering/Architecture.md")).toBe(true);
    const deleted = await fetch(`${w.emu.url}/api/syncs/${w.syncId}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${w.token}` },
    });
    expect(deleted.status).toBe(200);
    const gone = await post(w, api(w, "check"), {
      object: id(w, "Engineering/Architecture.md"),
      user: LEO,
      role: "can_read",
    });
    expect(gone.status).toBe(404);
    await postJson(w, "/api/syncs", { integration: "googledrive", pipeline: "files" });
    expect(await canRead(w, LEO, "Engineering/Architecture.md")).toBe(true);
  });
});

describe("tuples persist with the state", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-permissions-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a share made before a restart still holds after it", async () => {
    const first = await world(await start({ stateDir: dir }));
    await admin(first.emu, "POST", `/syncs/${first.syncId}/share`, {
      path: "HR/Salaries.csv",
      grant: { user: LEO, role: "reader" },
    });
    expect(await canRead(first, LEO, "HR/Salaries.csv")).toBe(true);
    await first.emu.persist();
    await first.emu.close();

    const second = await world(await start({ stateDir: dir }));
    try {
      expect(second.ids.get("HR/Salaries.csv")).toBe(first.ids.get("HR/Salaries.csv"));
      expect(await canRead(second, LEO, "HR/Salaries.csv")).toBe(true);
      expect(await canRead(second, ANA, "HR/Salaries.csv")).toBe(false);
    } finally {
      await second.emu.close();
    }
  });
});
