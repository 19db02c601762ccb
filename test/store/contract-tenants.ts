import { describe, expect, it } from "vitest";
import type { ChunkInput, ChunkStore, RecordVersion } from "../../src/store/index.js";
import type { StoreHarness } from "./contract.js";
import { CONTRACT_DIMENSIONS } from "./contract.js";
import { freshStorePerTest } from "./contract-harness.js";
import { makeChunk, randomUnit, seededRandom } from "./fixtures.js";

/**
 * Tenant isolation on every path at once: two tenants hold twin data (same sync, record ids,
 * chunk indexes, hashes, text and vectors; only the tenant differs), so a path that forgot the
 * tenant anywhere returns, counts, changes or deletes the twin.
 */
export function runTenantIsolationContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`${name}: ChunkStore contract, tenant isolation on every path`, () => {
    const current = freshStorePerTest(makeStore);
    const random = seededRandom(23);

    it("never lets one tenant read, count, change or delete its twin's chunks and versions", async () => {
      const store: ChunkStore = current();
      const v = randomUnit(random, CONTRACT_DIMENSIONS);
      const twins = (tenant: string): ChunkInput[] =>
        ["r1", "r2"].flatMap((recordId) =>
          [0, 1].map((chunkIndex) => makeChunk({ tenant, recordId, chunkIndex, vector: v })),
        );
      const version = (tenant: string, recordId: string): RecordVersion => ({
        tenant,
        syncId: "sync-1",
        recordId,
        contentHash: "hash-1",
        sourceVersion: "sv",
        chunkCount: 2,
        updatedAt: "2024-05-02T00:00:00.000Z",
      });
      await store.upsert([...twins("tenant-a"), ...twins("tenant-b")]);
      await store.putRecordVersions(
        ["tenant-a", "tenant-b"].flatMap((t) => [version(t, "r1"), version(t, "r2")]),
      );

      const filters = [{}, { recordIds: ["r1", "r2"] }, { syncIds: ["sync-1"] }];
      for (const filter of filters) {
        const refs = await store.searchRefs(v, { tenant: "tenant-a", limit: 20, ...filter });
        expect(refs.map((x) => x.ref.tenant)).toEqual(Array(4).fill("tenant-a"));
        const hits = await store.search(v, { tenant: "tenant-a", limit: 20, ...filter });
        expect(hits.map((x) => x.chunk.tenant)).toEqual(Array(4).fill("tenant-a"));
        expect(await store.count({ tenant: "tenant-a", ...filter })).toBe(4);
      }
      // Tenant b's own refs read back for b; named with tenant a they read nothing.
      const bRefs = (await store.searchRefs(v, { tenant: "tenant-b", limit: 20 })).map((x) => x.ref);
      expect((await store.readChunks(bRefs)).size).toBe(4);
      expect(await store.readChunks(bRefs.map((ref) => ({ ...ref, tenant: "tenant-a" })))).toEqual(new Map());

      // Tenant a's writes leave b's twins whole.
      await store.updateRecordMetadata("tenant-a", "sync-1", "r1", { name: "renamed.pdf" });
      await store.deleteStaleChunks("tenant-a", "sync-1", [{ recordId: "r2", contentHash: "hash-2" }]);
      await store.deleteByRecord("tenant-a", "sync-1", ["r1"]);
      await store.deleteRecordVersions("tenant-a", "sync-1", ["r1"]);
      expect(await store.count({ tenant: "tenant-a" })).toBe(0);
      const b = await store.search(v, { tenant: "tenant-b", limit: 20 });
      expect(b.map((x) => `${x.chunk.recordId}:${x.chunk.metadata.name}`).sort()).toEqual([
        "r1:r1.pdf",
        "r1:r1.pdf",
        "r2:r2.pdf",
        "r2:r2.pdf",
      ]);
      expect([...(await store.getRecordVersions("tenant-b", "sync-1", ["r1", "r2"])).keys()].sort()).toEqual([
        "r1",
        "r2",
      ]);
      const listed: string[] = [];
      for await (const v of store.recordVersions("tenant-a", "sync-1"))
        listed.push(`${v.tenant}:${v.recordId}`);
      expect(listed).toEqual(["tenant-a:r2"]);
    });
  });
}
