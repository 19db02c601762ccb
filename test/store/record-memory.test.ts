import { describe, expect, it, vi } from "vitest";
import { StoreError } from "../../src/store/errors.js";
import { type ChunkInput, LanceChunkStore, openChunkStore } from "../../src/store/index.js";
import { DEFAULT_RECORD_SCAN_MAX_VALUES } from "../../src/store/lancedb/index-settings.js";
import { RecordMemory } from "../../src/store/lancedb/record-memory.js";
import type { VectorArena } from "../../src/store/lancedb/vector-arena.js";
import type { VectorPool } from "../../src/store/lancedb/vector-pool.js";
import { makeChunk, randomUnit, seededRandom, storeFolders } from "./fixtures.js";
import { chunksTableOf, settled, spyOnChunksTable, untilHeld } from "./store-internals.js";

const D = 8;
const RECORDS = 40;

/** Asks the store to hold the records and waits until it does (loading is in the background). */
async function held(store: LanceChunkStore, tenant: string, recordIds: readonly string[]): Promise<void> {
  store.loadRecords(tenant, recordIds);
  await untilHeld(store, tenant, recordIds);
}

/** Counts the searches that reach the chunks table. */
const tableSearches = (store: LanceChunkStore) => spyOnChunksTable(store, ["vectorSearch"]);

/** The store's record memory. */
const memoryOf = (store: LanceChunkStore) => (store as unknown as { memory: RecordMemory }).memory;

/** Bytes the store's record memory holds. */
const heldBytes = (store: LanceChunkStore) => memoryOf(store).size;

/** The record memory's arena, and the floats of the blocks its held loads own. */
function arenaOf(store: LanceChunkStore) {
  const memory = memoryOf(store) as unknown as { arena: VectorArena; pools: Set<VectorPool> };
  const owned = () => [...memory.pools].reduce((sum, pool) => sum + pool.block.length, 0);
  return { arena: memory.arena, owned };
}

/** Two tenants with the same record ids, two syncs, three chunks a record. */
function world(seed: number): ChunkInput[] {
  const random = seededRandom(seed);
  const chunks: ChunkInput[] = [];
  for (const tenant of ["tenant-a", "tenant-b"]) {
    for (let r = 0; r < RECORDS; r++) {
      for (let chunkIndex = 0; chunkIndex < 3; chunkIndex++) {
        chunks.push(
          makeChunk({
            tenant,
            syncId: r % 2 === 0 ? "sync-1" : "sync-2",
            recordId: `rec-${r}`,
            chunkIndex,
            vector: randomUnit(random, D),
          }),
        );
      }
    }
  }
  return chunks;
}

/** Ten record ids from `rec-{from}` on: a list of the world's tenant-a records. */
const tenList = (from: number) => Array.from({ length: 10 }, (_, r) => `rec-${from + r}`);

describe("LanceDB record memory", () => {
  const folder = storeFolders("clearance-record-memory-");

  /** A folder holding `world(seed)`, and the bytes the record memory holds for one `tenList` there. */
  async function folderWithListBytes(seed: number): Promise<{ path: string; listBytes: number }> {
    const path = folder();
    const probe = await LanceChunkStore.open({ dir: path, dimensions: D });
    await probe.upsert(world(seed));
    await held(probe, "tenant-a", tenList(0));
    const listBytes = heldBytes(probe);
    await probe.close();
    return { path, listBytes };
  }
  /** A store with its record memory on a fresh folder, and one without it on the same folder (the table's answers). */
  const storeAndTable = async (dimensions = D) => {
    const path = folder();
    const store = await LanceChunkStore.open({ dir: path, dimensions });
    const table = await LanceChunkStore.open({ dir: path, dimensions, recordCacheMb: 0 });
    return { path, store, table };
  };

  it("answers a search of held records as the table's exact search does, without searching the table", async () => {
    const { store, table } = await storeAndTable();
    await store.upsert(world(1));
    const random = seededRandom(2);
    const all = Array.from({ length: RECORDS }, (_, r) => `rec-${r}`);
    await held(store, "tenant-a", all);
    const searches = tableSearches(store);
    for (let i = 0; i < 30; i++) {
      const recordIds = all.filter(() => random() < 0.3);
      if (recordIds.length === 0) continue;
      const options = {
        tenant: "tenant-a",
        recordIds,
        limit: 1 + Math.floor(random() * 6),
        offset: Math.floor(random() * 4),
        ...(i % 3 === 0 ? { syncIds: ["sync-2"] } : {}),
      };
      const vector = randomUnit(random, D);
      const fromMemory = await store.search(vector, options);
      const fromTable = await table.search(vector, options);
      expect(fromMemory.map((hit) => hit.chunk)).toEqual(fromTable.map((hit) => hit.chunk));
      for (const [j, hit] of fromMemory.entries()) expect(hit.score).toBeCloseTo(fromTable[j]!.score, 5);
      for (const hit of fromMemory) {
        expect(hit.chunk.tenant).toBe("tenant-a");
        expect(recordIds).toContain(hit.chunk.recordId);
        if (options.syncIds) expect(hit.chunk.syncId).toBe("sync-2");
      }
      const refs = await store.searchRefs(vector, options);
      expect(refs.map((hit) => hit.ref.id)).toEqual(fromTable.map((hit) => hit.chunk.id));
    }
    expect(searches.count()).toBe(0);
    searches.restore();
    await table.close();
    await store.close();
  });

  it("answers a filter naming a record twice as the table does: each chunk once", async () => {
    const { store, table } = await storeAndTable();
    await store.upsert(world(13));
    await held(store, "tenant-a", ["rec-1", "rec-2"]);
    const options = { tenant: "tenant-a", recordIds: ["rec-1", "rec-2", "rec-1"], limit: 10 };
    const vector = randomUnit(seededRandom(14), D);
    const fromMemory = await store.search(vector, options);
    expect(fromMemory.map((hit) => hit.chunk.id)).toEqual(
      (await table.search(vector, options)).map((hit) => hit.chunk.id),
    );
    expect(fromMemory).toHaveLength(6);
    await table.close();
    await store.close();
  });

  it("loads a list naming a record twice as the list naming it once: no vector lands past its block", async () => {
    const { store, table } = await storeAndTable();
    await store.upsert(world(21));
    const memory = memoryOf(store);
    // RecordMemory.load directly: the store's loadRecords drops repeats, a caller of load may not.
    await memory.load(chunksTableOf(store), "tenant-a", ["rec-1", "rec-1", "rec-2"]);
    // The next load's block starts where the first one ends.
    await memory.load(chunksTableOf(store), "tenant-a", ["rec-3", "rec-4"]);
    const vector = randomUnit(seededRandom(22), D);
    for (const recordIds of [["rec-1"], ["rec-2"], ["rec-1", "rec-2", "rec-3", "rec-4"]]) {
      const options = { tenant: "tenant-a", recordIds, limit: 12 };
      const fromMemory = await store.search(vector, options);
      const fromTable = await table.search(vector, options);
      expect(fromMemory.map((hit) => hit.chunk.id)).toEqual(fromTable.map((hit) => hit.chunk.id));
      for (const [j, hit] of fromMemory.entries()) expect(hit.score).toBeCloseTo(fromTable[j]!.score, 5);
    }
    const { arena, owned } = arenaOf(store);
    expect(arena.held).toBe(owned());
    await table.close();
    await store.close();
  });

  it("holds a record without chunks as such, and never one of another tenant", async () => {
    const path = folder();
    const store = await LanceChunkStore.open({ dir: path, dimensions: D });
    await store.upsert(world(3));
    await held(store, "tenant-a", ["rec-1", "rec-2", "no-such-record"]);
    expect(await store.holdsRecords("tenant-b", ["rec-1"])).toBe(false);
    const hits = await store.search(randomUnit(seededRandom(4), D), {
      tenant: "tenant-a",
      recordIds: ["rec-1", "no-such-record"],
      limit: 10,
    });
    expect(hits.map((hit) => [hit.chunk.tenant, hit.chunk.recordId])).toEqual(
      Array.from({ length: 3 }, () => ["tenant-a", "rec-1"]),
    );
    // tenant-b's records of the same ids are searched in the table, and only tenant-b's come back.
    const other = await store.search(randomUnit(seededRandom(5), D), {
      tenant: "tenant-b",
      recordIds: ["rec-1"],
      limit: 10,
    });
    expect(other.map((hit) => hit.chunk.tenant)).toEqual(["tenant-b", "tenant-b", "tenant-b"]);
    await store.close();
  });

  it("holds a list none of whose records has a chunk, and answers it from memory", async () => {
    // LanceDB answers a read matching no row with a result of no columns at all: the load must
    // take it as no chunks, not fail (it failed silently, and every query of the list went to the table).
    const store = await LanceChunkStore.open({ dir: folder(), dimensions: D });
    await store.upsert(world(6));
    await held(store, "tenant-a", ["gone-1", "gone-2"]);
    const searches = tableSearches(store);
    const hits = await store.search(randomUnit(seededRandom(7), D), {
      tenant: "tenant-a",
      recordIds: ["gone-1", "gone-2"],
      limit: 10,
    });
    expect(hits).toEqual([]);
    expect(searches.count()).toBe(0);
    searches.restore();
    await store.close();
  });

  it("sees what another store on the same folder wrote since: a new chunk, a deletion, new metadata", async () => {
    const path = folder();
    const store = await LanceChunkStore.open({ dir: path, dimensions: D });
    const peer = await LanceChunkStore.open({ dir: path, dimensions: D });
    await store.upsert(world(6));
    const recordIds = ["rec-2", "rec-4"];
    const vector = randomUnit(seededRandom(7), D);
    const search = () => store.search(vector, { tenant: "tenant-a", recordIds, limit: 20 });

    await held(store, "tenant-a", recordIds);
    const added = makeChunk({ tenant: "tenant-a", recordId: "rec-2", chunkIndex: 7, vector });
    await peer.upsert([added]);
    expect(await store.holdsRecords("tenant-a", recordIds)).toBe(false);
    expect((await search())[0]?.chunk.id).toBe(added.id);

    await held(store, "tenant-a", recordIds);
    await peer.deleteByRecord("tenant-a", "sync-1", ["rec-4"]);
    expect((await search()).map((hit) => hit.chunk.recordId)).toEqual(["rec-2", "rec-2", "rec-2", "rec-2"]);

    await held(store, "tenant-a", recordIds);
    await peer.updateRecordMetadata("tenant-a", "sync-1", "rec-2", { name: "renamed.pdf" });
    expect((await search()).map((hit) => hit.chunk.metadata.name)).toEqual(Array(4).fill("renamed.pdf"));
    await peer.close();
    await store.close();
  });

  it("keeps what this store's own write did not touch; drops what it did, and answers as the table after it", async () => {
    const { store, table } = await storeAndTable();
    await store.upsert(world(13));
    const listA = ["rec-2", "rec-4", "rec-6"];
    const listB = ["rec-10", "rec-12", "rec-14"];
    const vector = randomUnit(seededRandom(14), D);
    const same = async (recordIds: string[]) => {
      const options = { tenant: "tenant-a", recordIds, limit: 20 };
      expect((await store.search(vector, options)).map((hit) => hit.chunk)).toEqual(
        (await table.search(vector, options)).map((hit) => hit.chunk),
      );
    };
    await held(store, "tenant-a", listA);
    await held(store, "tenant-a", listB);

    // A new chunk of rec-2: list A must be read again, list B is still held and still exact.
    await store.upsert([makeChunk({ tenant: "tenant-a", recordId: "rec-2", chunkIndex: 9, vector })]);
    expect(await store.holdsRecords("tenant-a", listA)).toBe(false);
    expect(await store.holdsRecords("tenant-a", listB)).toBe(true);
    const searches = tableSearches(store);
    await same(listB);
    expect(searches.count()).toBe(0);
    searches.restore();
    await same(listA);

    // Metadata of rec-12, then a deletion of rec-14: list B goes each time, and reads fresh.
    await store.updateRecordMetadata("tenant-a", "sync-1", "rec-12", { name: "renamed.pdf" });
    expect(await store.holdsRecords("tenant-a", listB)).toBe(false);
    await held(store, "tenant-a", listB);
    await store.deleteByRecord("tenant-a", "sync-1", ["rec-14"]);
    expect(await store.holdsRecords("tenant-a", listB)).toBe(false);
    await same(listB);
    expect(
      (await store.search(vector, { tenant: "tenant-a", recordIds: listB, limit: 20 })).map(
        (h) => h.chunk.metadata.name,
      ),
    ).toContain("renamed.pdf");

    // Another tenant's write through this store leaves tenant-a's lists held.
    await held(store, "tenant-a", listA);
    await store.upsert([makeChunk({ tenant: "tenant-b", recordId: "rec-2", chunkIndex: 9, vector })]);
    expect(await store.holdsRecords("tenant-a", listA)).toBe(true);
    await same(listA);

    // A sync deleted through this store: everything of that tenant goes.
    await store.deleteSync("tenant-a", "sync-2");
    expect(await store.holdsRecords("tenant-a", listA)).toBe(false);
    await same(listA);
    await table.close();
    await store.close();
  });

  it("drops the records whose stale chunks this store deleted, and keeps the others held", async () => {
    const { store, table } = await storeAndTable();
    await store.upsert(world(15));
    const list = ["rec-0", "rec-2", "rec-4"];
    const other = ["rec-6", "rec-8"];
    await held(store, "tenant-a", list);
    await held(store, "tenant-a", other);
    // rec-2 has new content: its chunks at the old hash are stale, the others' are current.
    await store.deleteStaleChunks("tenant-a", "sync-1", [
      { recordId: "rec-0", contentHash: "hash-1" },
      { recordId: "rec-2", contentHash: "hash-2" },
      { recordId: "rec-6", contentHash: "hash-1" },
    ]);
    expect(await store.holdsRecords("tenant-a", list)).toBe(false);
    expect(await store.holdsRecords("tenant-a", other)).toBe(true);
    const vector = randomUnit(seededRandom(16), D);
    for (const recordIds of [list, other]) {
      const options = { tenant: "tenant-a", recordIds, limit: 20 };
      expect((await store.search(vector, options)).map((hit) => hit.chunk.id)).toEqual(
        (await table.search(vector, options)).map((hit) => hit.chunk.id),
      );
    }
    expect(await table.count({ tenant: "tenant-a", recordIds: ["rec-2"] })).toBe(0);
    await table.close();
    await store.close();
  });

  it("does not hold a chunk whose id this store's own upsert gave to another record", async () => {
    // ChunkInput.id should be chunkId(...) of the chunk's own parts, but upsert does not check it.
    const { store, table } = await storeAndTable();
    const chunks = world(17);
    await store.upsert(chunks);
    const list = ["rec-0", "rec-2"];
    await held(store, "tenant-a", list);
    const taken = chunks.find((c) => c.tenant === "tenant-a" && c.recordId === "rec-0")!;
    const vector = randomUnit(seededRandom(18), D);
    await store.upsert([{ ...makeChunk({ tenant: "tenant-b", recordId: "rec-99", vector }), id: taken.id }]);
    const options = { tenant: "tenant-a", recordIds: list, limit: 20 };
    const fromTable = (await table.search(vector, options)).map((hit) => hit.chunk.id);
    expect(fromTable).not.toContain(taken.id);
    expect((await store.search(vector, options)).map((hit) => hit.chunk.id)).toEqual(fromTable);
    await table.close();
    await store.close();
  });

  it("stays within its bound: a list larger than half of it is not loaded, the least recently searched go first", async () => {
    const { path, listBytes } = await folderWithListBytes(8);
    const [a, b, c] = [tenList(0), tenList(10), tenList(20)];

    const store = await LanceChunkStore.open({
      dir: path,
      dimensions: D,
      recordCacheMb: (2.5 * listBytes) / 1e6,
    });
    const vector = randomUnit(seededRandom(9), D);
    await held(store, "tenant-a", a!);
    await held(store, "tenant-a", b!);
    await store.search(vector, { tenant: "tenant-a", recordIds: a!, limit: 3 });
    await held(store, "tenant-a", c!);
    expect(await store.holdsRecords("tenant-a", a!)).toBe(true);
    expect(await store.holdsRecords("tenant-a", b!)).toBe(false);
    expect(heldBytes(store)).toBeLessThanOrEqual(2.5 * listBytes);
    await store.close();

    const small = await LanceChunkStore.open({
      dir: path,
      dimensions: D,
      recordCacheMb: (0.9 * listBytes) / 1e6,
    });
    small.loadRecords("tenant-a", a!);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await small.holdsRecords("tenant-a", a!)).toBe(false);
    expect(heldBytes(small)).toBe(0);
    await small.close();
  });

  it("gives back a load's vectors and bytes as soon as writes dropped every record of it, and keeps the others", async () => {
    const { store, table } = await storeAndTable();
    await store.upsert(world(29));
    const { arena, owned } = arenaOf(store);
    await held(store, "tenant-a", tenList(0));
    const oneList = heldBytes(store);
    await held(store, "tenant-a", tenList(10));
    const both = heldBytes(store);
    expect(both).toBeGreaterThan(oneList);
    // Every record of the first list rewritten, in two writes: only the second empties its load.
    const vector = randomUnit(seededRandom(30), D);
    const rewrite = (recordIds: string[]) =>
      store.upsert(
        recordIds.map((recordId) => makeChunk({ tenant: "tenant-a", recordId, chunkIndex: 7, vector })),
      );
    await rewrite(tenList(0).slice(0, 5));
    expect(heldBytes(store)).toBe(both);
    await rewrite(tenList(0).slice(5));
    expect(heldBytes(store)).toBe(both - oneList);
    expect(arena.held).toBe(owned());
    expect(await store.holdsRecords("tenant-a", tenList(10))).toBe(true);
    const options = { tenant: "tenant-a", recordIds: tenList(10), limit: 20 };
    expect((await store.search(vector, options)).map((hit) => hit.chunk.id)).toEqual(
      (await table.search(vector, options)).map((hit) => hit.chunk.id),
    );
    await table.close();
    await store.close();
  });

  it("gives back the vectors of what it lets go: evicted loads, refused lists, all of them when the table moved on", async () => {
    const { path, listBytes } = await folderWithListBytes(23);

    const store = await LanceChunkStore.open({
      dir: path,
      dimensions: D,
      recordCacheMb: (2.5 * listBytes) / 1e6,
    });
    const { arena, owned } = arenaOf(store);
    // Four lists in turn through room for two: every load evicts one.
    for (let i = 0; i < 12; i++) {
      await held(store, "tenant-a", tenList((i % 4) * 10));
      await settled(store);
      expect(arena.held).toBe(owned());
    }
    expect(arena.held).toBeLessThanOrEqual(2 * 30 * D);
    // A version no write of this store's explains: everything goes, the memory too.
    const memory = memoryOf(store);
    memory.seen((memory.answersFor ?? 0) + 1);
    expect(arena.capacity).toBe(0);
    await store.close();

    const small = await LanceChunkStore.open({
      dir: path,
      dimensions: D,
      recordCacheMb: (0.9 * listBytes) / 1e6,
    });
    small.loadRecords("tenant-a", tenList(0));
    await settled(small);
    expect(await small.holdsRecords("tenant-a", tenList(0))).toBe(false);
    expect(arenaOf(small).arena.held).toBe(0);
    await small.close();
  });

  it("turns a list away, once per version, when its vectors cannot fit in the arena's memory", async () => {
    const path = folder();
    const store = await LanceChunkStore.open({ dir: path, dimensions: D });
    await store.upsert(world(24));
    const { arena } = arenaOf(store);
    // What a memory at wasm32's 4 GiB (or a host out of pages) answers.
    const full = vi.spyOn(arena, "alloc").mockImplementation(() => {
      throw new StoreError("RECORD_MEMORY_FULL", "the record memory could not grow");
    });
    const list = ["rec-1", "rec-2"];
    store.loadRecords("tenant-a", list);
    await settled(store);
    store.loadRecords("tenant-a", list);
    await settled(store);
    expect(await store.holdsRecords("tenant-a", list)).toBe(false);
    expect(full).toHaveBeenCalledTimes(1);
    full.mockRestore();
    await store.close();
  });

  it("holds nothing when sized 0, and refuses a bound that is not a number of megabytes", async () => {
    const path = folder();
    const off = await LanceChunkStore.open({ dir: path, dimensions: D, recordCacheMb: 0 });
    await off.upsert(world(10));
    off.loadRecords("tenant-a", ["rec-1"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await off.holdsRecords("tenant-a", ["rec-1"])).toBe(false);
    expect(
      await off.search(randomUnit(seededRandom(11), D), {
        tenant: "tenant-a",
        recordIds: ["rec-1"],
        limit: 5,
      }),
    ).toHaveLength(3);
    await off.close();
    for (const recordCacheMb of [-1, Number.NaN]) {
      await expect(
        LanceChunkStore.open({ dir: folder(), dimensions: D, recordCacheMb }),
      ).rejects.toMatchObject({
        code: "STORE_CACHE_INVALID",
        message: expect.stringContaining("recordCacheMb must be a number of megabytes"),
      });
    }
  });

  it("never scans more than its bound of vector values, however much it holds", () => {
    const memory = new RecordMemory(1e9, DEFAULT_RECORD_SCAN_MAX_VALUES / 2);
    expect(memory.mayScan(["a", "b"])).toBe(true);
    expect(memory.mayScan(["a", "b", "c"])).toBe(false);
    // Its own bound, above the default too: a list is not turned away before it is read.
    const wider = new RecordMemory(
      1e9,
      DEFAULT_RECORD_SCAN_MAX_VALUES / 2,
      2 * DEFAULT_RECORD_SCAN_MAX_VALUES,
    );
    expect(wider.mayScan(["a", "b", "c", "d"])).toBe(true);
    expect(wider.mayScan(["a", "b", "c", "d", "e"])).toBe(false);
  });

  it("scans up to the bound it is opened with (recordScanMaxValues), and refuses a bound that is no positive whole number", async () => {
    const path = folder();
    const writer = await LanceChunkStore.open({ dir: path, dimensions: D, recordCacheMb: 0 });
    await writer.upsert(world(12));
    await writer.close();
    // Ten records of three chunks: 30 chunks × 8 dimensions = 240 values.
    const list = Array.from({ length: 10 }, (_, r) => `rec-${r}`);
    const narrow = await LanceChunkStore.open({ dir: path, dimensions: D, recordScanMaxValues: 239 });
    narrow.loadRecords("tenant-a", list);
    // Until the load ran: a fixed wait passes without the bound whenever loading is slower.
    await settled(narrow);
    expect(await narrow.holdsRecords("tenant-a", list)).toBe(false);
    await narrow.close();
    // Config-shaped settings (config.store) reach the store too.
    const configured = (await openChunkStore(
      { kind: "lancedb", dir: path, recordScanMaxValues: 239 },
      D,
    )) as LanceChunkStore;
    configured.loadRecords("tenant-a", list);
    await settled(configured);
    expect(await configured.holdsRecords("tenant-a", list)).toBe(false);
    await configured.close();
    const wide = await LanceChunkStore.open({ dir: path, dimensions: D, recordScanMaxValues: 240 });
    await held(wide, "tenant-a", list);
    await wide.close();
    for (const recordScanMaxValues of [0, 1.5, Number.NaN]) {
      await expect(
        LanceChunkStore.open({ dir: folder(), dimensions: D, recordScanMaxValues }),
      ).rejects.toMatchObject({
        code: "STORE_CACHE_INVALID",
        message: expect.stringContaining("recordScanMaxValues must be a positive whole number"),
      });
    }
  });

  it("scores as the table does for vectors whose length four does not divide", async () => {
    // The scan sums four dimensions at a time; the remainder must count too.
    const path = folder();
    const dims = 387;
    const store = await LanceChunkStore.open({ dir: path, dimensions: dims });
    const table = await LanceChunkStore.open({ dir: path, dimensions: dims, recordCacheMb: 0 });
    const random = seededRandom(12);
    await store.upsert(
      Array.from({ length: 20 }, (_, r) =>
        makeChunk({ recordId: `rec-${r}`, vector: randomUnit(random, dims) }),
      ),
    );
    const recordIds = Array.from({ length: 20 }, (_, r) => `rec-${r}`);
    await held(store, "tenant-a", recordIds);
    const vector = randomUnit(random, dims);
    const fromMemory = await store.search(vector, { tenant: "tenant-a", recordIds, limit: 20 });
    const fromTable = await table.search(vector, { tenant: "tenant-a", recordIds, limit: 20 });
    expect(fromMemory.map((hit) => hit.chunk.id)).toEqual(fromTable.map((hit) => hit.chunk.id));
    for (const [j, hit] of fromMemory.entries()) expect(hit.score).toBeCloseTo(fromTable[j]!.score, 5);
    await table.close();
    await store.close();
  });
});
