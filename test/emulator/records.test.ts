import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Emulator,
  encodeCursor,
  FOLDER_MIME_TYPE,
  recordIdFor,
  startEmulator,
} from "../../src/emulator/index.js";
import { admin, bigCorpus, call, pullAll, smallCorpus, syncOf } from "./helpers.js";

describe("pull synced records", () => {
  let emu: Emulator;
  let token: string;
  let syncId: string;

  beforeAll(async () => {
    emu = await startEmulator({ corpus: bigCorpus(2500) });
    token = await emu.tokenFor("northwind");
    syncId = syncOf(emu, "northwind");
  });
  afterAll(() => emu.close());

  it("pages through every record once, in seq order, with paging as documented", async () => {
    const first = await call(emu, token, `/api/syncs/${syncId}/records?pageSize=300`);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(300);
    // 2500 files + 25 folders
    expect(first.body.paging).toMatchObject({
      totalRecords: 2525,
      totalActiveRecords: 2525,
      remainingRecords: 2225,
    });
    expect(typeof first.body.paging.cursor).toBe("string");
    expect(first.body.paging.lastSeen).toBe(300);

    const all = await pullAll(emu, token, syncId, { pageSize: 300 });
    expect(all.pages).toBe(9);
    expect(new Set(all.records.map((r) => r.id)).size).toBe(2525);
    const folders = all.records.filter((r) => r.mimeType === FOLDER_MIME_TYPE);
    expect(folders).toHaveLength(25);
    // a folder comes before the files in it
    const position = new Map(all.records.map((r, i) => [r.externalId, i]));
    for (const record of all.records) {
      if (record.parentFolderId && position.has(record.parentFolderId)) {
        expect(position.get(record.parentFolderId)).toBeLessThan(position.get(record.externalId)!);
      }
    }
  });

  it("returns an empty page with the same cursor when caught up", async () => {
    const { cursor } = await pullAll(emu, token, syncId, { pageSize: 1000 });
    const again = await call(emu, token, `/api/syncs/${syncId}/records?cursor=${cursor}`);
    expect(again.body.data).toEqual([]);
    expect(again.body.paging.remainingRecords).toBe(0);
    expect(again.body.paging.cursor).toBe(cursor);
  });

  it("resumes from a saved cursor without repeating or skipping", async () => {
    const page1 = await call(emu, token, `/api/syncs/${syncId}/records?pageSize=700`);
    const rest = await pullAll(emu, token, syncId, { cursor: page1.body.paging.cursor, pageSize: 700 });
    const ids = [...page1.body.data, ...rest.records].map((r) => r.id);
    expect(ids).toHaveLength(2525);
    expect(new Set(ids).size).toBe(2525);
  });

  it("uses 100 by default, clamps to 1000, and refuses a bad pageSize or cursor", async () => {
    expect((await call(emu, token, `/api/syncs/${syncId}/records`)).body.data).toHaveLength(100);
    expect((await call(emu, token, `/api/syncs/${syncId}/records?pageSize=5000`)).body.data).toHaveLength(
      1000,
    );
    const bad = await call(emu, token, `/api/syncs/${syncId}/records?pageSize=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/pageSize/);
    const junk = await call(emu, token, `/api/syncs/${syncId}/records?cursor=not-a-cursor`);
    expect(junk.status).toBe(400);
    expect(junk.body.code).toBe("INVALID_CURSOR");
  });

  it("serves many concurrent pulls consistently", async () => {
    const pages = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        call(emu, token, `/api/syncs/${syncId}/records?pageSize=50&cursor=${encodeCursor(syncId, i * 40)}`),
      ),
    );
    pages.forEach((page, i) => {
      expect(page.status).toBe(200);
      expect(page.body.data).toHaveLength(50);
      expect(page.body.paging.lastSeen).toBe(i * 40 + 50);
    });
  });

  it("refuses a cursor from another sync", async () => {
    const otherToken = await emu.tokenFor("other-co");
    const otherSync = syncOf(emu, "other-co");
    const { cursor } = (await call(emu, otherToken, `/api/syncs/${otherSync}/records`)).body.paging;
    const res = await call(emu, token, `/api/syncs/${syncId}/records?cursor=${cursor}`);
    expect(res.status).toBe(400);
  });
});

describe("incremental pulls after changes", () => {
  let emu: Emulator;
  let token: string;
  let syncId: string;

  beforeAll(async () => {
    emu = await startEmulator({ corpus: smallCorpus() });
    token = await emu.tokenFor("northwind");
    syncId = syncOf(emu, "northwind");
  });
  afterAll(() => emu.close());

  it("returns updated, moved and created records after a saved cursor, and drops deleted ones", async () => {
    const initial = await pullAll(emu, token, syncId);
    const byPath = new Map(initial.records.map((r) => [r.customFields.fullPath, r]));
    expect([...byPath.keys()].sort()).toEqual([
      "/Company",
      "/Company/Handbook.md",
      "/Engineering",
      "/Engineering/Architecture.md",
      "/Engineering/Runbooks",
      "/Engineering/Runbooks/oncall.txt",
      "/HR",
      "/HR/Salaries.csv",
      "/logo.png",
    ]);
    const saved = initial.cursor!;

    expect(
      (await admin(emu, `/syncs/${syncId}/files?path=Company/Handbook.md`, { method: "PUT", body: "v2" }))
        .status,
    ).toBe(200);
    expect(
      (
        await admin(emu, `/syncs/${syncId}/move`, {
          method: "POST",
          body: JSON.stringify({ from: "HR/Salaries.csv", to: "Finance/Pay.csv" }),
        })
      ).status,
    ).toBe(200);
    expect((await admin(emu, `/syncs/${syncId}/files?path=logo.png`, { method: "DELETE" })).body).toEqual({
      deleted: 1,
    });

    const after = await pullAll(emu, token, syncId, { cursor: saved });
    const seen = after.records.map((r) => r.customFields.fullPath);
    expect(seen).toEqual(["/Company/Handbook.md", "/Finance", "/Finance/Pay.csv"]);
    const handbook = after.records[0];
    expect(handbook.id).toBe(byPath.get("/Company/Handbook.md").id);
    expect(handbook.hash.md5).not.toBe(byPath.get("/Company/Handbook.md").hash.md5);
    expect(handbook.size).toBe(2);
    const moved = after.records[2];
    // a move keeps the provider id and so the record id
    expect(moved.id).toBe(byPath.get("/HR/Salaries.csv").id);
    expect(moved.externalId).toBe(byPath.get("/HR/Salaries.csv").externalId);
    expect(moved.name).toBe("Pay.csv");
    expect(moved.parentFolderId).toBe(after.records[1].externalId);

    const full = await pullAll(emu, token, syncId);
    expect(full.records.map((r) => r.customFields.fullPath)).not.toContain("/logo.png");
    const status = await call(emu, token, `/api/syncs/${syncId}`);
    expect(status.body.summary.totalRecords).toBe(9);
    const paging = (await call(emu, token, `/api/syncs/${syncId}/records`)).body.paging;
    expect(paging).toMatchObject({ totalActiveRecords: 9, totalRecords: 10 });

    const gone = byPath.get("/logo.png").id;
    expect((await call(emu, token, `/api/syncs/${syncId}/records/${gone}`)).status).toBe(404);
    expect((await call(emu, token, `/api/syncs/${syncId}/records/${gone}/content`)).status).toBe(404);
  });

  it("moving a folder re-announces everything below it", async () => {
    const { cursor } = await pullAll(emu, token, syncId);
    await admin(emu, `/syncs/${syncId}/move`, {
      method: "POST",
      body: JSON.stringify({ from: "Engineering", to: "Eng" }),
    });
    const after = await pullAll(emu, token, syncId, { cursor });
    expect(after.records.map((r) => r.customFields.fullPath)).toEqual([
      "/Eng",
      "/Eng/Architecture.md",
      "/Eng/Runbooks",
      "/Eng/Runbooks/oncall.txt",
    ]);
  });

  it("a sharing change alone does not re-announce the record", async () => {
    const { cursor } = await pullAll(emu, token, syncId);
    const share = await admin(emu, `/syncs/${syncId}/share`, {
      method: "POST",
      body: JSON.stringify({
        path: "Company/Handbook.md",
        grant: { user: "leo@northwind.test", role: "writer" },
      }),
    });
    expect(share.status).toBe(200);
    const after = await call(emu, token, `/api/syncs/${syncId}/records?cursor=${cursor}`);
    expect(after.body.data).toEqual([]);
  });
});

describe("single records and content", () => {
  let emu: Emulator;
  let token: string;
  let syncId: string;

  beforeAll(async () => {
    emu = await startEmulator({ corpus: smallCorpus() });
    token = await emu.tokenFor("northwind");
    syncId = syncOf(emu, "northwind");
  });
  afterAll(() => emu.close());

  it("serves a record wrapped in data, with stable UUIDv5 ids", async () => {
    const { records } = await pullAll(emu, token, syncId);
    const handbook = records.find((r) => r.name === "Handbook.md");
    expect(handbook.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(handbook.id).toBe(recordIdFor("googledrive", handbook.externalId));
    expect(handbook.url).toBe(`https://drive.google.com/file/d/${handbook.externalId}/view`);
    const res = await call(emu, token, `/api/syncs/${syncId}/records/${handbook.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(handbook);

    const again = await startEmulator({ corpus: smallCorpus() });
    try {
      const t2 = await again.tokenFor("northwind");
      const second = await pullAll(again, t2, syncOf(again, "northwind"));
      expect(second.records).toEqual(records);
      expect(syncOf(again, "northwind")).toBe(syncId);
    } finally {
      await again.close();
    }
  });

  it("serves content bytes with the file's Content-Type and Content-Length", async () => {
    const { records } = await pullAll(emu, token, syncId);
    const png = records.find((r) => r.name === "logo.png");
    const response = await fetch(`${emu.url}/api/syncs/${syncId}/records/${png.id}/content`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-length")).toBe("8");
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);

    const md = records.find((r) => r.name === "Architecture.md");
    const text = await call(emu, token, `/api/syncs/${syncId}/records/${md.id}/content`);
    expect(text.headers.get("content-type")).toBe("text/markdown");
    expect(text.body).toBe("# Architecture\nServices talk over HTTP.\n");

    const folder = records.find((r) => r.mimeType === FOLDER_MIME_TYPE);
    const none = await call(emu, token, `/api/syncs/${syncId}/records/${folder.id}/content`);
    expect(none.status).toBe(400);
    expect(none.body.code).toBe("NO_CONTENT");
  });

  it("answers 404 for a record id that is not in the sync", async () => {
    const res = await call(emu, token, `/api/syncs/${syncId}/records/00000000-0000-5000-8000-000000000000`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("RECORD_NOT_FOUND");
  });
});
