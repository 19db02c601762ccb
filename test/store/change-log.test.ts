import { describe, expect, it } from "vitest";
import { type ChunkInput, LanceChunkStore } from "../../src/store/index.js";
import { ChunkChangeLog } from "../../src/store/lancedb/change-log.js";
import { ChunkCache } from "../../src/store/lancedb/chunk-cache.js";
import { makeChunk, randomUnit, seededRandom, storeFolders } from "./fixtures.js";
import { spyOnChunksTable, untilHeld } from "./store-internals.js";

const D = 8;

function world(seed: number): ChunkInput[] {
  const random = seededRandom(seed);
  return Array.from({ length: 20 * 3 }, (_, i) =>
    makeChunk({
      tenant: "tenant-a",
      recordId: `rec-${Math.floor(i / 3)}`,
      chunkIndex: i % 3,
      vector: randomUnit(random, D),
    }),
  );
}

describe("LanceDB stores on one folder follow each other's logged writes", () => {
  const folder = storeFolders("clearance-change-log-");

  /** A reader holding two lists, a peer writing, and the table's own answer to compare with. */
  async function stores() {
    const path = folder();
    const reader = await LanceChunkStore.open({ dir: path, dimensions: D });
    const peer = await LanceChunkStore.open({ dir: path, dimensions: D, recordCacheMb: 0 });
    const table = await LanceChunkStore.open({
      dir: path,
      dimensions: D,
      recordCacheMb: 0,
      chunkCacheEntries: 0,
    });
    await peer.upsert(world(3));
    const touchedList = ["rec-1", "rec-2", "rec-3"];
    const otherList = ["rec-10", "rec-11", "rec-12"];
    for (const list of [touchedList, otherList]) {
      reader.loadRecords("tenant-a", list);
      await untilHeld(reader, "tenant-a", list);
    }
    const vector = randomUnit(seededRandom(4), D);
    const same = async (recordIds: string[]) => {
      const options = { tenant: "tenant-a", recordIds, limit: 20 };
      expect((await reader.search(vector, options)).map((hit) => hit.chunk)).toEqual(
        (await table.search(vector, options)).map((hit) => hit.chunk),
      );
    };
    const close = async () => {
      for (const store of [reader, peer, table]) await store.close();
    };
    return { reader, peer, touchedList, otherList, vector, same, close };
  }

  it("keeps in memory the lists another store's write did not touch, and reads the touched ones again", async () => {
    const { reader, peer, touchedList, otherList, vector, same, close } = await stores();
    await peer.upsert([makeChunk({ tenant: "tenant-a", recordId: "rec-2", chunkIndex: 9, vector })]);
    await peer.updateRecordMetadata("tenant-a", "sync-1", "rec-3", { name: "renamed.pdf" });
    expect(await reader.holdsRecords("tenant-a", otherList)).toBe(true);
    expect(await reader.holdsRecords("tenant-a", touchedList)).toBe(false);
    const searches = spyOnChunksTable(reader, ["vectorSearch"]);
    await same(otherList);
    expect(searches.count()).toBe(0);
    searches.restore();
    await same(touchedList);
    // A deletion by the peer, then another tenant's write: followed the same way.
    await peer.deleteByRecord("tenant-a", "sync-1", ["rec-11"]);
    await peer.upsert([makeChunk({ tenant: "tenant-b", recordId: "rec-1", vector })]);
    expect(await reader.holdsRecords("tenant-a", ["rec-10", "rec-12"])).toBe(true);
    expect(await reader.holdsRecords("tenant-a", otherList)).toBe(false);
    await same(otherList);
    await close();
  });

  it("follows another store's deleted sync: that tenant's lists go, another tenant's stay held", async () => {
    const { reader, peer, otherList, same, close } = await stores();
    const random = seededRandom(9);
    const listB = ["rec-1", "rec-2"];
    await peer.upsert(
      listB.map((recordId) => makeChunk({ tenant: "tenant-b", recordId, vector: randomUnit(random, D) })),
    );
    reader.loadRecords("tenant-b", listB);
    await untilHeld(reader, "tenant-b", listB);
    // Logged as "all" of tenant-a's records: read back as that, not as some of them.
    await peer.deleteSync("tenant-a", "sync-1");
    expect(await reader.holdsRecords("tenant-b", listB)).toBe(true);
    expect(await reader.holdsRecords("tenant-a", otherList)).toBe(false);
    await same(otherList);
    await close();
  });

  it("serves from its chunk cache what another store's write did not touch, and reads the touched chunk again", async () => {
    const { reader, peer, close } = await stores();
    const refOf = (recordId: string) => {
      const { vector: _, ...chunk } = world(3).find((c) => c.recordId === recordId)!;
      return chunk;
    };
    await reader.readChunks([refOf("rec-5"), refOf("rec-6")]);
    await peer.updateRecordMetadata("tenant-a", "sync-1", "rec-6", { name: "renamed.pdf" });
    const reads = spyOnChunksTable(reader, ["takeRowIds", "query"]);
    expect((await reader.readChunks([refOf("rec-5")])).size).toBe(1);
    expect(reads.count()).toBe(0);
    reads.restore();
    expect((await reader.readChunks([refOf("rec-6")])).get(refOf("rec-6").id)?.metadata.name).toBe(
      "renamed.pdf",
    );
    await close();
  });

  it("empties when a change is not logged, is not known, or is too far behind", async () => {
    const { reader, peer, otherList, vector, same, close } = await stores();
    // An upsert that reuses an id for another record cannot say which record it replaced.
    const reused = {
      ...makeChunk({ tenant: "tenant-a", recordId: "rec-2", chunkIndex: 8, vector }),
      id: "not-a-chunk-id",
    };
    await peer.upsert([reused]);
    expect(await reader.holdsRecords("tenant-a", otherList)).toBe(false);
    await same(otherList);

    // A version with no entry: the log's entry for it is gone.
    reader.loadRecords("tenant-a", otherList);
    await untilHeld(reader, "tenant-a", otherList);
    await peer.upsert([makeChunk({ tenant: "tenant-a", recordId: "rec-2", chunkIndex: 7, vector })]);
    const slots = await peer.listState("clearance:chunk-changes");
    for (const key of slots.keys()) await peer.deleteState("clearance:chunk-changes", key);
    expect(await reader.holdsRecords("tenant-a", otherList)).toBe(false);
    await same(otherList);

    // An entry of another shape (garbled, or another version's layout) is no entry.
    reader.loadRecords("tenant-a", otherList);
    await untilHeld(reader, "tenant-a", otherList);
    await peer.upsert([makeChunk({ tenant: "tenant-a", recordId: "rec-2", chunkIndex: 6, vector })]);
    for (const [key, value] of await peer.listState("clearance:chunk-changes")) {
      const { version } = JSON.parse(value) as { version: number };
      await peer.putState("clearance:chunk-changes", key, JSON.stringify({ version, tenants: [] }));
    }
    expect(await reader.holdsRecords("tenant-a", otherList)).toBe(false);
    await same(otherList);

    // More writes than a catch-up reads: empties rather than read them all.
    reader.loadRecords("tenant-a", otherList);
    await untilHeld(reader, "tenant-a", otherList);
    for (let i = 0; i < 20; i++) {
      await peer.upsert([makeChunk({ tenant: "tenant-a", recordId: "rec-2", chunkIndex: 20 + i, vector })]);
    }
    expect(await reader.holdsRecords("tenant-a", otherList)).toBe(false);
    await same(otherList);
    await close();
  });
});

describe("ChunkChangeLog.follow", () => {
  /** One chunks table that stays. */
  const table = { opened: "table-1", current: async () => "table-1" };

  /** The log's state in memory, its reads held until `release()`. */
  function gatedState(entries: Record<number, string[]>) {
    const values = new Map(
      Object.entries(entries).map(([v, ids]) => [
        String(Number(v) % 256),
        JSON.stringify({ version: Number(v), table: "table-1", tenants: { "tenant-a": ids } }),
      ]),
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const state = {
      getState: async (_scope: string, key: string) => {
        await gate;
        return values.get(key);
      },
      putState: async () => undefined,
    };
    return { state, release };
  }

  it("never moves a follower that went below the versions it read, and never throws", async () => {
    // Entries 10-12 each changed rec-1. One follower is at 11, so a catch-up to 12 reads entry 12
    // only; meanwhile the other learns an older version (a read that learnt 9 before the writes and
    // settles late) and keeps rec-1's chunk as read then.
    const { state, release } = gatedState({ 10: ["rec-1"], 11: ["rec-1"], 12: ["rec-1"] });
    const ahead = new ChunkCache(10);
    ahead.seen(11);
    const cache = new ChunkCache(10);
    const log = new ChunkChangeLog(state, [ahead, cache], table);
    const following = log.follow(12);
    const { vector: _, ...chunk } = makeChunk({ tenant: "tenant-a", recordId: "rec-1", vector: [1] });
    cache.seen(9);
    cache.put(chunk, 9);
    release();
    await expect(following).resolves.toBeUndefined();
    // Entry 10 was never read: rec-1's chunk of version 9 must not answer for 10 (or later).
    for (const version of [10, 11, 12]) expect(cache.get(chunk, version)).toBeUndefined();
    expect(ahead.answersFor).toBe(12);
  });

  it("learns the table's id at a catch-up when it opened without one, and follows from the next on", async () => {
    // Opened read-only on a table made before ids: no id then; a writable store gave it one since.
    let id: string | undefined;
    const late = { opened: undefined, current: async () => id };
    const { state, release } = gatedState({ 12: ["rec-2"], 13: ["rec-2"] });
    release();
    const cache = new ChunkCache(10);
    cache.seen(11);
    const log = new ChunkChangeLog(state, [cache], late);
    await log.follow(12);
    expect(cache.answersFor).toBe(11); // no id anywhere yet: nothing to follow
    id = "table-1";
    await log.follow(12);
    // Learnt now: the caches were emptied (they may hold anything), and it follows from here on.
    expect(cache.answersFor).toBeUndefined();
    cache.seen(12);
    await log.follow(13);
    expect(cache.answersFor).toBe(13);
  });

  it("does not take a slot's entry of another version (the ring wrapped) for the one asked", async () => {
    // Slot 12 still holds version 268's entry (12 + 256): version 12 itself was never logged.
    const values = new Map([
      ["12", JSON.stringify({ version: 268, table: "table-1", tenants: { "tenant-a": ["rec-2"] } })],
    ]);
    const state = {
      getState: async (_s: string, key: string) => values.get(key),
      putState: async () => undefined,
    };
    const cache = new ChunkCache(10);
    cache.seen(11);
    await new ChunkChangeLog(state, [cache], table).follow(12);
    expect(cache.answersFor).toBe(11);
  });
});
