import { describe, expect, it } from "vitest";
import { type Chunk, type ChunkInput, type ChunkRef, LanceChunkStore } from "../../src/store/index.js";
import { makeChunk, randomUnit, seededRandom, storeFolders } from "./fixtures.js";
import { untilHeld } from "./store-internals.js";

const D = 8;
const RECORDS = 12;
const CHUNKS = 3;
const TENANT = "tenant-a";
const recordIds = Array.from({ length: RECORDS }, (_, r) => `rec-${r}`);

/** Every chunk of the records, at one content hash (a version of the records). */
function version(hash: string, records: readonly string[], seed: number): ChunkInput[] {
  const random = seededRandom(seed);
  return records.flatMap((recordId) =>
    Array.from({ length: CHUNKS }, (_, chunkIndex) =>
      makeChunk({
        recordId,
        chunkIndex,
        contentHash: hash,
        text: `${recordId} #${chunkIndex} at ${hash}`,
        vector: randomUnit(random, D),
      }),
    ),
  );
}

const refOf = ({ id, tenant, syncId, recordId }: Chunk): ChunkRef => ({ id, tenant, syncId, recordId });

// A chunk the source removed (its record deleted, or replaced by a new version) must not come back:
// not from the table after a compaction that ran beside the delete (another process's optimize),
// and not from a reader's memory (its held records, its chunk cache) filled before either.
describe("deletes and replacements beside a compaction by another store on the folder", () => {
  const folder = storeFolders("clearance-compaction-deletes-");

  it("leave no removed chunk in the table, in the reader's record memory or in its chunk cache", {
    timeout: 60_000,
  }, async () => {
    const path = folder();
    const reader = await LanceChunkStore.open({ dir: path, dimensions: D });
    const writer = await LanceChunkStore.open({ dir: path, dimensions: D });
    const compactor = await LanceChunkStore.open({ dir: path, dimensions: D });
    // The table without any memory: what the folder holds.
    const table = await LanceChunkStore.open({
      dir: path,
      dimensions: D,
      recordCacheMb: 0,
      chunkCacheEntries: 0,
    });
    try {
      // Many small writes: fragments for the compaction to rewrite.
      for (const recordId of recordIds) await writer.upsert(version("hash-0", [recordId], 1));
      let live = new Set(recordIds);
      const vector = randomUnit(seededRandom(9), D);
      const all = () => reader.search(vector, { tenant: TENANT, recordIds, limit: RECORDS * CHUNKS * 2 });

      for (let round = 1; round <= 2; round++) {
        const hash = `hash-${round}`;
        // The reader holds every record and has read every chunk (its chunk cache).
        reader.loadRecords(TENANT, recordIds);
        await untilHeld(reader, TENANT, recordIds);
        const before = (await all()).map(({ chunk }) => chunk);
        expect(before.length).toBe(live.size * CHUNKS);
        await reader.readChunks(before.map(refOf));

        // One record deleted, the others replaced by a new version, while another store compacts.
        const gone = [...live][0]!;
        live = new Set([...live].filter((r) => r !== gone));
        await Promise.all([
          compactor.optimize(),
          (async () => {
            await writer.deleteByRecord(TENANT, "sync-1", [gone]);
            await writer.upsert(version(hash, [...live], round + 10));
            await writer.deleteStaleChunks(
              TENANT,
              "sync-1",
              [...live].map((recordId) => ({ recordId, contentHash: hash })),
            );
          })(),
        ]);

        const expected = version(hash, [...live], round + 10)
          .map((c) => c.id)
          .sort();
        const stored = await table.search(vector, { tenant: TENANT, limit: RECORDS * CHUNKS * 2 });
        expect(stored.map(({ chunk }) => chunk.id).sort(), `round ${round}: the table`).toEqual(expected);
        expect(
          (await all()).map(({ chunk }) => chunk.id).sort(),
          `round ${round}: the reader's search`,
        ).toEqual(expected);
        const reread = await reader.readChunks(before.map(refOf));
        expect([...reread.keys()], `round ${round}: the reader's chunk cache`).toEqual([]);
      }
    } finally {
      await Promise.all([reader, writer, compactor, table].map((store) => store.close()));
    }
  });
});
