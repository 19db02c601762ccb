import { randomUUID } from "node:crypto";
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, beforeAll, describe } from "vitest";
import { QdrantChunkStore } from "../../src/store/index.js";
import { CONTRACT_DIMENSIONS, runChunkStoreContract } from "./contract.js";
import { type FakeQdrant, startFakeQdrant } from "./fake-qdrant/server.js";

// The whole ChunkStore contract against the Qdrant adapter talking HTTP to a FAKE Qdrant
// (test/store/fake-qdrant: in memory, Qdrant's filter and paging semantics, strict mode on).
// It checks the adapter's filters, deletes, counts, paging and state; what only a real server can
// show (HNSW recall, Qdrant's own parsing and versions) is qdrant.test.ts's job with QDRANT_URL.
describe("Qdrant adapter against a FAKE Qdrant server", () => {
  let fake: FakeQdrant;
  beforeAll(async () => {
    fake = await startFakeQdrant();
  });
  afterAll(async () => {
    await fake.close();
  });

  runChunkStoreContract("Qdrant (fake server)", async () => {
    const collection = `clearance_test_${randomUUID().replaceAll("-", "")}`;
    const open = () => QdrantChunkStore.open({ url: fake.url, collection, dimensions: CONTRACT_DIMENSIONS });
    return {
      store: await open(),
      openPeer: open,
      dispose: async () => {
        const client = new QdrantClient({ url: fake.url, checkCompatibility: false });
        await client.deleteCollection(collection);
        await client.deleteCollection(`${collection}_state`);
      },
    };
  });
});
