import { afterEach, describe, expect, it, vi } from "vitest";
import { HashingEmbeddings } from "../../src/embeddings/index.js";
import { PermissionAwareRetriever, type PermissionAwareRetrieverFields } from "../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../src/store/index.js";
import { chunksTableOf, untilHeld } from "../store/store-internals.js";
import { tempStore, textFor, upsertRecords } from "./helpers/corpus.js";
import { FakeAccessControl } from "./helpers/fake-access.js";

// How the retriever hands a person's lists to the store's record memory: each list it holds is
// searched there (never a union of them the memory cannot scan), and a list the store cannot take
// never breaks the process that asked.

const SYNCS = ["sync-drive", "sync-sharepoint"];
const USER = "reader@acme.test";

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

async function world(dimensions: number, recordsPerSync: number, recordScanMaxValues?: number) {
  const made = await tempStore(dimensions, recordScanMaxValues === undefined ? {} : { recordScanMaxValues });
  dispose = made.dispose;
  const embeddings = new HashingEmbeddings({ dimensions });
  const records = SYNCS.flatMap((syncId, s) =>
    Array.from({ length: recordsPerSync }, (_, r) => ({
      tenant: "acme",
      syncId,
      recordId: `rec-${s}-${r}`,
      texts: [textFor(s * recordsPerSync + r)],
    })),
  );
  await upsertRecords(made.store, embeddings, records);
  const access = new FakeAccessControl();
  for (const record of records) access.grant(USER, record.syncId, record.recordId);
  return { store: made.store, embeddings, access, records };
}

function retriever(store: LanceChunkStore, fields: Partial<PermissionAwareRetrieverFields>) {
  return new PermissionAwareRetriever({
    store,
    embeddings: fields.embeddings!,
    access: fields.access!,
    tenant: "acme",
    syncIds: SYNCS,
    k: 5,
    strategy: "pre",
    maxFilterRecordIds: 10,
    ...fields,
  });
}

describe("a person's lists and the store's record memory", () => {
  it("searches each held list in memory, even when together they are more than one scan may cover", async () => {
    // Each sync's list is within the scan bound, both together are not. The bound is the store's
    // recordScanMaxValues (record-memory.test.ts: a store scans up to the bound it is opened with),
    // set small here: at the default bound (16M values) the same two lists took 96 MB of vectors
    // (40,000 dimensions), 20-70 s to write and load on a busy 2-core machine.
    const dimensions = 64;
    const recordScanMaxValues = 100 * dimensions;
    const perList = Math.floor((0.75 * recordScanMaxValues) / dimensions);
    const { store, embeddings, access } = await world(dimensions, perList, recordScanMaxValues);
    const r = retriever(store, { embeddings, access });
    await r.retrieveWithReport("budget roadmap", { user: USER });
    await r.retrieveWithReport("security incident", { user: USER });
    for (const syncIndex of [0, 1]) {
      const list = Array.from({ length: perList }, (_, i) => `rec-${syncIndex}-${i}`);
      await untilHeld(store, "acme", list, 20_000);
    }
    const vectorSearch = vi.spyOn(chunksTableOf(store), "vectorSearch");
    const { documents, report } = await r.retrieveWithReport("quarterly plan", { user: USER });
    expect(report.reason).toMatch(/searched in the store's memory/);
    expect(documents).toHaveLength(5);
    // The memory answered: the table was not searched with both lists' record ids.
    expect(vectorSearch).not.toHaveBeenCalled();
    vectorSearch.mockRestore();
  }, 60_000);

  it("never throws from the background load of a list holding an id the store refuses", async () => {
    const { store, embeddings, access } = await world(16, 20);
    // An access backend may list an id no chunk can have (empty, or longer than an id may be).
    access.grant(USER, SYNCS[0]!, "");
    access.grant(USER, SYNCS[1]!, "x".repeat(2_000));
    const r = retriever(store, { embeddings, access });
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on("uncaughtException", onError);
    try {
      await r.retrieveWithReport("budget roadmap", { user: USER });
      const { documents } = await r.retrieveWithReport("security incident", { user: USER });
      expect(documents).toHaveLength(5);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off("uncaughtException", onError);
    }
    expect(errors).toEqual([]);
  });
});
