import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { admin, call, pullAll, smallCorpus, syncOf } from "./helpers.js";

describe("serving a record malformed on purpose", () => {
  let emu: Emulator;
  let token: string;
  let syncId: string;

  beforeAll(async () => {
    emu = await startEmulator({ corpus: smallCorpus() });
    token = await emu.tokenFor("northwind");
    syncId = syncOf(emu, "northwind");
  });
  afterAll(() => emu.close());

  it("lays the fields over the record in pages and Get Synced Record until cleared; null removes a field", async () => {
    const { records } = await pullAll(emu, token, syncId);
    const target = records.find((r) => r.name === "Handbook.md");
    const other = records.find((r) => r.name === "Architecture.md");
    const json = (body: unknown) => JSON.stringify(body);

    const put = await admin(emu, `/syncs/${syncId}/malformed/${target.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: json({ createdAt: 42, externalId: null }),
    });
    expect(put.status).toBe(200);
    const bad = (await pullAll(emu, token, syncId)).records;
    const served = bad.find((r) => r.name === "Handbook.md");
    expect(served).toMatchObject({ id: target.id, createdAt: 42 });
    expect(served).not.toHaveProperty("externalId");
    expect(bad.find((r) => r.name === "Architecture.md")).toEqual(other);
    const one = await call(emu, token, `/api/syncs/${syncId}/records/${target.id}`);
    expect(one.body.data.createdAt).toBe(42);
    expect((await admin(emu, "/state")).body.malformed).toEqual([
      { syncId, recordId: target.id, fields: { createdAt: 42, externalId: null } },
    ]);

    const cleared = await admin(emu, `/syncs/${syncId}/malformed/${target.id}`, { method: "DELETE" });
    expect(cleared.body).toEqual({ removed: true });
    expect((await call(emu, token, `/api/syncs/${syncId}/records/${target.id}`)).body.data).toEqual(target);
  });

  it("refuses a record the sync does not have, and an empty overlay", async () => {
    const missing = await admin(emu, `/syncs/${syncId}/malformed/not-a-record`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: null }),
    });
    expect(missing.status).toBe(404);
    const { records } = await pullAll(emu, token, syncId);
    const empty = await admin(emu, `/syncs/${syncId}/malformed/${records[0].id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(empty.status).toBe(400);
  });
});
