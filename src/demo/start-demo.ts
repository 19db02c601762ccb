import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownersForTenant, recordsForTenant } from "../config/index.js";
import { createEmbeddings } from "../embeddings/index.js";
import { type Emulator, startEmulator } from "../emulator/index.js";
import { ClearanceError } from "../errors.js";
import { createManagedSyncRetriever, type PermissionAwareRetriever } from "../retrieval/index.js";
import { type ChunkStore, openChunkStore } from "../store/index.js";
import {
  ingestTenants,
  TenantClients,
  type TenantIngestEvent,
  TenantRetrievers,
  type TenantsIngestReport,
} from "../tenants/index.js";
import { loadCorpusRecords } from "./corpus-records.js";
import { checkDemoTenant } from "./demo-choices.js";
import { type Company, loadDemoDirectory, type Person } from "./people.js";

export interface StartDemoOptions {
  /** A corpus folder (manifest.yaml + files), e.g. `examples/corpus`. */
  corpusDir: string;
  /** Where the store lives; default a temp folder removed on close. */
  storeDir?: string;
  /** Serve only this Connected User; default every company of the corpus. */
  tenant?: string;
  /** Results per query (default the retriever's, 6). */
  k?: number;
  onIngestProgress?: (event: TenantIngestEvent) => void;
}

/** Everything the offline demo runs on: the emulator, one store with every company, their retrievers, the people. */
export interface Demo {
  emulator: Emulator;
  /** Every company served, in the corpus's order. */
  companies: Company[];
  /** The first company's tenant (what single-company callers use). */
  tenant: string;
  store: ChunkStore;
  /** Each company's retriever. */
  retrievers: TenantRetrievers;
  /** The first company's retriever. */
  retriever: PermissionAwareRetriever;
  ingestReport: TenantsIngestReport;
  /** Everyone, each with their company (a person of two companies is listed once per company). */
  people: Person[];
  questions: string[];
  close(): Promise<void>;
}

/**
 * Starts the Managed Sync emulator on a corpus, ingests every company (Connected User) into one
 * store with the offline embedder, and builds each company's permission-aware retriever: a working
 * multi-tenant setup with no network and no keys.
 *
 * @example
 * const demo = await startDemo({ corpusDir: "examples/corpus" });
 * const { documents } = await demo.retrievers.forTenant("kestrel").retrieveWithReport("Q3 revenue?", { user: "raj@kestrel.test" });
 */
export async function startDemo(options: StartDemoOptions): Promise<Demo> {
  checkDemoTenant(options.corpusDir, options.tenant);
  const emulator = await startEmulator({ corpusDir: options.corpusDir, port: 0 });
  const cleanups: (() => Promise<unknown>)[] = [() => emulator.close()];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const directory = loadDemoDirectory(options.corpusDir, options.tenant);
    const tenants = directory.companies.map((c) => c.tenant);
    const tenant = tenants[0];
    if (!tenant) throw new ClearanceError("DEMO_NO_TENANT", "the corpus manifest lists no connectedUsers");
    if (!emulator.signingKeyPem) {
      throw new ClearanceError("DEMO_NO_KEY", "the emulator has no signing key to mint the demo's tokens");
    }
    // One project, one signing key: a client per company, as a real multi-tenant deployment has.
    const clients = new TenantClients({
      baseUrl: emulator.url,
      credentials: { signingKey: emulator.signingKeyPem, projectId: emulator.projectId },
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
    // CRM and ticket records: their policies, members and owners (clearance.yaml beside the corpus).
    const records = await loadCorpusRecords(options.corpusDir);
    const ingestReport = await ingestTenants({
      tenants,
      clientFor: (t) => clients.forTenant(t),
      store,
      embeddings,
      mode: "full",
      ...(records ? { ownersFor: (t: string) => ownersForTenant(records, t) } : {}),
      ...(options.onIngestProgress ? { onProgress: options.onIngestProgress } : {}),
    });
    const stopped = ingestReport.tenants.find((t) => t.error);
    if (stopped?.error) {
      throw new ClearanceError(
        "DEMO_INGEST_FAILED",
        `ingesting the demo corpus (${stopped.tenant}) stopped: ${stopped.error.message}`,
        { cause: stopped.error },
      );
    }
    const retrievers = new TenantRetrievers({
      isKnown: (t) => tenants.includes(t),
      create: (t) =>
        createManagedSyncRetriever({
          client: clients.forTenant(t),
          store,
          embeddings,
          tenant: t,
          ...(records ? { records: recordsForTenant(records, t) } : {}),
          ...(options.k ? { k: options.k } : {}),
        }),
    });
    return {
      emulator,
      companies: directory.companies,
      tenant,
      store,
      retrievers,
      retriever: retrievers.forTenant(tenant),
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
