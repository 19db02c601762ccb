import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator, syncIdFor } from "../../src/emulator/index.js";
import { call, PROJECT_ID, pullAll, smallCorpus, syncOf } from "./helpers.js";

describe("sync lifecycle (/api/syncs)", () => {
  let emu: Emulator;
  let token: string;
  let syncId: string;

  beforeEach(async () => {
    emu = await startEmulator({ corpus: smallCorpus() });
    token = await emu.tokenFor("northwind");
    syncId = syncOf(emu, "northwind");
  });
  afterEach(() => emu.close());

  it("lists the user's syncs and shows status with a summary", async () => {
    const list = await call(emu, token, "/api/syncs");
    expect(list.body.data).toEqual([
      expect.objectContaining({
        id: syncId,
        integration: "googledrive",
        pipeline: "files",
        status: "IDLE",
        configurationName: "default",
      }),
    ]);
    expect(syncId).toBe(syncIdFor("northwind", "googledrive", "files", "default"));
    const status = await call(emu, token, `/api/syncs/${syncId}`);
    expect(status.body.status).toBe("IDLE");
    expect(status.body.summary).toMatchObject({ totalRecords: 9, syncedRecordsCount: 9 });
    const { cursor } = await pullAll(emu, token, syncId);
    expect(status.body.summary.latestCursor).toBe(cursor);
  });

  it("enabling an existing sync returns it; a new configuration gets an empty sync", async () => {
    const same = await call(emu, token, "/api/syncs", {
      method: "POST",
      body: JSON.stringify({ integration: "googledrive", pipeline: "files", configurationName: "default" }),
    });
    expect(same.status).toBe(200);
    expect(same.body).toEqual({
      id: syncId,
      userId: "northwind",
      integration: "googledrive",
      pipeline: "files",
      projectId: PROJECT_ID,
      status: "INITIALIZING",
    });
    const created = await call(emu, token, "/api/syncs", {
      method: "POST",
      body: JSON.stringify({ integration: "salesforce", pipeline: "contacts" }),
    });
    expect(created.body.id).toBe(syncIdFor("northwind", "salesforce", "contacts", "default"));
    expect((await call(emu, token, "/api/syncs")).body.data).toHaveLength(2);
    const records = await call(emu, token, `/api/syncs/${created.body.id}/records`);
    expect(records.body.data).toEqual([]);
  });

  it("refuses an enable body without pipeline, naming the field", async () => {
    const res = await call(emu, token, "/api/syncs", {
      method: "POST",
      body: JSON.stringify({ integration: "box" }),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^pipeline/);
    const notJson = await call(emu, token, "/api/syncs", { method: "POST", body: "{nope" });
    expect(notJson.status).toBe(400);
  });

  it("delete hides the sync; re-enabling brings the same id back with every record re-synced", async () => {
    const before = await pullAll(emu, token, syncId);
    expect((await call(emu, token, `/api/syncs/${syncId}`, { method: "DELETE" })).status).toBe(200);
    expect((await call(emu, token, `/api/syncs/${syncId}`)).status).toBe(404);
    expect((await call(emu, token, `/api/syncs/${syncId}/records`)).status).toBe(404);
    expect((await call(emu, token, "/api/syncs")).body.data).toEqual([]);
    const again = await call(emu, token, "/api/syncs", {
      method: "POST",
      body: JSON.stringify({ integration: "googledrive", pipeline: "files" }),
    });
    expect(again.body.id).toBe(syncId);
    // an old cursor sees everything again, under the same record ids
    const after = await pullAll(emu, token, syncId, { cursor: before.cursor });
    expect(after.records.map((r) => r.id).sort()).toEqual(before.records.map((r) => r.id).sort());
  });

  it("disable and re-enable change the status; records stay readable", async () => {
    const disabled = await call(emu, token, `/api/syncs/${syncId}/disable`, { method: "POST" });
    expect(disabled.status).toBe(200);
    expect((await call(emu, token, `/api/syncs/${syncId}`)).body.status).toBe("DISABLED");
    expect((await call(emu, token, `/api/syncs/${syncId}/records`)).body.data.length).toBeGreaterThan(0);
    const reenabled = await call(emu, token, `/api/syncs/${syncId}/reenable`, { method: "POST" });
    expect(reenabled.body.id).toBe(syncId);
    expect((await call(emu, token, `/api/syncs/${syncId}`)).body.status).toBe("IDLE");
  });

  it("PATCH rebinds the credential and validates the UUID", async () => {
    const credentialId = "3f0f7c55-4a8e-4c1b-9d2e-8f6a1b2c3d4e";
    const ok = await call(emu, token, `/api/syncs/${syncId}`, {
      method: "PATCH",
      body: JSON.stringify({ credentialId }),
    });
    expect(ok.body).toEqual({
      id: syncId,
      data: { credentialId },
      message: "Update request accepted and is being processed",
    });
    expect(emu.state.requireSync(syncId).credentialId).toBe(credentialId);
    const bad = await call(emu, token, `/api/syncs/${syncId}`, {
      method: "PATCH",
      body: JSON.stringify({ credentialId: "nope" }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/credentialId/);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await call(emu, token, "/api/nothing-here");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });
});

describe("second-seed aliases (/projects/{projectId}/sync/…)", () => {
  let emu: Emulator;
  let token: string;

  beforeEach(async () => {
    emu = await startEmulator({ corpus: smallCorpus() });
    token = await emu.tokenFor("northwind");
  });
  afterEach(() => emu.close());

  const base = `/projects/${PROJECT_ID}/sync`;

  it("status maps syncType to the pipeline and IDLE stays IDLE", async () => {
    const res = await call(emu, token, `${base}/status?integration=googleDrive&syncType=files`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      integration: "googledrive",
      syncType: "files",
      status: "IDLE",
      recordCount: 9,
    });
    expect((await call(emu, token, `${base}/status?integration=box&syncType=files`)).status).toBe(404);
    expect((await call(emu, token, `${base}/status?integration=box`)).status).toBe(400);
  });

  it("records come as {records, nextCursor}; an empty page ends with nextCursor null", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `integration=googledrive&syncType=files&pageSize=4${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(emu, token, `${base}/records?${query}`);
      expect(page.status).toBe(200);
      pages++;
      for (const r of page.body.records) {
        expect(r).toMatchObject({
          integration: "googledrive",
          syncType: "files",
          sourceId: r.data.externalId,
        });
        seen.push(r.id);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(9);
    expect(pages).toBe(4);
  });

  it("serves a record and its content by record id", async () => {
    const page = await call(
      emu,
      token,
      `${base}/records?integration=googledrive&syncType=files&pageSize=100`,
    );
    const handbook = page.body.records.find((r: { data: { name: string } }) => r.data.name === "Handbook.md");
    const one = await call(emu, token, `${base}/records/${handbook.id}`);
    expect(one.body).toEqual(handbook);
    const content = await call(emu, token, `${base}/records/${handbook.id}/content`);
    expect(content.headers.get("content-type")).toBe("text/markdown");
    expect(content.body).toBe("# Handbook\nVacation policy.\n");
  });

  it("enable answers 201 with a SyncStatus, and another project id is 404", async () => {
    const res = await call(emu, token, `${base}/enable`, {
      method: "POST",
      body: JSON.stringify({ integration: "hubspot", syncType: "contacts", frequency: "1h" }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      integration: "hubspot",
      syncType: "contacts",
      status: "IDLE",
      recordCount: 0,
    });
    const other = await call(
      emu,
      token,
      "/projects/not-this-one/sync/status?integration=googledrive&syncType=files",
    );
    expect(other.status).toBe(404);
  });

  it("requires a user token", async () => {
    expect((await call(emu, undefined, `${base}/status?integration=googledrive&syncType=files`)).status).toBe(
      401,
    );
  });
});
