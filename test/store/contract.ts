import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type ChunkStore,
  MAX_STATE_VALUE_CHARS,
  type RecordVersion,
  StoreInputError,
} from "../../src/store/index.js";
import { runPagingContract } from "./contract-pages.js";
import { runTenantIsolationContract } from "./contract-tenants.js";
import { makeChunk, near, randomUnit, seededRandom } from "./fixtures.js";

/** Every store under contract is opened with this vector size. */
export const CONTRACT_DIMENSIONS = 64;

/** A fresh, empty store, plus a way to open a second client on the same data (another "process"). */
export interface StoreHarness {
  store: ChunkStore;
  openPeer(): Promise<ChunkStore>;
  /** Removes what the harness created (folders, collections). */
  dispose(): Promise<void>;
}

const D = CONTRACT_DIMENSIONS;
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

/** The behaviour every `ChunkStore` implementation must show. */
export function runChunkStoreContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`${name}: ChunkStore contract`, () => {
    let h: StoreHarness;
    let store: ChunkStore;
    const random = seededRandom(7);
    beforeEach(async () => {
      h = await makeStore();
      store = h.store;
    });
    afterEach(async () => {
      await store.close();
      await h.dispose();
    });

    it("rejects a missing tenant on every chunk path, at runtime", async () => {
      const v = randomUnit(random, D);
      const missing = { code: "STORE_ID_MISSING" };
      await expect(store.search(v, { tenant: "", limit: 5 })).rejects.toMatchObject(missing);
      await expect(store.search(v, { limit: 5 } as never)).rejects.toBeInstanceOf(StoreInputError);
      await expect(store.searchRefs(v, { tenant: "", limit: 5 })).rejects.toMatchObject(missing);
      await expect(store.count({ tenant: "" })).rejects.toMatchObject(missing);
      await expect(store.deleteByRecord("", "sync-1", ["r1"])).rejects.toMatchObject(missing);
      await expect(
        store.upsert([makeChunk({ tenant: "", recordId: "r1", vector: v })]),
      ).rejects.toMatchObject(missing);
      await expect(store.getRecordVersions("", "sync-1", ["r1"])).rejects.toMatchObject(missing);
      await expect(store.deleteStaleChunks("", "sync-1", [])).rejects.toMatchObject(missing);
      await expect(store.deleteSync("", "sync-1")).rejects.toMatchObject(missing);
      await expect(store.deleteByRecord("tenant-a", "", ["r1"])).rejects.toMatchObject(missing);
    });

    it("rejects a vector of the wrong size", async () => {
      await expect(
        store.upsert([makeChunk({ recordId: "r1", vector: randomUnit(random, D + 1) })]),
      ).rejects.toMatchObject({ code: "STORE_VECTOR_DIMENSIONS" });
      await expect(store.search(randomUnit(random, 3), { tenant: "t", limit: 1 })).rejects.toMatchObject({
        code: "STORE_VECTOR_DIMENSIONS",
      });
    });

    it("upserts idempotently and round-trips chunks with cosine scores, best first", async () => {
      const v = randomUnit(random, D);
      const chunks = [
        makeChunk({ recordId: "r1", chunkIndex: 0, vector: v, url: "https://x/r1", page: 3 }),
        makeChunk({ recordId: "r1", chunkIndex: 1, vector: near(v, random, 0.5) }),
        // Page 0 is a page, not a missing one (a typed Int32 column reads null as 0 too).
        makeChunk({ recordId: "r2", vector: randomUnit(random, D), page: 0 }),
      ];
      await store.upsert(chunks);
      await store.upsert(chunks);
      expect(await store.count({ tenant: "tenant-a" })).toBe(3);
      const hits = await store.search(v, { tenant: "tenant-a", limit: 10 });
      expect(hits.map((x) => x.chunk.id)).toEqual(chunks.map((c) => c.id));
      expect(hits[0]?.score).toBeCloseTo(1, 4);
      const { vector: _, ...first } = chunks[0]!;
      expect(hits[0]?.chunk).toEqual(first);
      expect(hits[1]?.chunk.metadata.url).toBeUndefined();
      expect(hits[1]?.chunk.metadata.page).toBeUndefined();
      expect(hits[2]?.chunk.metadata.page).toBe(0);
      const read = await store.readChunks(chunks.map(({ vector: _v, ...chunk }) => chunk));
      expect(chunks.map((chunk) => read.get(chunk.id)?.metadata.page)).toEqual([3, undefined, 0]);
      const scores = hits.map((x) => x.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it("keeps tenants apart: a search never returns another tenant's chunk", async () => {
      const v = randomUnit(random, D);
      await store.upsert([
        makeChunk({ tenant: "tenant-a", recordId: "shared", vector: v }),
        makeChunk({ tenant: "tenant-b", recordId: "shared", vector: v }),
        makeChunk({ tenant: "tenant-b", recordId: "only-b", vector: v }),
      ]);
      const a = await store.search(v, { tenant: "tenant-a", limit: 10 });
      expect(a.map((x) => x.chunk.tenant)).toEqual(["tenant-a"]);
      const b = await store.search(v, { tenant: "tenant-b", limit: 10, recordIds: ["shared", "only-b"] });
      expect(b).toHaveLength(2);
      expect(b.every((x) => x.chunk.tenant === "tenant-b")).toBe(true);
      await store.deleteByRecord("tenant-a", "sync-1", ["shared"]);
      expect(await store.count({ tenant: "tenant-b", recordIds: ["shared"] })).toBe(1);
      expect(await store.count({ tenant: "tenant-a" })).toBe(0);
    });

    it("searches refs: search's candidates, order and scores without the text, read back exactly", async () => {
      const v = randomUnit(random, D);
      const chunks = [
        makeChunk({ recordId: "r1", chunkIndex: 0, vector: v, url: "https://x/r1", page: 2 }),
        makeChunk({ recordId: "r1", chunkIndex: 1, vector: near(v, random, 0.3) }),
        makeChunk({ recordId: "r2", vector: near(v, random, 0.6) }),
        makeChunk({ recordId: "r3", syncId: "sync-2", vector: near(v, random, 0.9) }),
        makeChunk({ tenant: "tenant-b", recordId: "r1", vector: v }),
      ];
      await store.upsert(chunks);
      for (const options of [
        { tenant: "tenant-a", limit: 10 },
        { tenant: "tenant-a", limit: 2, offset: 1 },
        { tenant: "tenant-a", limit: 10, recordIds: ["r1", "r3"], syncIds: ["sync-1"] },
        { tenant: "tenant-a", limit: 10, approximate: true },
      ]) {
        const hits = await store.search(v, options);
        const refs = await store.searchRefs(v, options);
        expect(refs.map((x) => x.ref)).toEqual(
          hits.map(({ chunk }) => ({
            id: chunk.id,
            tenant: chunk.tenant,
            syncId: chunk.syncId,
            recordId: chunk.recordId,
          })),
        );
        refs.forEach((x, i) => {
          expect(x.score).toBeCloseTo(hits[i]!.score, 5);
        });
        const read = await store.readChunks(refs.map((x) => x.ref));
        expect([...read.values()].sort(byId)).toEqual(hits.map((x) => x.chunk).sort(byId));
      }
      expect(await store.searchRefs(v, { tenant: "tenant-a", limit: 5, recordIds: [] })).toEqual([]);
      expect(await store.readChunks([])).toEqual(new Map());
    });

    it("reads back only the chunk a ref names: not one of another tenant, sync or record, nor a deleted one", async () => {
      const v = randomUnit(random, D);
      await store.upsert([
        makeChunk({ recordId: "r1", vector: v }),
        makeChunk({ recordId: "r2", vector: near(v, random, 0.3) }),
      ]);
      const [r1, r2] = (await store.searchRefs(v, { tenant: "tenant-a", limit: 10 })).map((x) => x.ref);
      expect(r1?.recordId).toBe("r1");
      const forged = [
        { ...r1!, tenant: "tenant-b" },
        { ...r1!, syncId: "sync-2" },
        { ...r1!, recordId: "r2" },
        { ...r1!, id: "00000000-0000-5000-8000-00000000dead" },
        // An id no chunk can have (not a chunkId() UUID) names none either, never a failed read.
        { ...r1!, id: "not-a-chunk-id" },
        { ...r1!, id: r1!.id.toUpperCase() },
      ];
      for (const ref of forged) expect(await store.readChunks([ref])).toEqual(new Map());
      await store.deleteByRecord("tenant-a", "sync-1", ["r2"]);
      const read = await store.readChunks([r1!, r2!]);
      expect([...read.keys()]).toEqual([r1!.id]);
      expect(read.get(r1!.id)?.recordId).toBe("r1");
      await expect(store.readChunks([{ ...r1!, tenant: "" }])).rejects.toMatchObject({
        code: "STORE_ID_MISSING",
      });
      // A cancelled read fails with the caller's reason, not as a store failure.
      await expect(store.readChunks([r1!], AbortSignal.abort(new Error("stopped")))).rejects.toThrow(
        "stopped",
      );
    });

    it("treats an empty record-id or sync-id set as 'no records', never as 'no filter'", async () => {
      const v = randomUnit(random, D);
      await store.upsert([makeChunk({ recordId: "r1", vector: v })]);
      expect(await store.search(v, { tenant: "tenant-a", limit: 5, recordIds: [] })).toEqual([]);
      expect(await store.search(v, { tenant: "tenant-a", limit: 5, syncIds: [] })).toEqual([]);
      expect(await store.count({ tenant: "tenant-a", recordIds: [] })).toBe(0);
      expect(await store.count({ tenant: "tenant-a", syncIds: ["sync-1"] })).toBe(1);
      expect(await store.count({ tenant: "tenant-a", syncIds: ["sync-2"] })).toBe(0);
    });

    it("treats record ids as data, not filter syntax", async () => {
      const v = randomUnit(random, D);
      const odd = ["it's", "a\\'b", "x' OR '1'='1", 'q"uote', "line\nbreak", "ünï😀"];
      await store.upsert(odd.map((recordId) => makeChunk({ recordId, vector: near(v, random, 0.2) })));
      await store.upsert([makeChunk({ recordId: "secret", vector: v })]);
      for (const id of odd) {
        const hits = await store.search(v, { tenant: "tenant-a", limit: 10, recordIds: [id] });
        expect(hits.map((x) => x.chunk.recordId)).toEqual([id]);
      }
      expect(await store.search(v, { tenant: "x' OR '1'='1", limit: 10 })).toEqual([]);
      expect(await store.count({ tenant: "tenant-a' OR tenant != '", recordIds: ["secret"] })).toBe(0);
    });

    it("refuses to write an id it could not store unaltered (a lone surrogate)", async () => {
      const v = randomUnit(random, D);
      await expect(store.upsert([makeChunk({ recordId: "r\uD800", vector: v })])).rejects.toMatchObject({
        code: "STORE_ID_INVALID",
      });
      await expect(
        store.putRecordVersions([
          {
            tenant: "tenant-a",
            syncId: "sync-\uDC00",
            recordId: "r1",
            contentHash: "h",
            sourceVersion: "sv",
            chunkCount: 1,
            updatedAt: "2024-05-02T00:00:00.000Z",
          },
        ]),
      ).rejects.toMatchObject({ code: "STORE_ID_INVALID" });
      // A surrogate pair (an emoji) is fine.
      await store.upsert([makeChunk({ recordId: "r\uD83D\uDE00", vector: v })]);
      expect(await store.count({ tenant: "tenant-a", recordIds: ["r\uD83D\uDE00"] })).toBe(1);
    });

    it("never lets an id with a lone surrogate match another id (LanceDB reads it as U+FFFD)", async () => {
      const v = randomUnit(random, D);
      const [tenant, syncId, recordId] = ["t\uFFFD", "s\uFFFD", "r\uFFFD"];
      await store.upsert([makeChunk({ tenant, syncId, recordId, vector: v })]);
      await store.putRecordVersions([
        { tenant, syncId, recordId, contentHash: "h", sourceVersion: "sv", chunkCount: 1, updatedAt: "x" },
      ]);
      await store.putState("scope\uFFFD", "k", "secret");
      // Nothing was ever stored under such an id: in a set it matches nothing, alone it is refused.
      expect(await store.count({ tenant, recordIds: ["r\uD800"] })).toBe(0);
      expect(await store.count({ tenant, syncIds: ["s\uDC00"] })).toBe(0);
      expect(await store.search(v, { tenant, limit: 5, recordIds: ["r\uD800"] })).toEqual([]);
      expect((await store.getRecordVersions(tenant, syncId, ["r\uD800"])).size).toBe(0);
      await store.deleteByRecord(tenant, syncId, ["r\uD800"]);
      await store.deleteRecordVersions(tenant, syncId, ["r\uDC00"]);
      const invalid = { code: "STORE_ID_INVALID" };
      await expect(
        store.deleteStaleChunks(tenant, syncId, [{ recordId: "r\uD800", contentHash: "other" }]),
      ).rejects.toMatchObject(invalid);
      await expect(store.search(v, { tenant: "t\uD800", limit: 5 })).rejects.toMatchObject(invalid);
      await expect(store.count({ tenant: "t\uDC00" })).rejects.toMatchObject(invalid);
      await expect(store.deleteByRecord("t\uD800", syncId, [recordId])).rejects.toMatchObject(invalid);
      await expect(store.deleteSync(tenant, "s\uD800")).rejects.toMatchObject(invalid);
      await expect(
        store.updateRecordMetadata(tenant, syncId, "r\uD800", { name: "x" }),
      ).rejects.toMatchObject(invalid);
      await expect(store.listState("scope\uD800")).rejects.toMatchObject(invalid);
      await expect(store.getState("scope\uD800", "k")).rejects.toMatchObject(invalid);
      expect(await store.count({ tenant })).toBe(1);
      expect((await store.getRecordVersions(tenant, syncId, [recordId])).size).toBe(1);
      expect(await store.listState("scope\uFFFD")).toEqual(new Map([["k", "secret"]]));
      expect((await store.search(v, { tenant, limit: 5 }))[0]?.chunk.metadata.name).toBe(`${recordId}.pdf`);
    });

    it("replaces a record without a moment where it is missing: new chunks first, then stale ones go", async () => {
      const v = randomUnit(random, D);
      const old = [0, 1, 2].map((i) =>
        makeChunk({ recordId: "doc", chunkIndex: i, contentHash: "h1", vector: v }),
      );
      // Another record whose *current* hash equals doc's old hash must keep its chunks.
      const other = makeChunk({ recordId: "other", contentHash: "h1", vector: v });
      const untouched = makeChunk({ recordId: "untouched", contentHash: "h0", vector: v });
      // Another tenant's chunk of the same record id, at the hash that goes stale for tenant-a.
      const otherTenant = makeChunk({ tenant: "tenant-b", recordId: "doc", contentHash: "h1", vector: v });
      await store.upsert([...old, other, untouched, otherTenant]);
      const fresh = [0, 1].map((i) =>
        makeChunk({ recordId: "doc", chunkIndex: i, contentHash: "h2", vector: v }),
      );
      await store.upsert(fresh);
      expect(await store.count({ tenant: "tenant-a", recordIds: ["doc"] })).toBe(5);
      await store.deleteStaleChunks("tenant-a", "sync-1", [
        { recordId: "doc", contentHash: "h2" },
        { recordId: "other", contentHash: "h1" },
      ]);
      const left = await store.search(v, { tenant: "tenant-a", limit: 20 });
      expect(left.map((x) => `${x.chunk.recordId}:${x.chunk.contentHash}`).sort()).toEqual([
        "doc:h2",
        "doc:h2",
        "other:h1",
        "untouched:h0",
      ]);
      const b = await store.search(v, { tenant: "tenant-b", limit: 20 });
      expect(b.map((x) => `${x.chunk.recordId}:${x.chunk.contentHash}`)).toEqual(["doc:h1"]);
    });

    it("deletes by record, only the named records of the named tenant", async () => {
      const v = randomUnit(random, D);
      await store.upsert(["r1", "r2", "r3"].map((recordId) => makeChunk({ recordId, vector: v })));
      await store.upsert([makeChunk({ tenant: "tenant-b", recordId: "r1", vector: v })]);
      await store.deleteByRecord("tenant-a", "sync-1", ["r1", "r3", "never-existed"]);
      const left = await store.search(v, { tenant: "tenant-a", limit: 10 });
      expect(left.map((x) => x.chunk.recordId)).toEqual(["r2"]);
      await store.deleteByRecord("tenant-a", "sync-1", []);
      expect(await store.count({ tenant: "tenant-a" })).toBe(1);
      expect(await store.count({ tenant: "tenant-b", recordIds: ["r1"] })).toBe(1);
    });

    it("updates record metadata without touching text or vector", async () => {
      const v = randomUnit(random, D);
      await store.upsert([
        makeChunk({ recordId: "doc", chunkIndex: 0, vector: v, url: "https://old", page: 2 }),
        makeChunk({ recordId: "doc", chunkIndex: 1, vector: near(v, random, 0.3) }),
        makeChunk({ recordId: "other", vector: v }),
        makeChunk({ tenant: "tenant-b", recordId: "doc", vector: v, url: "https://old", page: 2 }),
      ]);
      await store.updateRecordMetadata("tenant-a", "sync-1", "doc", {
        name: "Renamed.pdf",
        updatedAt: "2024-06-01T00:00:00.000Z",
        url: undefined,
      });
      const hits = await store.search(v, { tenant: "tenant-a", limit: 10, recordIds: ["doc"] });
      expect(hits).toHaveLength(2);
      expect(hits[0]?.score).toBeCloseTo(1, 4);
      expect(hits[0]?.chunk.text).toBe("text of doc #0");
      expect(hits[0]?.chunk.metadata).toEqual({
        integration: "googledrive",
        externalId: "ext-doc",
        name: "Renamed.pdf",
        mimeType: "application/pdf",
        updatedAt: "2024-06-01T00:00:00.000Z",
        page: 2,
      });
      const other = await store.search(v, { tenant: "tenant-a", limit: 1, recordIds: ["other"] });
      expect(other[0]?.chunk.metadata.name).toBe("other.pdf");
      const b = await store.search(v, { tenant: "tenant-b", limit: 10, recordIds: ["doc"] });
      expect(b.map((x) => x.chunk.metadata)).toEqual([
        {
          integration: "googledrive",
          externalId: "ext-doc",
          name: "doc.pdf",
          url: "https://old",
          mimeType: "application/pdf",
          updatedAt: "2024-05-01T10:00:00.000Z",
          page: 2,
        },
      ]);
    });

    it("round-trips record versions and sync state, per tenant and sync", async () => {
      const version = (recordId: string, syncId = "sync-1", tenant = "tenant-a"): RecordVersion => ({
        tenant,
        syncId,
        recordId,
        contentHash: `h-${recordId}`,
        sourceVersion: `2024-05-01|${recordId}`,
        chunkCount: 3,
        updatedAt: "2024-05-02T00:00:00.000Z",
      });
      const named = { ...version("r1"), name: "One.pdf" };
      await store.putRecordVersions([
        named,
        version("r2"),
        version("r3", "sync-2"),
        version("r1", "sync-1", "tenant-b"),
      ]);
      const got = await store.getRecordVersions("tenant-a", "sync-1", ["r1", "r2", "missing"]);
      expect([...got.keys()].sort()).toEqual(["r1", "r2"]);
      expect(got.get("r1")).toEqual(named);
      expect(got.get("r2")).toEqual(version("r2"));
      const listed: RecordVersion[] = [];
      for await (const v of store.recordVersions("tenant-a", "sync-1")) listed.push(v);
      expect(listed.map((v) => v.recordId).sort()).toEqual(["r1", "r2"]);
      await store.putRecordVersions([{ ...version("r1"), contentHash: "h-new", chunkCount: 1 }]);
      expect((await store.getRecordVersions("tenant-a", "sync-1", ["r1"])).get("r1")).toMatchObject({
        contentHash: "h-new",
        chunkCount: 1,
      });
      await store.deleteRecordVersions("tenant-a", "sync-1", ["r1"]);
      expect((await store.getRecordVersions("tenant-a", "sync-1", ["r1", "r2"])).size).toBe(1);
      expect((await store.getRecordVersions("tenant-b", "sync-1", ["r1"])).size).toBe(1);
      expect((await store.getRecordVersions("tenant-a", "sync-2", ["r3"])).get("r3")).toEqual(
        version("r3", "sync-2"),
      );

      expect(await store.getSyncState("tenant-a", "sync-1")).toBeUndefined();
      await store.putSyncState("tenant-a", "sync-1", {
        cursor: "c-1",
        updatedAt: "2024-05-02T00:00:00.000Z",
      });
      await store.putSyncState("tenant-a", "sync-1", {
        cursor: "c-2",
        updatedAt: "2024-05-03T00:00:00.000Z",
      });
      await store.putSyncState("tenant-a", "sync-2", { updatedAt: "2024-05-03T00:00:00.000Z" });
      expect(await store.getSyncState("tenant-a", "sync-1")).toEqual({
        cursor: "c-2",
        updatedAt: "2024-05-03T00:00:00.000Z",
      });
      expect(await store.getSyncState("tenant-a", "sync-2")).toEqual({
        updatedAt: "2024-05-03T00:00:00.000Z",
      });
      expect(await store.getSyncState("tenant-b", "sync-1")).toBeUndefined();
    });

    it("keys every fact by tenant, sync and record: one record id in two syncs is two records", async () => {
      // The same Drive file in a shared drive and in My Drive: same record id, chunk index, text.
      const v = randomUnit(random, D);
      const inSync = (syncId: string, contentHash = "h1") =>
        [0, 1].map((chunkIndex) =>
          makeChunk({ syncId, recordId: "file", chunkIndex, contentHash, vector: v }),
        );
      await store.upsert([...inSync("sync-1"), ...inSync("sync-2")]);
      expect(new Set([...inSync("sync-1"), ...inSync("sync-2")].map((c) => c.id)).size).toBe(4);
      expect(await store.count({ tenant: "tenant-a", recordIds: ["file"] })).toBe(4);

      // New content in sync-2 only: sync-1's chunks at the old hash are not stale.
      await store.upsert(inSync("sync-2", "h2"));
      await store.deleteStaleChunks("tenant-a", "sync-2", [{ recordId: "file", contentHash: "h2" }]);
      const hashes = async (syncId: string) =>
        (await store.search(v, { tenant: "tenant-a", limit: 10, syncIds: [syncId] })).map(
          (x) => x.chunk.contentHash,
        );
      expect(await hashes("sync-1")).toEqual(["h1", "h1"]);
      expect(await hashes("sync-2")).toEqual(["h2", "h2"]);

      await store.updateRecordMetadata("tenant-a", "sync-1", "file", { name: "Renamed.pdf" });
      const names = await store.search(v, { tenant: "tenant-a", limit: 10 });
      expect(names.map((x) => `${x.chunk.syncId}:${x.chunk.metadata.name}`).sort()).toEqual([
        "sync-1:Renamed.pdf",
        "sync-1:Renamed.pdf",
        "sync-2:file.pdf",
        "sync-2:file.pdf",
      ]);

      const version = (syncId: string, contentHash: string): RecordVersion => ({
        tenant: "tenant-a",
        syncId,
        recordId: "file",
        contentHash,
        sourceVersion: `sv-${syncId}`,
        chunkCount: 2,
        updatedAt: "2024-05-02T00:00:00.000Z",
      });
      await store.putRecordVersions([version("sync-1", "h1"), version("sync-2", "h2")]);
      expect((await store.getRecordVersions("tenant-a", "sync-1", ["file"])).get("file")).toEqual(
        version("sync-1", "h1"),
      );
      expect((await store.getRecordVersions("tenant-a", "sync-2", ["file"])).get("file")).toEqual(
        version("sync-2", "h2"),
      );

      // Removing the file from one sync leaves the other's copy whole.
      await store.deleteByRecord("tenant-a", "sync-1", ["file"]);
      await store.deleteRecordVersions("tenant-a", "sync-1", ["file"]);
      expect(await hashes("sync-1")).toEqual([]);
      expect(await hashes("sync-2")).toEqual(["h2", "h2"]);
      expect((await store.getRecordVersions("tenant-a", "sync-1", ["file"])).size).toBe(0);
      expect((await store.getRecordVersions("tenant-a", "sync-2", ["file"])).size).toBe(1);
    });

    it("round-trips why a record version cannot be indexed", async () => {
      const unindexable: RecordVersion = {
        tenant: "tenant-a",
        syncId: "sync-1",
        recordId: "locked.pdf",
        contentHash: "none",
        sourceVersion: "sv-1",
        chunkCount: 0,
        updatedAt: "2024-05-02T00:00:00.000Z",
        unindexable: { code: "ENCRYPTED", reason: "the PDF is password-protected", limits: "" },
      };
      await store.putRecordVersions([unindexable]);
      expect((await store.getRecordVersions("tenant-a", "sync-1", ["locked.pdf"])).get("locked.pdf")).toEqual(
        unindexable,
      );
      const listed: RecordVersion[] = [];
      for await (const v of store.recordVersions("tenant-a", "sync-1")) listed.push(v);
      expect(listed).toEqual([unindexable]);
      // Indexed at last: the reason goes.
      const { unindexable: _, ...indexed } = { ...unindexable, contentHash: "h1", chunkCount: 3 };
      await store.putRecordVersions([indexed]);
      expect((await store.getRecordVersions("tenant-a", "sync-1", ["locked.pdf"])).get("locked.pdf")).toEqual(
        indexed,
      );
    });

    it("removes a whole sync: chunks, record versions and cursor, nothing of another sync or tenant", async () => {
      const v = randomUnit(random, D);
      await store.upsert([
        makeChunk({ syncId: "gone", recordId: "r1", vector: v }),
        makeChunk({ syncId: "gone", recordId: "r2", vector: v }),
        makeChunk({ syncId: "kept", recordId: "r1", vector: v }),
        makeChunk({ tenant: "tenant-b", syncId: "gone", recordId: "r1", vector: v }),
      ]);
      const version = (tenant: string, syncId: string): RecordVersion => ({
        tenant,
        syncId,
        recordId: "r1",
        contentHash: "hash-1",
        sourceVersion: "sv",
        chunkCount: 1,
        updatedAt: "2024-05-02T00:00:00.000Z",
      });
      await store.putRecordVersions([
        version("tenant-a", "gone"),
        version("tenant-a", "kept"),
        version("tenant-b", "gone"),
      ]);
      const at = "2024-05-02T00:00:00.000Z";
      await store.putSyncState("tenant-a", "gone", { cursor: "c", updatedAt: at });
      await store.putSyncState("tenant-a", "kept", { cursor: "c", updatedAt: at });
      await store.putSyncState("tenant-b", "gone", { cursor: "c", updatedAt: at });

      await store.deleteSync("tenant-a", "gone");

      expect(await store.count({ tenant: "tenant-a", syncIds: ["gone"] })).toBe(0);
      expect(await store.count({ tenant: "tenant-a", syncIds: ["kept"] })).toBe(1);
      expect(await store.count({ tenant: "tenant-b", syncIds: ["gone"] })).toBe(1);
      expect((await store.getRecordVersions("tenant-a", "gone", ["r1"])).size).toBe(0);
      expect((await store.getRecordVersions("tenant-a", "kept", ["r1"])).size).toBe(1);
      expect((await store.getRecordVersions("tenant-b", "gone", ["r1"])).size).toBe(1);
      expect(await store.getSyncState("tenant-a", "gone")).toBeUndefined();
      expect(await store.getSyncState("tenant-a", "kept")).toBeDefined();
      expect(await store.getSyncState("tenant-b", "gone")).toBeDefined();
      // Removing it again is harmless.
      await store.deleteSync("tenant-a", "gone");
    });

    it("keeps small named values by scope and key, shared with other clients", async () => {
      expect(await store.getState("tenants", "acme")).toBeUndefined();
      expect(await store.listState("tenants")).toEqual(new Map());
      await store.putState("tenants", "acme", JSON.stringify({ firstSeen: "2024-05-01" }));
      await store.putState("tenants", "globex", "");
      await store.putState("feed:acme", "sync-1", "token-1");
      // The same key in another scope is another value.
      await store.putState("feed:globex", "sync-1", "token-g");
      await store.putState("feed:acme", "sync-1", "token-2");
      expect(await store.getState("feed:acme", "sync-1")).toBe("token-2");
      expect(await store.getState("feed:globex", "sync-1")).toBe("token-g");
      expect(await store.getState("tenants", "globex")).toBe("");
      expect(await store.listState("tenants")).toEqual(
        new Map([
          ["acme", '{"firstSeen":"2024-05-01"}'],
          ["globex", ""],
        ]),
      );
      // Keys and values are data: quotes, separators and non-ASCII never reach filter syntax.
      const odd = ["it's", '["a","b"]', "x' OR '1'='1", "ünï😀", "a:b"];
      for (const key of odd) await store.putState("odd'scope", key, `v-${key}`);
      expect([...(await store.listState("odd'scope")).entries()].sort()).toEqual(
        odd.map((key) => [key, `v-${key}`]).sort(),
      );
      expect(await store.listState("odd")).toEqual(new Map());

      const peer = await h.openPeer();
      try {
        expect(await peer.getState("feed:acme", "sync-1")).toBe("token-2");
        await peer.deleteState("tenants", "acme");
        await peer.deleteState("tenants", "never-there");
      } finally {
        await peer.close();
      }
      expect(await store.getState("tenants", "acme")).toBeUndefined();
      expect([...(await store.listState("tenants")).keys()]).toEqual(["globex"]);

      await expect(store.putState("", "k", "v")).rejects.toMatchObject({ code: "STORE_ID_MISSING" });
      await expect(store.putState("s", "", "v")).rejects.toMatchObject({ code: "STORE_ID_MISSING" });
      await expect(store.putState("s", "k", 42 as never)).rejects.toMatchObject({
        code: "STORE_STATE_INVALID",
      });
      await expect(store.putState("s", "k", "x".repeat(MAX_STATE_VALUE_CHARS + 1))).rejects.toMatchObject({
        code: "STORE_STATE_INVALID",
      });
    });

    it("hands a lease to one holder at a time, including across clients", async () => {
      const peer = await h.openPeer();
      try {
        expect(await store.acquireLease("sync:s1", "worker-a", 60_000)).toBe(true);
        expect(await peer.acquireLease("sync:s1", "worker-b", 60_000)).toBe(false);
        expect(await store.acquireLease("sync:s1", "worker-a", 60_000)).toBe(true);
        expect(await peer.renewLease("sync:s1", "worker-b", 60_000)).toBe(false);
        expect(await store.renewLease("sync:s1", "worker-a", 60_000)).toBe(true);
        await peer.releaseLease("sync:s1", "worker-b");
        expect(await peer.acquireLease("sync:s1", "worker-b", 60_000)).toBe(false);
        await store.releaseLease("sync:s1", "worker-a");
        expect(await peer.acquireLease("sync:s1", "worker-b", 60_000)).toBe(true);
        expect(await store.renewLease("sync:s1", "worker-a", 60_000)).toBe(false);

        // An expired lease may be taken over.
        expect(await store.acquireLease("sync:s2", "worker-a", 1)).toBe(true);
        const expiresAt = Date.now() + 5;
        while (Date.now() <= expiresAt) await new Promise((r) => setTimeout(r, 5));
        expect(await peer.acquireLease("sync:s2", "worker-b", 60_000)).toBe(true);

        // Racing clients: exactly one wins each round.
        for (let round = 0; round < 8; round++) {
          const results = await Promise.all([
            store.acquireLease(`race:${round}`, "worker-a", 60_000),
            peer.acquireLease(`race:${round}`, "worker-b", 60_000),
          ]);
          expect(results.filter(Boolean)).toHaveLength(1);
        }
      } finally {
        await peer.close();
      }
    });

    it("sees another client's writes at once", async () => {
      const peer = await h.openPeer();
      try {
        const v = randomUnit(random, D);
        await store.upsert([makeChunk({ recordId: "r1", vector: v })]);
        expect(await peer.count({ tenant: "tenant-a" })).toBe(1);
        await peer.putSyncState("tenant-a", "sync-1", { cursor: "c", updatedAt: "2024-01-01T00:00:00.000Z" });
        expect((await store.getSyncState("tenant-a", "sync-1"))?.cursor).toBe("c");
      } finally {
        await peer.close();
      }
    });
  });

  describe(`${name}: ChunkStore contract, filtered search over 5,000 chunks`, () => {
    let h: StoreHarness;
    let store: ChunkStore;
    const random = seededRandom(11);
    const centers = Array.from({ length: 20 }, () => randomUnit(random, D));
    const records = 1_000;
    const perRecord = 5;
    beforeAll(async () => {
      h = await makeStore();
      store = h.store;
      const chunks = [];
      for (let r = 0; r < records; r++) {
        for (let i = 0; i < perRecord; i++) {
          chunks.push(
            makeChunk({
              recordId: `rec-${r}`,
              chunkIndex: i,
              syncId: `sync-${r % 4}`,
              vector: near(centers[r % centers.length]!, random, 0.6),
            }),
          );
        }
      }
      for (let i = 0; i < chunks.length; i += 1_000) await store.upsert(chunks.slice(i, i + 1_000));
      // A second tenant with the same record ids must never leak in.
      await store.upsert(
        chunks.slice(0, 500).map((c) => makeChunk({ ...c, tenant: "tenant-b", vector: [...c.vector] })),
      );
    });
    afterAll(async () => {
      await store.close();
      await h.dispose();
    });

    it("returns k when k exist at 0.1% selectivity, even far from the query", async () => {
      // rec-3's chunks sit around center 3; query from center 0.
      const hits = await store.search(centers[0]!, { tenant: "tenant-a", limit: 5, recordIds: ["rec-3"] });
      expect(hits).toHaveLength(5);
      expect(new Set(hits.map((x) => x.chunk.recordId))).toEqual(new Set(["rec-3"]));
    });

    it("returns k at 1% selectivity and all matches when fewer than k exist", async () => {
      const ids = Array.from({ length: 10 }, (_, i) => `rec-${i * 97 + 5}`);
      const hits = await store.search(centers[1]!, { tenant: "tenant-a", limit: 10, recordIds: ids });
      expect(hits).toHaveLength(10);
      expect(hits.every((x) => ids.includes(x.chunk.recordId))).toBe(true);
      const all = await store.search(centers[1]!, { tenant: "tenant-a", limit: 100, recordIds: ids });
      expect(all).toHaveLength(50);
    });

    it("takes a 10,000-id record set as a filter", async () => {
      const ids = Array.from({ length: 10_000 }, (_, i) => (i < 3 ? `rec-${i * 300}` : `absent-${i}`));
      expect(await store.count({ tenant: "tenant-a", recordIds: ids })).toBe(15);
      const hits = await store.search(centers[2]!, { tenant: "tenant-a", limit: 20, recordIds: ids });
      expect(hits).toHaveLength(15);
    });

    it("pages candidates with offset: disjoint, ordered, the same as one big page", async () => {
      const q = near(centers[4]!, random, 0.3);
      const filter = { tenant: "tenant-a", syncIds: ["sync-0", "sync-1"] };
      const pages = [];
      for (let page = 0; page < 3; page++) {
        pages.push(await store.search(q, { ...filter, limit: 10, offset: page * 10 }));
      }
      const flat = pages.flat();
      expect(flat).toHaveLength(30);
      expect(new Set(flat.map((x) => x.chunk.id)).size).toBe(30);
      const scores = flat.map((x) => x.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const one = await store.search(q, { ...filter, limit: 30 });
      expect(flat.map((x) => x.chunk.id)).toEqual(one.map((x) => x.chunk.id));
      expect(flat.every((x) => ["sync-0", "sync-1"].includes(x.chunk.syncId))).toBe(true);
    });

    it("counts by tenant, record and sync", async () => {
      expect(await store.count({ tenant: "tenant-a" })).toBe(records * perRecord);
      expect(await store.count({ tenant: "tenant-b" })).toBe(500);
      expect(await store.count({ tenant: "tenant-a", syncIds: ["sync-1"] })).toBe((records * perRecord) / 4);
      expect(await store.count({ tenant: "tenant-a", recordIds: ["rec-1", "rec-2"] })).toBe(10);
    });
  });

  runTenantIsolationContract(name, makeStore);
  runPagingContract(name, makeStore);
}
