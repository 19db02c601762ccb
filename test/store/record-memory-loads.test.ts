import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ChunkInput, LanceChunkStore } from "../../src/store/index.js";
import type { RecordMemory } from "../../src/store/lancedb/record-memory.js";
import { makeChunk, randomUnit, seededRandom } from "./fixtures.js";
import { chunksTableOf, settled } from "./store-internals.js";

// What loading a list costs when the list cannot be held usefully: a list of few records with many
// chunks each (long documents) is past the scan bound however few its ids. Such a load reads at
// most the bound's worth of rows, keeps nothing, and is not read again at the same table version.

// 200 chunks at most per scan: a list of 2 records of 150 chunks each is past it. The stores are
// opened with that bound (recordScanMaxValues; record-memory.test.ts: a store scans up to the bound
// it is opened with) and memory sizes a tenth of what the default bound (16M values, 80,000
// dimensions here) took: the same chunk counts at every limit, from 9.6 MB of vectors instead of 96.
const D = 8_000;
const BOUND = 200 * D;
const CHUNKS_PER_RECORD = 150;

const memoryOf = (store: LanceChunkStore) => (store as unknown as { memory: RecordMemory }).memory;

/** Counts the rows each query of the store's chunks table reads (loads are queries; searches are not). */
function countRowsRead(store: LanceChunkStore) {
  const table = chunksTableOf(store);
  const query = table.query.bind(table);
  const rowsRead: number[] = [];
  const spy = vi.spyOn(table, "query").mockImplementation(() => {
    const built = query();
    const toArrow = built.toArrow.bind(built);
    built.toArrow = async () => {
      const rows = await toArrow();
      rowsRead.push(rows.numRows);
      return rows;
    };
    return built;
  });
  return { rowsRead, spy };
}

describe("LanceDB record memory: lists past the scan bound", () => {
  let dir: string;
  let path: string;
  const recordIds = ["long-1", "long-2"];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-record-bounds-"));
    path = join(dir, "store");
    const writer = await LanceChunkStore.open({ dir: path, dimensions: D, recordCacheMb: 0 });
    const random = seededRandom(1);
    const chunks: ChunkInput[] = recordIds.flatMap((recordId) =>
      Array.from({ length: CHUNKS_PER_RECORD }, (_, chunkIndex) =>
        makeChunk({ recordId, chunkIndex, vector: randomUnit(random, D) }),
      ),
    );
    for (let i = 0; i < chunks.length; i += 50) await writer.upsert(chunks.slice(i, i + 50));
    await writer.close();
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps nothing of a list whose chunks are more than a scan may cover", async () => {
    // Room enough for the whole list: only the scan bound turns it away.
    const store = await LanceChunkStore.open({
      dir: path,
      dimensions: D,
      recordCacheMb: 100,
      recordScanMaxValues: BOUND,
    });
    store.loadRecords("tenant-a", recordIds);
    await settled(store);
    expect(await store.holdsRecords("tenant-a", recordIds)).toBe(false);
    // Held, it would only push out lists that can be searched.
    expect(memoryOf(store).size).toBe(0);
    await store.close();
  }, 30_000);

  it("reads such a list at most once per table version, and never more rows than the bound", async () => {
    // Too little room to keep it either: it used to be read whole again each time it was asked for.
    const store = await LanceChunkStore.open({
      dir: path,
      dimensions: D,
      recordCacheMb: 6,
      recordScanMaxValues: BOUND,
    });
    const { rowsRead, spy } = countRowsRead(store);
    for (let i = 0; i < 3; i++) {
      store.loadRecords("tenant-a", recordIds);
      await settled(store);
    }
    spy.mockRestore();
    expect(rowsRead.length).toBe(1);
    expect(rowsRead[0]).toBeLessThanOrEqual(BOUND / D + 1);
    expect(memoryOf(store).size).toBe(0);
    await store.close();
  }, 30_000);

  it("reads no more rows than half its memory holds in vectors, whatever bound it was given", async () => {
    // 1.6 MB: half of it holds 200k vector values (25 chunks at D); the bound given is far past that.
    const store = await LanceChunkStore.open({
      dir: path,
      dimensions: D,
      recordCacheMb: 1.6,
      recordScanMaxValues: 1e12,
    });
    const { rowsRead, spy } = countRowsRead(store);
    store.loadRecords("tenant-a", recordIds);
    await settled(store);
    spy.mockRestore();
    // The whole list is 300 chunks: read whole, then refused for its size, as it was before.
    expect(rowsRead).toEqual([Math.floor(200_000 / D) + 1]);
    expect(memoryOf(store).size).toBe(0);
    await store.close();
  }, 30_000);

  it("never serves a load that read before a peer's write and finished after it", async () => {
    const dims = 8;
    const folder = join(dir, "race");
    const store = await LanceChunkStore.open({ dir: folder, dimensions: dims });
    const peer = await LanceChunkStore.open({ dir: folder, dimensions: dims, recordCacheMb: 0 });
    const random = seededRandom(2);
    await store.upsert([makeChunk({ recordId: "rec-1", vector: randomUnit(random, dims) })]);
    const vector = randomUnit(random, dims);
    const renamed = { tenant: "tenant-a", recordIds: ["rec-1"], limit: 5 };
    // The load's read returns, then the peer renames the record, then the load keeps its rows.
    const table = chunksTableOf(store);
    const query = table.query.bind(table);
    const spy = vi.spyOn(table, "query").mockImplementation(() => {
      const built = query();
      const toArrow = built.toArrow.bind(built);
      built.toArrow = async () => {
        const rows = await toArrow();
        await peer.updateRecordMetadata("tenant-a", "sync-1", "rec-1", { name: "renamed.pdf" });
        return rows;
      };
      return built;
    });
    store.loadRecords("tenant-a", ["rec-1"]);
    await settled(store);
    spy.mockRestore();
    // Held, as read before the rename: the version it was read at is what tells it is stale.
    expect(memoryOf(store).size).toBeGreaterThan(0);
    const hits = await store.search(vector, renamed);
    expect(hits.map((hit) => hit.chunk.metadata.name)).toEqual(["renamed.pdf"]);
    await peer.close();
    await store.close();
  });

  it("loads one list at a time, and turns away lists past the few waiting", async () => {
    const dims = 8;
    const store = await LanceChunkStore.open({ dir: join(dir, "queue"), dimensions: dims });
    const random = seededRandom(3);
    await store.upsert(
      Array.from({ length: 20 }, (_, r) =>
        makeChunk({ recordId: `rec-${r}`, vector: randomUnit(random, dims) }),
      ),
    );
    const memory = memoryOf(store);
    const load = memory.load.bind(memory);
    let running = 0;
    let most = 0;
    let loads = 0;
    const spy = vi.spyOn(memory, "load").mockImplementation(async (...args) => {
      loads += 1;
      most = Math.max(most, ++running);
      try {
        await load(...args);
      } finally {
        running -= 1;
      }
    });
    // Twenty people's lists asked for at once (as after a write emptied the memory).
    for (let r = 0; r < 20; r++) store.loadRecords("tenant-a", [`rec-${r}`]);
    await settled(store);
    spy.mockRestore();
    expect(most).toBe(1);
    expect(loads).toBeGreaterThan(0);
    expect(loads).toBeLessThan(20);
    await store.close();
  });
});
