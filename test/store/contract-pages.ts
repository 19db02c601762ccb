import { describe, expect, it } from "vitest";
import type { ChunkStore, RecordVersion } from "../../src/store/index.js";
import type { StoreHarness } from "./contract.js";
import { CONTRACT_DIMENSIONS } from "./contract.js";
import { freshStorePerTest } from "./contract-harness.js";
import { makeChunk, randomUnit, seededRandom } from "./fixtures.js";

// More than one request's worth: a backend that pages its reads (Qdrant scrolls 256 state points
// at a time, retrieves 256 ids, deletes 1,000 record ids per filter) must page them all. (State
// values are not listed past a page here: a LanceDB write per value would cost seconds, and
// Qdrant's listState pages through the same scroll as recordVersions.)
const MANY = 1_100;

/** Reads and writes larger than one page of a paging backend return and touch every item once. */
export function runPagingContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`${name}: ChunkStore contract, past one page`, () => {
    const current = freshStorePerTest(makeStore);
    const random = seededRandom(29);
    const ids = Array.from({ length: MANY }, (_, i) => `rec-${i}`);

    it("lists, reads and deletes every record version, each once", async () => {
      const store: ChunkStore = current();
      const version = (tenant: string, recordId: string): RecordVersion => ({
        tenant,
        syncId: "sync-1",
        recordId,
        contentHash: "h",
        sourceVersion: "sv",
        chunkCount: 1,
        updatedAt: "2024-05-02T00:00:00.000Z",
      });
      await store.putRecordVersions([
        ...ids.map((id) => version("tenant-a", id)),
        version("tenant-b", "rec-0"),
      ]);
      const listed: string[] = [];
      for await (const v of store.recordVersions("tenant-a", "sync-1")) listed.push(v.recordId);
      expect(listed.sort()).toEqual([...ids].sort());
      expect((await store.getRecordVersions("tenant-a", "sync-1", [...ids, "missing"])).size).toBe(MANY);
      await store.deleteRecordVersions("tenant-a", "sync-1", ids);
      expect((await store.getRecordVersions("tenant-a", "sync-1", ids)).size).toBe(0);
      expect((await store.getRecordVersions("tenant-b", "sync-1", ["rec-0"])).size).toBe(1);
    });

    it("reads back and deletes every chunk of a large record set", async () => {
      const store: ChunkStore = current();
      const v = randomUnit(random, CONTRACT_DIMENSIONS);
      const chunks = ids.map((recordId) => makeChunk({ recordId, vector: v }));
      await store.upsert([...chunks, makeChunk({ tenant: "tenant-b", recordId: "rec-0", vector: v })]);
      const refs = chunks.map(({ id, tenant, syncId, recordId }) => ({ id, tenant, syncId, recordId }));
      expect((await store.readChunks(refs)).size).toBe(MANY);
      // Every record's current hash is another: each record's chunks go stale.
      await store.deleteStaleChunks(
        "tenant-a",
        "sync-1",
        ids.slice(0, MANY - 1).map((recordId) => ({ recordId, contentHash: "new" })),
      );
      expect(await store.count({ tenant: "tenant-a" })).toBe(1);
      await store.deleteByRecord("tenant-a", "sync-1", ids);
      expect(await store.count({ tenant: "tenant-a" })).toBe(0);
      expect(await store.count({ tenant: "tenant-b" })).toBe(1);
    });
  });
}
