import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ChunkInput, LanceChunkStore } from "../../src/store/index.js";
import { makeChunk, randomUnit, seededRandom, storeFolders } from "./fixtures.js";
import { chunksTableOf, spyOnChunksTable } from "./store-internals.js";

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
    const path = folder();
    const old = await open(path);
    await old.upsert(world());
    await chunksTableOf(old).updateFieldMetadata([{ path: "id", metadata: { "clearance:table-id": null } }]);
    await old.close();

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
});
