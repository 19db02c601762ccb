import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { HashingEmbeddings } from "../../src/embeddings/index.js";
import { PermissionAwareRetriever, type PermissionAwareRetrieverFields } from "../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../src/store/index.js";
import { untilHeld } from "../store/store-internals.js";
import { embeddings as makeEmbeddings, tempStore, textFor, upsertRecords } from "./helpers/corpus.js";
import { FakeAccessControl } from "./helpers/fake-access.js";

// A person's allow list held in the store's memory: searched exactly there, whatever its size,
// and enforced as any other list (verified when not trusted, never another tenant's chunk).

const SYNCS = ["sync-drive", "sync-sharepoint"];
const RECORDS = 300;
const K = 5;
const USER = "tenth@acme.test";
const sees = (r: number) => r % 10 === 3 || r % 10 === 6;

let store: LanceChunkStore;
let embeddings: HashingEmbeddings;
let dispose: () => Promise<void>;
let access: FakeAccessControl;

const listed = Array.from({ length: RECORDS }, (_, r) => r)
  .filter(sees)
  .map((r) => `rec-${r}`);

beforeAll(async () => {
  ({ store, dispose } = await tempStore());
  embeddings = makeEmbeddings();
  const records = ["acme", "globex"].flatMap((tenant) =>
    Array.from({ length: RECORDS }, (_, r) => ({
      tenant,
      syncId: SYNCS[r % 2]!,
      // The same record ids in both tenants: only the tenant tells them apart.
      recordId: `rec-${r}`,
      texts: [0, 1, 2].map((c) => textFor(r * 3 + c)),
    })),
  );
  await upsertRecords(store, embeddings, records);
  access = new FakeAccessControl();
  for (let r = 0; r < RECORDS; r++) if (sees(r)) access.grant(USER, SYNCS[r % 2]!, `rec-${r}`);
});

afterAll(async () => {
  await dispose();
});

function retriever(extra: Partial<PermissionAwareRetrieverFields> = {}) {
  // Lists of more than 10 records are "large": without memory their sync is searched and sifted.
  return new PermissionAwareRetriever({
    store,
    embeddings,
    access,
    tenant: "acme",
    syncIds: SYNCS,
    k: K,
    strategy: "pre",
    maxFilterRecordIds: 10,
    ...extra,
  });
}

/** The exact best k chunks of what USER may read now, by a search of the table. */
async function truth(query: string, k = K): Promise<string[]> {
  const allowed = listed.filter((recordId) => {
    const r = Number(recordId.slice("rec-".length));
    return access.allows(USER, SYNCS[r % 2]!, recordId);
  });
  const hits = await store.search(await embeddings.embedQuery(query), {
    tenant: "acme",
    recordIds: allowed,
    limit: k,
  });
  return hits.map((hit) => hit.chunk.id);
}

describe("a person's allow list held in the store's memory", () => {
  it("is loaded after the query that used it again, then searched there exactly, without a sifted page", async () => {
    const r = retriever();
    const first = await r.retrieveWithReport("budget roadmap", { user: USER });
    // A list just fetched (a stranger's) is not loaded: it may never be used again.
    expect(first.report.reason).toMatch(/a list holds more than 10 records/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await store.holdsRecords("acme", listed)).toBe(false);

    const second = await r.retrieveWithReport("security incident", { user: USER });
    expect(second.report.reason).toMatch(/a list holds more than 10 records/);
    await untilHeld(store, "acme", listed);

    const searchRefs = vi.spyOn(store, "searchRefs");
    const { documents, report } = await r.retrieveWithReport("quarterly plan", { user: USER });
    expect(report.reason).toMatch(
      new RegExp(`${listed.length} listed records searched in the store's memory`),
    );
    expect(searchRefs).not.toHaveBeenCalled();
    searchRefs.mockRestore();
    // acme's exact best k (chunk ids name their tenant: globex's chunks of the same records differ).
    expect(documents.map((d) => d.id)).toEqual(await truth("quarterly plan"));
    for (const doc of documents)
      expect(access.allows(USER, doc.metadata.syncId, doc.metadata.recordId)).toBe(true);
  });

  it("still verifies what it finds when the list is not trusted: a record revoked since is never returned", async () => {
    const r = retriever({ freshnessMs: 0 });
    await r.retrieveWithReport("budget roadmap", { user: USER });
    await untilHeld(store, "acme", listed);
    // Revoke the record of the next answer's best chunk; the cached list still names it.
    const [best] = await store.search(await embeddings.embedQuery("launch checklist"), {
      tenant: "acme",
      recordIds: listed,
      limit: 1,
    });
    const chunk = best!.chunk;
    access.revoke(USER, chunk.syncId, chunk.recordId);
    try {
      const { documents, report } = await r.retrieveWithReport("launch checklist", { user: USER });
      expect(report.reason).toMatch(/searched in the store's memory/);
      expect(report.revokedOnVerify).toBeGreaterThan(0);
      expect(documents).toHaveLength(K);
      expect(documents.map((d) => d.metadata.recordId)).not.toContain(chunk.recordId);
      for (const doc of documents)
        expect(access.allows(USER, doc.metadata.syncId, doc.metadata.recordId)).toBe(true);
    } finally {
      access.grant(USER, chunk.syncId, chunk.recordId);
    }
  });
});
