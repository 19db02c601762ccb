import { rm } from "node:fs/promises";
import { join } from "node:path";
import { connect } from "@lancedb/lancedb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ChunkInput, LanceChunkStore } from "../../src/store/index.js";
import { ensureTableId, tableIdOf } from "../../src/store/lancedb/table-id.js";
import { makeChunk, randomUnit, seededRandom, storeFolders } from "./fixtures.js";
import { chunksTableOf, spyOnChunksTable, untilHeld } from "./store-internals.js";

// The chunks table removed to re-ingest (its folder deleted) while the state table, and with it
// the change log, stays: the new table counts its versions from 1 again, and the removed table's
// entries for those versions must not be taken for the new table's writes.

const D = 8;
const SCOPE = "clearance:chunk-changes";

function world(): ChunkInput[] {
  const random = seededRandom(3);
  return Array.from({ length: 20 }, (_, i) =>
    makeChunk({ tenant: "tenant-a", recordId: `rec-${i}`, vector: randomUnit(random, D) }),
  );
}

function refOf(recordId: string) {
  const { vector: _, ...chunk } = world().find((c) => c.recordId === recordId)!;
  return chunk;
}

const open = (dir: string) => LanceChunkStore.open({ dir, dimensions: D, recordCacheMb: 0 });

/** Fills the folder with a chunks table without an id, as one made before table ids. */
async function tableBeforeIds(path: string): Promise<string> {
  const old = await open(path);
  await old.upsert(world());
  await chunksTableOf(old).updateFieldMetadata([{ path: "id", metadata: { "clearance:table-id": null } }]);
  await old.close();
  return path;
}

describe("LanceDB stores on a folder whose chunks table was recreated", () => {
  const folder = storeFolders("clearance-change-log-recreated-");
  afterEach(() => vi.restoreAllMocks());

  /** The old table's logged writes, each touching rec-19 only (versions 3 to 6). */
  async function oldTableWrites(store: LanceChunkStore): Promise<void> {
    for (let i = 0; i < 4; i++) {
      await store.updateRecordMetadata("tenant-a", "sync-1", "rec-19", { name: `old-${i}.pdf` });
    }
  }

  /**
   * The peer renames rec-5 on the new table, and its entry is lost (putState fails, as when a
   * writer stops between its write and its entry). Checks that the slot of that version still
   * holds the removed table's entry: the one a reader must not follow.
   */
  async function unloggedRename(peer: LanceChunkStore): Promise<void> {
    vi.spyOn(peer, "putState").mockRejectedValueOnce(new Error("stopped before logging"));
    await peer.updateRecordMetadata("tenant-a", "sync-1", "rec-5", { name: "renamed.pdf" });
    const version = await chunksTableOf(peer).version();
    const left = JSON.parse((await peer.getState(SCOPE, String(version)))!) as { version: number };
    expect(left.version).toBe(version);
    expect(left).toMatchObject({ tenants: { "tenant-a": ["rec-19"] } });
  }

  async function nameOf(store: LanceChunkStore, recordId: string): Promise<string | undefined> {
    return (await store.readChunks([refOf(recordId)])).get(refOf(recordId).id)?.metadata.name;
  }

  it("does not follow the removed table's entry for a version the new table's write did not log", async () => {
    const path = folder();
    const old = await open(path);
    await old.upsert(world());
    await oldTableWrites(old);
    await old.close();
    await rm(join(path, "chunks.lance"), { recursive: true });

    const reader = await open(path);
    const peer = await open(path);
    await peer.upsert(world());
    const before = await nameOf(reader, "rec-5");
    expect(before).not.toBe("renamed.pdf");
    await unloggedRename(peer);
    expect(await nameOf(reader, "rec-5")).toBe("renamed.pdf");
    for (const store of [reader, peer]) await store.close();
  });

  it("does not follow it either in a store that was open while another process recreated the table", async () => {
    const path = folder();
    const reader = await open(path);
    const old = await open(path);
    await old.upsert(world());
    // The reader's cache answers for the old table's version 2; it reads nothing more until the end.
    expect(await nameOf(reader, "rec-5")).toBeDefined();
    await oldTableWrites(old);
    await old.close();
    await rm(join(path, "chunks.lance"), { recursive: true });

    const peer = await open(path);
    await peer.upsert(world());
    await unloggedRename(peer);
    expect(await nameOf(reader, "rec-5")).toBe("renamed.pdf");
    for (const store of [reader, peer]) await store.close();
  });

  it("gives a table created before table ids one when opened, and follows its logged writes", async () => {
    const path = await tableBeforeIds(folder());

    const reader = await open(path);
    const peer = await open(path);
    await nameOf(reader, "rec-5");
    await peer.updateRecordMetadata("tenant-a", "sync-1", "rec-6", { name: "renamed.pdf" });
    const reads = spyOnChunksTable(reader, ["takeRowIds", "query"]);
    expect(await nameOf(reader, "rec-5")).toBeDefined();
    expect(reads.count()).toBe(0);
    reads.restore();
    expect(await nameOf(reader, "rec-6")).toBe("renamed.pdf");
    for (const store of [reader, peer]) await store.close();
  });

  it("empties the record memory too when only the chunk cache was behind the recreated table", async () => {
    const path = folder();
    const reader = await LanceChunkStore.open({ dir: path, dimensions: D, recordCacheMb: 8 });
    const old = await open(path);
    await old.upsert(world());
    // The reader's chunk cache answers for the old table's version 2.
    expect(await nameOf(reader, "rec-5")).toBe("rec-5.pdf");
    // An unlogged write (version 3) leaves it there; the record memory then loads rec-5 at 3.
    vi.spyOn(old, "putState").mockRejectedValueOnce(new Error("stopped before logging"));
    await old.updateRecordMetadata("tenant-a", "sync-1", "rec-19", { name: "old.pdf" });
    reader.loadRecords("tenant-a", ["rec-5"]);
    await untilHeld(reader, "tenant-a", ["rec-5"]);
    await old.close();
    await rm(join(path, "chunks.lance"), { recursive: true });

    // The new table reaches version 3 too: only the chunk cache is behind it.
    const peer = await open(path);
    await peer.upsert(world());
    await peer.updateRecordMetadata("tenant-a", "sync-1", "rec-5", { name: "renamed.pdf" });
    expect(await chunksTableOf(peer).version()).toBe(3);
    const [found] = await reader.search(world()[5]!.vector, {
      tenant: "tenant-a",
      recordIds: ["rec-5"],
      limit: 1,
    });
    expect(found?.chunk.metadata.name).toBe("renamed.pdf");
    for (const store of [reader, peer]) await store.close();
  });

  it("gives a table created before ids one id, whichever store opening it at once commits last", async () => {
    const path = await tableBeforeIds(folder());

    // Two processes opening it: both read it without an id, then each gives it one, in turn.
    const dbs = await Promise.all([path, path].map((dir) => connect(dir, { readConsistencyInterval: 0 })));
    const [first, second] = await Promise.all(dbs.map((db) => db.openTable("chunks")));
    const unmarked = await second!.schema();
    const id = await ensureTableId(first!);
    vi.spyOn(second!, "schema").mockResolvedValueOnce(unmarked);
    expect(await ensureTableId(second!)).toBe(id);
    expect(await tableIdOf(first!)).toBe(id);
    for (const table of [first!, second!]) table.close();
    for (const db of dbs) db.close();
  });
});
