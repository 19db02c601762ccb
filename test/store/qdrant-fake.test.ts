import { randomUUID } from "node:crypto";
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkId, QdrantChunkStore } from "../../src/store/index.js";
import { CONTRACT_DIMENSIONS, runChunkStoreContract } from "./contract.js";
import { type FakeQdrant, startFakeQdrant } from "./fake-qdrant/server.js";
import { makeChunk, randomUnit, seededRandom } from "./fixtures.js";

// The whole ChunkStore contract against the Qdrant adapter talking HTTP to a FAKE Qdrant
// (test/store/fake-qdrant: in memory, Qdrant's filter and paging semantics, strict mode on).
// It checks the adapter's filters, deletes, counts, paging and state; what only a real server can
// show (HNSW recall, Qdrant's own parsing and versions) is qdrant.test.ts's job with QDRANT_URL.
describe("Qdrant adapter against a FAKE Qdrant server", () => {
  let fake: FakeQdrant;
  const newName = () => `clearance_test_${randomUUID().replaceAll("-", "")}`;
  const client = () => new QdrantClient({ url: fake.url, checkCompatibility: false });
  beforeAll(async () => {
    fake = await startFakeQdrant();
  });
  afterAll(async () => {
    await fake.close();
  });

  runChunkStoreContract("Qdrant (fake server)", async () => {
    const collection = newName();
    const open = () => QdrantChunkStore.open({ url: fake.url, collection, dimensions: CONTRACT_DIMENSIONS });
    return {
      store: await open(),
      openPeer: open,
      dispose: async () => {
        await client().deleteCollection(collection);
        await client().deleteCollection(`${collection}_state`);
      },
    };
  });

  describe("the adapter's own paths", () => {
    const random = seededRandom(31);
    const D = 8;

    it("opens from two clients at once: the one that loses the create race (409) uses the winner's", async () => {
      const collection = newName();
      const open = () => QdrantChunkStore.open({ url: fake.url, collection, dimensions: D });
      const [a, b] = await Promise.all([open(), open()]);
      await a.upsert([makeChunk({ recordId: "r1", vector: randomUnit(random, D) })]);
      expect(await b.count({ tenant: "tenant-a" })).toBe(1);
    });

    it("refuses to open a collection built for another vector size", async () => {
      const collection = newName();
      await QdrantChunkStore.open({ url: fake.url, collection, dimensions: D });
      await expect(
        QdrantChunkStore.open({ url: fake.url, collection, dimensions: D * 2 }),
      ).rejects.toMatchObject({
        code: "STORE_DIMENSIONS_MISMATCH",
      });
    });

    it("says the collection is missing when it was deleted under a running store (Qdrant's 404)", async () => {
      const collection = newName();
      const store = await QdrantChunkStore.open({ url: fake.url, collection, dimensions: D });
      await client().deleteCollection(collection);
      const failed = store.search(randomUnit(random, D), { tenant: "tenant-a", limit: 5 });
      await expect(failed).rejects.toMatchObject({ code: "STORE_REQUEST_FAILED" });
      await expect(failed).rejects.toThrow(
        /HTTP 404\): Not found: Collection .* doesn't exist!: the collection is missing/,
      );
    });

    it("refuses a chunk id Qdrant cannot store as a point id, saying what to use", async () => {
      const store = await QdrantChunkStore.open({ url: fake.url, collection: newName(), dimensions: D });
      const chunk = makeChunk({ recordId: "r1", vector: randomUnit(random, D) });
      for (const id of ["chunk-1", "42", chunk.id.toUpperCase()]) {
        await expect(store.upsert([{ ...chunk, id }])).rejects.toMatchObject({ code: "STORE_ID_INVALID" });
      }
      expect(chunk.id).toBe(chunkId(chunk));
      await store.upsert([chunk]);
      expect(await store.count({ tenant: "tenant-a" })).toBe(1);
    });

    it("fails to open without the server's API key, and opens with it", async () => {
      const guarded = await startFakeQdrant({ apiKey: "secret" });
      try {
        const options = { url: guarded.url, collection: newName(), dimensions: D };
        await expect(QdrantChunkStore.open({ ...options, apiKey: "wrong" })).rejects.toMatchObject({
          code: "STORE_OPEN_FAILED",
        });
        const store = await QdrantChunkStore.open({ ...options, apiKey: "secret" });
        expect(await store.count({ tenant: "tenant-a" })).toBe(0);
      } finally {
        await guarded.close();
      }
    });
  });
});
