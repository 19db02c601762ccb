import { describe, expect, it } from "vitest";
import { type ChunkRef, LanceChunkStore, openChunkStore } from "../../src/store/index.js";
import { ChunkCache } from "../../src/store/lancedb/chunk-cache.js";
import { makeChunk, randomUnit, seededRandom, storeFolders } from "./fixtures.js";
import { spyOnChunksTable } from "./store-internals.js";

const D = 8;
const refOf = (c: { id: string; tenant: string; syncId: string; recordId: string }): ChunkRef => ({
  id: c.id,
  tenant: c.tenant,
  syncId: c.syncId,
  recordId: c.recordId,
});
const withoutVector = <T extends { vector: unknown }>({ vector: _, ...rest }: T) => rest;

/** Counts the reads that reach the chunks table's rows (a take by row id or a query by id). */
const tableReads = (store: LanceChunkStore) => spyOnChunksTable(store, ["takeRowIds", "query"]);

describe("LanceDB readChunks cache", () => {
  const folder = storeFolders("clearance-chunk-cache-");

  it("serves a chunk read again from memory, equal to a fresh read, while the table is unchanged", async () => {
    const path = folder();
    const random = seededRandom(1);
    const chunks = ["a", "b", "c"].map((recordId) =>
      makeChunk({ recordId, vector: randomUnit(random, D), url: `https://x/${recordId}` }),
    );
    const store = await LanceChunkStore.open({ dir: path, dimensions: D });
    const uncached = await LanceChunkStore.open({ dir: path, dimensions: D, chunkCacheEntries: 0 });
    await store.upsert(chunks);
    const refs = (await store.searchRefs(chunks[0]!.vector, { tenant: "tenant-a", limit: 3 })).map(
      (x) => x.ref,
    );
    const first = await store.readChunks(refs);
    const reads = tableReads(store);
    const again = await store.readChunks(refs);
    expect(reads.count()).toBe(0);
    reads.restore();
    const fresh = await uncached.readChunks(refs);
    expect(again).toEqual(fresh);
    expect(again).toEqual(first);
    expect([...again.values()].sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      chunks.map(withoutVector).sort((x, y) => x.id.localeCompare(y.id)),
    );
    // What a caller does to a chunk it got does not change what the cache serves next.
    again.get(chunks[0]!.id)!.metadata.name = "edited by the caller";
    expect((await store.readChunks(refs)).get(chunks[0]!.id)?.metadata.name).toBe("a.pdf");
    await uncached.close();
    await store.close();
  });

  it("keeps serving what this store's own write did not touch, and reads again what it did", async () => {
    const path = folder();
    const random = seededRandom(7);
    const [a, b] = ["a", "b"].map((recordId) => makeChunk({ recordId, vector: randomUnit(random, D) }));
    const store = await LanceChunkStore.open({ dir: path, dimensions: D });
    await store.upsert([a!, b!]);
    const refs = (await store.searchRefs(a!.vector, { tenant: "tenant-a", limit: 2 })).map((x) => x.ref);
    const refA = refs.find((ref) => ref.id === a!.id)!;
    const refB = refs.find((ref) => ref.id === b!.id)!;
    await store.readChunks(refs);
    await store.updateRecordMetadata("tenant-a", "sync-1", "a", { name: "renamed.pdf" });
    const reads = tableReads(store);
    expect((await store.readChunks([refB])).get(b!.id)?.metadata.name).toBe("b.pdf");
    expect(reads.count()).toBe(0);
    expect((await store.readChunks([refA])).get(a!.id)?.metadata.name).toBe("renamed.pdf");
    expect(reads.count()).toBeGreaterThan(0);
    reads.restore();
    await store.close();
  });

  it("does not serve a chunk whose id this store's own upsert gave to another record", async () => {
    // ChunkInput.id should be chunkId(...) of the chunk's own parts, but upsert does not check it:
    // a caller reusing an id for another record (or tenant) replaces that row in the table.
    const path = folder();
    const random = seededRandom(8);
    const a = makeChunk({ recordId: "a", vector: randomUnit(random, D) });
    const store = await LanceChunkStore.open({ dir: path, dimensions: D });
    const uncached = await LanceChunkStore.open({ dir: path, dimensions: D, chunkCacheEntries: 0 });
    await store.upsert([a]);
    const refA = refOf(a);
    expect((await store.readChunks([refA])).has(a.id)).toBe(true);
    const b = {
      ...makeChunk({ tenant: "tenant-b", recordId: "b", vector: randomUnit(random, D) }),
      id: a.id,
    };
    await store.upsert([b]);
    expect((await uncached.readChunks([refA])).has(a.id)).toBe(false);
    expect((await store.readChunks([refA])).has(a.id)).toBe(false);
    await uncached.close();
    await store.close();
  });

  it("sees what another store on the same folder wrote since: new metadata, new text, a deletion", async () => {
    const path = folder();
    const random = seededRandom(2);
    const [a, b] = ["a", "b"].map((recordId) => makeChunk({ recordId, vector: randomUnit(random, D) }));
    const store = await LanceChunkStore.open({ dir: path, dimensions: D });
    const peer = await LanceChunkStore.open({ dir: path, dimensions: D });
    await store.upsert([a!, b!]);
    const refs = [refOf(a!), refOf(b!)];
    expect((await store.readChunks(refs)).get(a!.id)?.metadata.name).toBe("a.pdf");

    // Metadata patched in place: same id, new name and url.
    await peer.updateRecordMetadata("tenant-a", "sync-1", "a", { name: "renamed.pdf", url: "https://x/new" });
    const renamed = await store.readChunks(refs);
    expect(renamed.get(a!.id)?.metadata).toMatchObject({ name: "renamed.pdf", url: "https://x/new" });
    expect(renamed.get(b!.id)?.metadata.name).toBe("b.pdf");

    // The same id rewritten whole.
    await peer.upsert([{ ...b!, text: "rewritten" }]);
    expect((await store.readChunks(refs)).get(b!.id)?.text).toBe("rewritten");

    // Deleted: absent, not served from memory.
    await peer.deleteByRecord("tenant-a", "sync-1", ["a"]);
    const afterDelete = await store.readChunks(refs);
    expect([...afterDelete.keys()]).toEqual([b!.id]);

    // This store's own writes too.
    await store.updateRecordMetadata("tenant-a", "sync-1", "b", { name: "mine.pdf" });
    expect((await store.readChunks(refs)).get(b!.id)?.metadata.name).toBe("mine.pdf");
    await peer.close();
    await store.close();
  });

  it("never serves a chunk older than a write that finished before the read began (concurrent readers, writes from this store and a peer)", async () => {
    // Learning the table version after reading the rows (a write slipping between) tagged old
    // rows with the new version: this test then saw about a third of its reads stale.
    const path = folder();
    const random = seededRandom(6);
    const chunks = ["a", "b", "c"].map((recordId) => makeChunk({ recordId, vector: randomUnit(random, D) }));
    const store = await LanceChunkStore.open({ dir: path, dimensions: D });
    const peer = await LanceChunkStore.open({ dir: path, dimensions: D });
    await store.upsert(chunks);
    await store.updateRecordMetadata("tenant-a", "sync-1", "a", { name: "0" });
    const refs = chunks.map(refOf);
    let written = 0; // the last write that finished
    let writing = true;
    const stale: { floor: number; name: string | undefined }[] = [];
    let reads = 0;
    const writer = async () => {
      for (let i = 1; i <= 40; i++) {
        await (i % 2 ? store : peer).updateRecordMetadata("tenant-a", "sync-1", "a", { name: String(i) });
        written = i;
      }
      writing = false;
    };
    const reader = async () => {
      while (writing) {
        const floor = written;
        const name = (await store.readChunks(refs)).get(chunks[0]!.id)?.metadata.name;
        reads += 1;
        if (!(Number(name) >= floor)) stale.push({ floor, name });
      }
    };
    await Promise.all([writer(), reader(), reader(), reader()]);
    expect(reads).toBeGreaterThan(40);
    expect(stale).toEqual([]);
    await peer.close();
    await store.close();
  });

  it("answers a ref of another tenant, sync or record with nothing, even with the chunk cached", async () => {
    const path = folder();
    const random = seededRandom(3);
    const a = makeChunk({ recordId: "a", vector: randomUnit(random, D) });
    const store = await LanceChunkStore.open({ dir: path, dimensions: D });
    await store.upsert([a]);
    expect((await store.readChunks([refOf(a)])).size).toBe(1);
    for (const forged of [
      { ...refOf(a), tenant: "tenant-b" },
      { ...refOf(a), syncId: "sync-2" },
      { ...refOf(a), recordId: "b" },
    ]) {
      expect(await store.readChunks([forged])).toEqual(new Map());
    }
    // The cached chunk is still the ref's own.
    expect((await store.readChunks([refOf(a)])).get(a.id)?.recordId).toBe("a");
    await store.close();
  });

  it("holds at most chunkCacheEntries chunks, dropping the least recently read", async () => {
    const path = folder();
    const random = seededRandom(4);
    const chunks = ["a", "b", "c"].map((recordId) => makeChunk({ recordId, vector: randomUnit(random, D) }));
    const store = await LanceChunkStore.open({ dir: path, dimensions: D, chunkCacheEntries: 2 });
    await store.upsert(chunks);
    const [a, b, c] = chunks.map(refOf);
    await store.readChunks([a!]);
    await store.readChunks([b!]);
    await store.readChunks([a!]); // a is now the most recently read
    await store.readChunks([c!]); // b goes
    const reads = tableReads(store);
    expect((await store.readChunks([a!, c!])).size).toBe(2);
    expect(reads.count()).toBe(0);
    expect((await store.readChunks([b!])).size).toBe(1);
    expect(reads.count()).toBeGreaterThan(0);
    reads.restore();
    await store.close();
  });

  it("takes its size from config-shaped settings: store.chunkCacheEntries 0 reads every chunk from the table", async () => {
    const path = folder();
    const a = makeChunk({ recordId: "a", vector: randomUnit(seededRandom(5), D) });
    const store = (await openChunkStore(
      { kind: "lancedb", dir: path, chunkCacheEntries: 0 },
      D,
    )) as LanceChunkStore;
    await store.upsert([a]);
    await store.readChunks([refOf(a)]);
    const reads = tableReads(store);
    expect((await store.readChunks([refOf(a)])).size).toBe(1);
    expect(reads.count()).toBeGreaterThan(0);
    reads.restore();
    await store.close();
  });

  it("rejects a chunk cache size that is not a whole number of chunks", async () => {
    for (const chunkCacheEntries of [-1, 1.5, Number.NaN]) {
      await expect(
        LanceChunkStore.open({ dir: folder(), dimensions: D, chunkCacheEntries }),
      ).rejects.toMatchObject({ code: "STORE_CACHE_INVALID" });
    }
  });
});

describe("ChunkCache", () => {
  const chunk = (recordId: string) => {
    const { vector: _, ...rest } = makeChunk({ recordId, vector: [1, 0, 0, 0, 0, 0, 0, 0] });
    return rest;
  };

  it("answers only for the version its chunks were read at, and empties on a new one", () => {
    const cache = new ChunkCache(10);
    const a = chunk("a");
    cache.seen(3);
    cache.put(a, 3);
    expect(cache.get(refOf(a), 3)).toEqual(a);
    expect(cache.get(refOf(a), 4)).toBeUndefined();
    cache.seen(4);
    expect(cache.size).toBe(0);
    expect(cache.get(refOf(a), 3)).toBeUndefined();
  });

  it("does not keep a chunk read after an older version than the cache has since seen", () => {
    const cache = new ChunkCache(10);
    const a = chunk("a");
    cache.seen(3);
    cache.seen(4); // another read learnt a newer version meanwhile
    cache.put(a, 3);
    expect(cache.size).toBe(0);
    cache.seen(3);
    expect(cache.get(refOf(a), 3)).toBeUndefined();
  });

  it("keeps nothing when sized 0, and at most its size otherwise", () => {
    const off = new ChunkCache(0);
    off.seen(1);
    off.put(chunk("a"), 1);
    expect(off.size).toBe(0);
    const two = new ChunkCache(2);
    two.seen(1);
    for (const id of ["a", "b", "c", "d"]) two.put(chunk(id), 1);
    expect(two.size).toBe(2);
    expect(two.get(refOf(chunk("a")), 1)).toBeUndefined();
    expect(two.get(refOf(chunk("d")), 1)?.recordId).toBe("d");
  });
});
