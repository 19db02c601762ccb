import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddings } from "../embeddings/index.js";
import { type Emulator, startEmulator } from "../emulator/index.js";
import { ClearanceError } from "../errors.js";
import { type IngestProgressListener, type IngestReport, ingest } from "../ingest/index.js";
import { ManagedSyncClient } from "../managed-sync/index.js";
import { createManagedSyncRetriever, type PermissionAwareRetriever } from "../retrieval/index.js";
import { type ChunkStore, openChunkStore } from "../store/index.js";
import { loadDemoDirectory, type Person } from "./people.js";

export interface StartDemoOptions {
  /** A corpus folder (manifest.yaml + files), e.g. `examples/corpus`. */
  corpusDir: string;
  /** Where the store lives; default a temp folder removed on close. */
  storeDir?: string;
  /** The Connected User to serve; default the corpus's first. */
  tenant?: string;
  /** Results per query (default the retriever's, 6). */
  k?: number;
  onIngestProgress?: IngestProgressListener;
}

/** Everything the offline demo runs on: the emulator, an ingested store, a retriever, the people. */
export interface Demo {
  emulator: Emulator;
  tenant: string;
  store: ChunkStore;
  retriever: PermissionAwareRetriever;
  ingestReport: IngestReport;
  people: Person[];
  questions: string[];
  close(): Promise<void>;
}

/**
 * Starts the Managed Sync emulator on a corpus, ingests it with the offline embedder, and builds
 * the permission-aware retriever over it: a working setup with no network and no keys.
 *
 * @example
 * const demo = await startDemo({ corpusDir: "examples/corpus" });
 * const { documents } = await demo.retriever.retrieveWithReport("Q3 revenue?", { user: "daniel@northwind.test" });
 */
export async function startDemo(options: StartDemoOptions): Promise<Demo> {
  const emulator = await startEmulator({ corpusDir: options.corpusDir, port: 0 });
  const cleanups: (() => Promise<unknown>)[] = [() => emulator.close()];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const tenant = options.tenant ?? emulator.state.tenants()[0];
    if (!tenant) throw new ClearanceError("DEMO_NO_TENANT", "the corpus manifest lists no connectedUsers");
    const directory = loadDemoDirectory(options.corpusDir, tenant);
    if (!emulator.signingKeyPem) {
      throw new ClearanceError("DEMO_NO_KEY", "the emulator has no signing key to mint the demo's tokens");
    }
    const client = new ManagedSyncClient({
      baseUrl: emulator.url,
      auth: { signingKey: emulator.signingKeyPem, projectId: emulator.projectId, userId: tenant },
    });
    const embeddings = createEmbeddings();
    let storeDir = options.storeDir;
    if (!storeDir) {
      const temp = await mkdtemp(join(tmpdir(), "clearance-demo-"));
      storeDir = temp;
      cleanups.push(() => rm(temp, { recursive: true, force: true }));
    }
    const store = await openChunkStore({ kind: "lancedb", dir: storeDir }, await embeddings.dimensions());
    cleanups.push(() => store.close());
    const ingestReport = await ingest({
      client,
      store,
      embeddings,
      tenant,
      mode: "full",
      ...(options.onIngestProgress ? { onProgress: options.onIngestProgress } : {}),
    });
    if (ingestReport.error) {
      throw new ClearanceError(
        "DEMO_INGEST_FAILED",
        `ingesting the demo corpus stopped: ${ingestReport.error.message}`,
        { cause: ingestReport.error },
      );
    }
    const retriever = createManagedSyncRetriever({
      client,
      store,
      embeddings,
      tenant,
      ...(options.k ? { k: options.k } : {}),
    });
    return {
      emulator,
      tenant,
      store,
      retriever,
      ingestReport,
      people: directory.people,
      questions: directory.questions,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
