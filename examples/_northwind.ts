// The offline stand-in the chat and chain examples share; not an example itself.
//
// It plays the parts you do not write: Paragon (a local Managed Sync emulator serving Northwind Labs'
// company drive from examples/corpus/) and your cron (one ingest into a throwaway store). In
// production Paragon runs the syncs, cron-ingest.ts fills a store that lives on disk or in Qdrant,
// and your server only opens that store and builds a retriever, as the examples do.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Emulator, startEmulator } from "../src/emulator/index.js";
import { HashingEmbeddings, ingest, LanceChunkStore, ManagedSyncClient } from "../src/index.js";

/** The example corpus: Northwind Labs' drive, people in manifest.yaml, questions in questions.yaml. */
export const CORPUS_DIR = fileURLToPath(new URL("./corpus/", import.meta.url));

/** The Connected User whose syncs hold the drive (the Paragon token's `sub`). */
export const TENANT = "northwind";

export interface Northwind {
  emulator: Emulator;
  client: ManagedSyncClient;
  store: LanceChunkStore;
  embeddings: HashingEmbeddings;
  tenant: string;
  /** Stops the emulator and deletes the store. */
  close(): Promise<void>;
}

/** Starts the emulator and ingests the corpus; a few seconds. */
export async function startNorthwind(): Promise<Northwind> {
  const emulator = await startEmulator({ corpusDir: CORPUS_DIR, port: 0 });
  const storeDir = await mkdtemp(join(tmpdir(), "clearance-example-"));
  // The offline embedder: deterministic, no network. Production: createEmbeddings({ openaiApiKey }).
  const embeddings = new HashingEmbeddings();
  const store = await LanceChunkStore.open({ dir: storeDir, dimensions: 384 });
  // Authenticated the way production is: the project's signing key mints a token for the tenant.
  const client = new ManagedSyncClient({
    baseUrl: emulator.url,
    auth: { signingKey: emulator.signingKeyPem!, projectId: emulator.projectId, userId: TENANT },
  });
  const report = await ingest({ client, store, embeddings, tenant: TENANT });
  if (!report.ok)
    throw new Error(`the example ingest failed: ${JSON.stringify(report.error ?? report.failures)}`);
  return {
    emulator,
    client,
    store,
    embeddings,
    tenant: TENANT,
    close: async () => {
      await store.close();
      await emulator.close();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
