import { randomUUID } from "node:crypto";
import { QdrantClient } from "@qdrant/js-client-rest";
import { describe } from "vitest";
import { QdrantChunkStore } from "../../src/store/index.js";
import { CONTRACT_DIMENSIONS, runChunkStoreContract } from "./contract.js";

const url = process.env.QDRANT_URL;
const apiKey = process.env.QDRANT_API_KEY;

// No Qdrant server can run on this machine; the suite runs wherever QDRANT_URL points at one.
// Offline, qdrant-fake.test.ts runs the same suite through a fake server; this run is what shows
// HNSW recall, Qdrant's own parsing and versions, and a real server's write ordering.
describe.skipIf(!url)(url ? `Qdrant at ${url}` : "Qdrant contract (skipped: set QDRANT_URL to run)", () => {
  runChunkStoreContract("Qdrant", async () => {
    const collection = `clearance_test_${randomUUID().replaceAll("-", "")}`;
    const open = () =>
      QdrantChunkStore.open({
        url: url!,
        collection,
        dimensions: CONTRACT_DIMENSIONS,
        ...(apiKey ? { apiKey } : {}),
      });
    return {
      store: await open(),
      openPeer: open,
      dispose: async () => {
        const client = new QdrantClient({
          url: url!,
          ...(apiKey ? { apiKey } : {}),
          checkCompatibility: false,
        });
        await client.deleteCollection(collection);
        await client.deleteCollection(`${collection}_state`);
      },
    };
  });
});
