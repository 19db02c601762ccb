import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ChangeEvent, type Emulator, startEmulator } from "../../src/emulator/index.js";
import { admin, call, pullAll, smallCorpus, syncOf } from "./helpers.js";

describe("admin API", () => {
  let emu: Emulator;
  let syncId: string;
  let events: ChangeEvent[];

  beforeEach(async () => {
    emu = await startEmulator({ corpus: smallCorpus() });
    syncId = syncOf(emu, "northwind");
    events = [];
    emu.state.on("change", (e) => events.push(e));
  });
  afterEach(() => emu.close());

  const post = (path: string, body: unknown) =>
    admin(emu, path, { method: "POST", body: JSON.stringify(body) });
  const node = (path: string) => emu.state.nodeAt(syncId, path);

  it("creates a file with its missing folders, then replaces its content", async () => {
    const created = await admin(emu, `/syncs/${syncId}/files?path=Legal/Contracts/nda.md`, {
      method: "PUT",
      body: "NDA v1",
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      type: "file",
      path: "Legal/Contracts/nda.md",
      mimeType: "text/markdown",
      size: 6,
    });
    expect(events.map((e) => e.type)).toEqual(["record_created", "record_created", "record_created"]);
    const firstSeq = created.body.data.seq;
    const replaced = await admin(emu, `/syncs/${syncId}/files?path=Legal/Contracts/nda.md`, {
      method: "PUT",
      body: "NDA v2!",
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.data.id).toBe(created.body.data.id);
    expect(replaced.body.data.seq).toBeGreaterThan(firstSeq);
    expect(replaced.body.data.updatedAt >= created.body.data.updatedAt).toBe(true);
    expect(events.at(-1)).toEqual({
      type: "record_updated",
      tenant: "northwind",
      syncId,
      integration: "googledrive",
      recordId: created.body.data.id,
      model: "files",
    });
    const token = await emu.tokenFor("northwind");
    const content = await call(emu, token, `/api/syncs/${syncId}/records/${created.body.data.id}/content`);
    expect(content.body).toBe("NDA v2!");
  });

  it("refuses a file where a folder is, a move onto an existing path, and unknown paths", async () => {
    expect(
      (await admin(emu, `/syncs/${syncId}/files?path=Engineering`, { method: "PUT", body: "x" })).status,
    ).toBe(409);
    expect(
      (await post(`/syncs/${syncId}/move`, { from: "HR/Salaries.csv", to: "Company/Handbook.md" })).status,
    ).toBe(409);
    expect(
      (await post(`/syncs/${syncId}/move`, { from: "Engineering", to: "Engineering/Runbooks/inside" }))
        .status,
    ).toBe(400);
    const missing = await admin(emu, `/syncs/${syncId}/files?path=nope.txt`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("PATH_NOT_FOUND");
    expect((await admin(emu, `/syncs/${syncId}/files?path=../x`, { method: "PUT", body: "x" })).status).toBe(
      400,
    );
    expect((await admin(emu, `/syncs/unknown/files?path=x`, { method: "PUT", body: "x" })).status).toBe(404);
    expect(events).toEqual([]);
  });

  it("deletes a folder with its subtree", async () => {
    const res = await admin(emu, `/syncs/${syncId}/files?path=Engineering`, { method: "DELETE" });
    expect(res.body).toEqual({ deleted: 4 });
    expect(events.map((e) => e.type)).toEqual(Array(4).fill("record_deleted"));
    const token = await emu.tokenFor("northwind");
    const { records } = await pullAll(emu, token, syncId);
    expect(
      records.map((r) => r.customFields.fullPath).filter((p: string) => p.startsWith("/Engineering")),
    ).toEqual([]);
  });

  it("shares and unshares without touching seq, updatedAt or the hash", async () => {
    const before = { ...node("HR/Salaries.csv") };
    const shared = await post(`/syncs/${syncId}/share`, {
      path: "HR/Salaries.csv",
      grant: { user: "leo@northwind.test", role: "reader" },
    });
    expect(shared.status).toBe(200);
    expect(shared.body.data.grants).toEqual([
      { principal: { type: "user", email: "leo@northwind.test" }, role: "reader" },
    ]);
    // sharing again with another role replaces the grant
    await post(`/syncs/${syncId}/share`, {
      path: "HR/Salaries.csv",
      grant: { user: "leo@northwind.test", role: "writer" },
    });
    expect(node("HR/Salaries.csv").grants).toEqual([
      { principal: { type: "user", email: "leo@northwind.test" }, role: "writer" },
    ]);
    const after = node("HR/Salaries.csv");
    expect([after.seq, after.updatedAt, after.hash]).toEqual([before.seq, before.updatedAt, before.hash]);
    expect(events.map((e) => e.type)).toEqual(["sharing_changed", "sharing_changed"]);

    const unshared = await post(`/syncs/${syncId}/unshare`, {
      path: "HR/Salaries.csv",
      principal: { user: "leo@northwind.test" },
    });
    expect(unshared.body).toEqual({ removed: true });
    expect(
      (
        await post(`/syncs/${syncId}/unshare`, {
          path: "HR/Salaries.csv",
          principal: { user: "leo@northwind.test" },
        })
      ).body,
    ).toEqual({
      removed: false,
    });

    await post(`/syncs/${syncId}/share`, { path: "", grant: { anyone: "link", role: "reader" } });
    expect(emu.state.requireSync(syncId).tree.root.grants).toEqual([
      { principal: { type: "anyone", scope: "link" }, role: "reader" },
    ]);
    await post(`/syncs/${syncId}/share`, { path: "HR", owner: "leo@northwind.test" });
    expect(node("HR").owner).toBe("leo@northwind.test");
  });

  it("refuses sharing with unknown people or groups, and a grant with two principals", async () => {
    const person = await post(`/syncs/${syncId}/share`, {
      path: "HR",
      grant: { user: "who@northwind.test", role: "reader" },
    });
    expect(person.status).toBe(400);
    expect(person.body.message).toMatch(/who@northwind.test/);
    expect(
      (await post(`/syncs/${syncId}/share`, { path: "HR", grant: { group: "ghosts", role: "reader" } }))
        .status,
    ).toBe(404);
    const two = await post(`/syncs/${syncId}/share`, {
      path: "HR",
      grant: { user: "leo@northwind.test", group: "platform", role: "reader" },
    });
    expect(two.status).toBe(400);
    expect(
      (
        await post(`/syncs/${syncId}/share`, {
          path: "HR",
          grant: { user: "leo@northwind.test", role: "editor" },
        })
      ).status,
    ).toBe(400);
  });

  it("adds and removes group members (nested groups, no cycles) and people", async () => {
    expect((await post("/people", { email: "hana@northwind.test", name: "Hana" })).status).toBe(200);
    const added = await post("/groups/platform/members", { member: "hana@northwind.test" });
    expect(added.body.added).toBe(true);
    expect(emu.state.directory.group("platform")?.members).toContainEqual({
      type: "user",
      email: "hana@northwind.test",
    });
    const cycle = await post("/groups/platform/members", { member: "group:engineering" });
    expect(cycle.status).toBe(400);
    expect(cycle.body.code).toBe("GROUP_CYCLE");
    const removed = await admin(
      emu,
      `/groups/platform/members/${encodeURIComponent("hana@northwind.test")}`,
      { method: "DELETE" },
    );
    expect(removed.body.removed).toBe(true);
    const made = await admin(emu, "/groups/leads", {
      method: "PUT",
      body: JSON.stringify({ members: ["maya@northwind.test", "group:platform"] }),
    });
    expect(made.status).toBe(200);
    expect(
      events.filter((e) => e.type === "group_changed").map((e) => (e as { groupId: string }).groupId),
    ).toEqual(["platform", "platform", "leads"]);
  });

  it("shows state, nodes and the sharing graph", async () => {
    const state = await admin(emu, "/state");
    expect(state.body.syncs).toHaveLength(2);
    expect(state.body.syncs[0]).toMatchObject({ tenant: "northwind", records: 9, status: "IDLE" });
    const nodes = await admin(emu, `/syncs/${syncId}/nodes`);
    expect(nodes.body.data).toHaveLength(10); // root + 9 records

    const graph = (await admin(emu, "/sharing-graph")).body;
    expect(graph.domain).toBe("northwind.test");
    expect(graph.groups.find((g: { id: string }) => g.id === "engineering").members).toEqual([
      { type: "user", email: "leo@northwind.test" },
      { type: "group", id: "platform" },
    ]);
    const eng = graph.nodes.find((n: { id: string }) => n.id === node("Engineering").id);
    expect(eng).toMatchObject({
      syncId,
      tenant: "northwind",
      type: "folder",
      record: true,
      owner: "leo@northwind.test",
      grants: [{ principal: { type: "group", id: "engineering" }, role: "writer" }],
    });
    const root = graph.nodes.find(
      (n: { syncId: string; record: boolean }) => n.syncId === syncId && !n.record,
    );
    expect(root).toMatchObject({ parentId: null, owner: "maya@northwind.test" });
    expect(eng.parentId).toBe(root.id);
    const runbook = graph.nodes.find(
      (n: { id: string }) => n.id === node("Engineering/Runbooks/oncall.txt").id,
    );
    expect(runbook).toMatchObject({
      owner: "maya@northwind.test",
      grants: [],
      parentId: node("Engineering/Runbooks").id,
    });
    // a copy: changing it does not change the state
    eng.grants.length = 0;
    expect(node("Engineering").grants).toHaveLength(1);
  });

  it("gives one node's sharing for incremental updates, following moves and deletes", async () => {
    const id = node("HR/Salaries.csv").id;
    await post(`/syncs/${syncId}/move`, { from: "HR/Salaries.csv", to: "Engineering/Pay.csv" });
    expect(emu.state.sharingNodeOf(syncId, id)).toMatchObject({
      id,
      parentId: node("Engineering").id,
      record: true,
    });
    await admin(emu, `/syncs/${syncId}/files?path=Engineering`, { method: "DELETE" });
    expect(emu.state.sharingNodeOf(syncId, id)).toBeUndefined();
    expect(
      events.filter((e) => e.type === "record_deleted").map((e) => (e as { recordId: string }).recordId),
    ).toContain(id);
  });
});
