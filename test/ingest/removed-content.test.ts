import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BatchedEmbeddings, HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { ingest } from "../../src/ingest/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { type ChunkStore, chunkId, LanceChunkStore, QdrantChunkStore } from "../../src/store/index.js";
import { crmCorpus } from "../fixtures/crm-corpus.js";
import { type FakeQdrant, startFakeQdrant } from "../store/fake-qdrant/server.js";
import { untilHeld } from "../store/store-internals.js";
import { DIMENSIONS, type Harness, harnessPerTest, snapshot, TENANT } from "./harness.js";

class Crash extends Error {}

const SECRET = "Bluebird acquisition price";
const PATH = "Notes/Plan.md";

/** A plan of `paragraphs` paragraphs, each long enough that a few make a chunk; `secret` adds one. */
function plan(paragraphs: number, secret = false): string {
  const body = Array.from({ length: paragraphs }, (_, i) =>
    `Paragraph ${i}: the roadmap lists milestone ${i} for the platform team. `.repeat(6),
  );
  if (secret) body.splice(1, 0, `Confidential: the ${SECRET} is forty million. `.repeat(6));
  return `# Plan\n\n${body.join("\n\n")}\n`;
}

async function putPlan(h: Harness, text: string): Promise<void> {
  await h.admin("PUT", `/syncs/${h.syncIds.sharepoint}/files`, text, { path: PATH });
}

/** The chunks of the tenant's sharepoint sync that hold the secret. */
async function secretChunks(store: ChunkStore, h: Harness): Promise<string[]> {
  const { chunks } = await snapshot(store, [h.syncIds.sharepoint]);
  return chunks.filter((c) => c.text.includes(SECRET)).map((c) => c.id);
}

let fake: FakeQdrant;
const opened: ChunkStore[] = [];
beforeAll(async () => {
  fake = await startFakeQdrant();
});
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await fake.close();
});

// The embedded store, and Qdrant's adapter through the fake Qdrant (its delete filters are its own).
const STORES: [string, (h: Harness) => Promise<ChunkStore>][] = [
  ["LanceDB", async (h) => h.store],
  [
    "Qdrant (fake server)",
    async () => {
      const collection = `removed_${randomUUID().replaceAll("-", "")}`;
      const store = await QdrantChunkStore.open({ url: fake.url, collection, dimensions: DIMENSIONS });
      opened.push(store);
      return store;
    },
  ],
];

// A leak on the ingest side is a chunk the source no longer holds: text an edit removed, still
// searchable (and served to whoever may read the record, now or after a later share).
describe.each(STORES)("content removed from a record in the source (%s)", (_name, openStore) => {
  const harness = harnessPerTest();

  it("an edit that removes a paragraph and shrinks the record leaves only the new version's chunks", {
    timeout: 30_000,
  }, async () => {
    const h = harness();
    const store = await openStore(h);
    const syncs = [h.syncIds.sharepoint];
    const run = (mode?: "full") => h.run({ store, syncs, ...(mode ? { mode } : {}) });
    await putPlan(h, plan(12, true));
    expect((await run()).ok).toBe(true);
    expect(await secretChunks(store, h)).not.toEqual([]);
    const before = await snapshot(store, syncs);

    await putPlan(h, plan(2));
    expect((await run()).ok).toBe(true);
    const after = await snapshot(store, syncs);
    expect(await secretChunks(store, h)).toEqual([]);
    const recordId = before.chunks.find((c) => c.name === "Plan.md")!.recordId;
    const version = after.versions.find((v) => v.recordId === recordId)!;
    const planChunks = after.chunks.filter((c) => c.recordId === recordId);
    // Fewer chunks than before, exactly as many as its version says, none of the old hash.
    expect(planChunks.length).toBe(version.chunkCount);
    expect(planChunks.length).toBeLessThan(before.chunks.filter((c) => c.recordId === recordId).length);
    expect(planChunks.every((c) => !before.chunks.some((b) => b.id === c.id))).toBe(true);
  });

  it("a run stopped before the old version's chunks went: the next run removes them", {
    timeout: 30_000,
  }, async () => {
    const h = harness();
    const store = await openStore(h);
    const syncs = [h.syncIds.sharepoint];
    const run = (mode?: "full") => h.run({ store, syncs, ...(mode ? { mode } : {}) });
    await putPlan(h, plan(12, true));
    expect((await run()).ok).toBe(true);
    await putPlan(h, plan(2));
    const stale = vi.spyOn(store, "deleteStaleChunks").mockRejectedValue(new Crash("killed"));
    expect((await run()).error?.message).toBe("killed");
    stale.mockRestore();
    // Both versions' chunks are stored now: the crash left the removed paragraph behind.
    expect(await secretChunks(store, h)).not.toEqual([]);
    expect((await run()).ok).toBe(true);
    expect(await secretChunks(store, h)).toEqual([]);
  });

  // The edit that added the paragraph was written in part (its chunks upserted, its version not:
  // a crash, a failed embedding of a later slice, a lost lease), then the edit was undone: the
  // source is back at the bytes the stored version names. Those are "unchanged content" (a
  // metadata patch), and the chunks of the undone edit must still go.
  it("an edit written in part, then undone in the source: its chunks do not outlive it", {
    timeout: 30_000,
  }, async () => {
    const h = harness();
    const store = await openStore(h);
    const syncs = [h.syncIds.sharepoint];
    const run = (mode?: "full") => h.run({ store, syncs, ...(mode ? { mode } : {}) });
    const original = plan(4);
    await putPlan(h, original);
    expect((await run()).ok).toBe(true);
    const clean = await snapshot(store, syncs);

    await putPlan(h, plan(4, true));
    const stale = vi.spyOn(store, "deleteStaleChunks").mockRejectedValue(new Crash("killed"));
    expect((await run()).error?.message).toBe("killed");
    stale.mockRestore();
    expect(await secretChunks(store, h)).not.toEqual([]);

    await putPlan(h, original);
    expect((await run()).ok).toBe(true);
    expect(await secretChunks(store, h), "after an incremental run").toEqual([]);
    expect((await run("full")).ok).toBe(true);
    expect(await secretChunks(store, h), "after a full run").toEqual([]);
    // What is left is what a run that never saw the edit stored.
    expect((await snapshot(store, syncs)).chunks.map((c) => c.id)).toEqual(clean.chunks.map((c) => c.id));
  });
  // A run that lost its lease can write after the newer run's cleanup: an older version's chunk
  // beside the current one, under the current version. Nothing about the record changes again, so
  // only the full run (the safety net) can find it.
  it("an older version's chunk left beside the current one goes at the next full run", {
    timeout: 30_000,
  }, async () => {
    const h = harness();
    const store = await openStore(h);
    const syncs = [h.syncIds.sharepoint];
    await putPlan(h, plan(4));
    expect((await h.run({ store, syncs })).ok).toBe(true);
    const [current] = (await snapshot(store, syncs)).chunks.filter((c) => c.name === "Plan.md");
    const [vector] = await h.embeddings.embedDocuments([SECRET]);
    const parts = { tenant: TENANT, syncId: current!.syncId, recordId: current!.recordId, chunkIndex: 9 };
    const [stored] = await store.readChunks([{ ...parts, id: current!.id }]).then((m) => [...m.values()]);
    await store.upsert([
      {
        ...stored!,
        ...parts,
        id: chunkId({ ...parts, contentHash: "an-older-version" }),
        contentHash: "an-older-version",
        text: `Confidential: the ${SECRET} is forty million.`,
        vector: vector!,
      },
    ]);
    expect((await h.run({ store, syncs })).ok).toBe(true);
    expect(await secretChunks(store, h), "an incremental run does not look at unchanged records").not.toEqual(
      [],
    );
    expect((await h.run({ store, syncs, mode: "full" })).ok).toBe(true);
    expect(await secretChunks(store, h)).toEqual([]);
    expect((await snapshot(store, syncs)).chunks.map((c) => c.id)).toContain(current!.id);
  });

  // The same without a crash: the embedding provider fails on a later slice of the edit's chunks,
  // after its first slice (holding the paragraph) was written; the run fails, the edit is undone.
  it("an edit whose embedding failed part-way, then undone in the source: its chunks do not outlive it", {
    timeout: 30_000,
  }, async () => {
    const h = harness();
    const store = await openStore(h);
    const syncs = [h.syncIds.sharepoint];
    const run = () => h.run({ store, syncs, chunksPerWrite: 1 });
    const original = plan(4);
    await putPlan(h, original);
    expect((await run()).ok).toBe(true);

    await putPlan(h, plan(4, true));
    const embed = h.embeddings.embedDocuments.bind(h.embeddings);
    let calls = 0;
    const down = vi.spyOn(h.embeddings, "embedDocuments").mockImplementation(async (texts) => {
      // Not worth a retry (401: the key was revoked mid-run), so the run fails at once.
      if (++calls > 2)
        throw Object.assign(new Error("the embedding provider refused the key"), { status: 401 });
      return embed(texts);
    });
    expect((await run()).ok).toBe(false);
    down.mockRestore();
    expect(await secretChunks(store, h)).not.toEqual([]);

    await putPlan(h, original);
    expect((await run()).ok).toBe(true);
    expect(await secretChunks(store, h)).toEqual([]);
  });
});

// The other failure: content missing. A run that stopped after the edit's stale-chunk delete
// (the old text's chunks gone) and before its version write left the record marked as being
// rewritten over the old content hash; the edit undone, the source serves that hash again. Taken
// as a metadata patch, which removes every chunk of any other hash, the record kept no chunk at
// all under a version saying it is indexed, and every later run (full ones too) took it as done.
describe.each(STORES)("an edit stopped after its stale chunks went, then undone (%s)", (_name, openStore) => {
  const harness = harnessPerTest();

  it("leaves the record's current text searchable", { timeout: 30_000 }, async () => {
    const h = harness();
    const store = await openStore(h);
    const syncs = [h.syncIds.sharepoint];
    const run = (mode?: "full") => h.run({ store, syncs, ...(mode ? { mode } : {}) });
    const original = plan(4);
    await putPlan(h, original);
    expect((await run()).ok).toBe(true);
    const clean = await snapshot(store, syncs);
    expect(clean.chunks.length).toBeGreaterThan(0);

    await putPlan(h, plan(4, true));
    const put = store.putRecordVersions.bind(store);
    // The marker goes in; the final version write is where the run stops.
    const stop = vi.spyOn(store, "putRecordVersions").mockImplementation(async (versions) => {
      if (versions.some((v) => v.sourceVersion !== "(writing)")) throw new Crash("killed");
      return put(versions);
    });
    expect((await run()).error?.message).toBe("killed");
    stop.mockRestore();
    // The edit's chunks alone are stored: the old text's went with the stale-chunk delete.
    expect(await secretChunks(store, h)).not.toEqual([]);

    await putPlan(h, original);
    expect((await run()).ok).toBe(true);
    expect(await secretChunks(store, h)).toEqual([]);
    expect(
      (await snapshot(store, syncs)).chunks.map((c) => c.id),
      "after an incremental run",
    ).toEqual(clean.chunks.map((c) => c.id));
    expect((await run("full")).ok).toBe(true);
    expect(
      (await snapshot(store, syncs)).chunks.map((c) => c.id),
      "after a full run",
    ).toEqual(clean.chunks.map((c) => c.id));
  });
});

// A record whose source version comes back exactly after the undone edit: a CRM record is its own
// version (every field, digested), so a source that keeps its modification time across an edit
// (or has none) serves the very version stored, and ingest takes it as unchanged, reading nothing.
describe("a CRM record edited in part and undone to the version stored", () => {
  let emulator: Emulator;
  let client: ManagedSyncClient;
  let store: LanceChunkStore;
  let dir: string;
  const embeddings = new BatchedEmbeddings(new HashingEmbeddings({ dimensions: DIMENSIONS }));
  beforeAll(async () => {
    emulator = await startEmulator({ corpus: crmCorpus(), port: 0 });
    client = new ManagedSyncClient({
      baseUrl: emulator.url,
      auth: { token: await emulator.tokenFor("northwind") },
      retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 },
    });
    dir = await mkdtemp(join(tmpdir(), "clearance-removed-crm-"));
    store = await LanceChunkStore.open({ dir, dimensions: DIMENSIONS });
  });
  afterAll(async () => {
    await store.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("loses the undone edit's chunks at the next run", { timeout: 30_000 }, async () => {
    const sync = emulator.state.syncsOf("northwind").find((s) => s.pipeline === "contacts")!;
    const [contact] = sync.table.all();
    const recordId = contact!.id;
    const run = () => ingest({ client, store, embeddings, tenant: "northwind", syncs: [sync.id] });
    const edit = (jobTitle: string) =>
      emulator.state.updateRecord(sync.id, recordId, { jobTitle, updatedAt: contact!.updatedAt });
    const secretChunks = async () => {
      const hits = await store.search(await embeddings.embedQuery(SECRET), {
        tenant: "northwind",
        recordIds: [recordId],
        limit: 100,
      });
      return hits.filter(({ chunk }) => chunk.text.includes(SECRET));
    };
    expect((await run()).ok).toBe(true);

    edit(`Head of Procurement. Confidential: the ${SECRET} is forty million.`);
    const stale = vi.spyOn(store, "deleteStaleChunks").mockRejectedValue(new Crash("killed"));
    expect((await run()).error?.message).toBe("killed");
    stale.mockRestore();
    expect(await secretChunks()).not.toEqual([]);

    edit("Head of Procurement");
    expect((await run()).ok).toBe(true);
    expect(await secretChunks()).toEqual([]);
  });
});

// `clearance serve` holds a person's records in memory while `clearance ingest` (another process,
// another store on the folder) writes the edit: the reader must answer from what the writer left.
describe("content removed by another process's ingest, while a reader holds the record", () => {
  const harness = harnessPerTest();

  it("is gone from the reader's held records and its chunk cache", { timeout: 30_000 }, async () => {
    const h = harness();
    const syncs = [h.syncIds.sharepoint];
    await putPlan(h, plan(12, true));
    expect((await h.run({ syncs })).ok).toBe(true);
    const reader = await LanceChunkStore.open({ dir: h.storeDir, dimensions: DIMENSIONS });
    try {
      const recordIds = [...new Set((await snapshot(h.store, syncs)).chunks.map((c) => c.recordId))];
      const [vector] = await h.embeddings.embedDocuments([SECRET]);
      const search = () => reader.search(vector!, { tenant: TENANT, recordIds, limit: 200 });
      reader.loadRecords(TENANT, recordIds);
      await untilHeld(reader, TENANT, recordIds);
      const before = (await search()).map(({ chunk }) => chunk);
      const secret = before.filter((c) => c.text.includes(SECRET));
      expect(secret).not.toEqual([]);
      expect((await reader.readChunks(secret)).size).toBe(secret.length);

      await putPlan(h, plan(2));
      expect((await h.run({ syncs })).ok).toBe(true);
      expect((await search()).filter(({ chunk }) => chunk.text.includes(SECRET))).toEqual([]);
      expect((await reader.readChunks(secret)).size).toBe(0);
    } finally {
      await reader.close();
    }
  });
});
