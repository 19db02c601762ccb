import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, vi } from "vitest";
import { BatchedEmbeddings, HashingEmbeddings } from "../../src/embeddings/index.js";
import {
  type CorpusSpec,
  type Emulator,
  type FaultConfigInput,
  startEmulator,
} from "../../src/emulator/index.js";
import { type IngestOptions, type IngestReport, ingest } from "../../src/ingest/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { type ChunkStore, LanceChunkStore } from "../../src/store/index.js";

export const TENANT = "northwind";
export const DIMENSIONS = 64;
const fixtures = join(import.meta.dirname, "../fixtures/files");

/** A file from test/fixtures/files. */
export function fixture(name: string): Uint8Array {
  return readFileSync(join(fixtures, name));
}

/**
 * A small two-sync drive: text, Markdown, CSV, a real PDF and DOCX, an image (skipped), nested
 * folders. `extra` adds or replaces files by corpus path.
 */
export function smallCorpus(extra: Record<string, Uint8Array | string> = {}): CorpusSpec {
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test" }, { email: "leo@northwind.test" }],
      connectedUsers: [
        {
          id: TENANT,
          syncs: [
            { integration: "googledrive", root: "drive", owner: "maya@northwind.test" },
            { integration: "sharepoint", root: "sharepoint", owner: "leo@northwind.test" },
          ],
        },
      ],
    },
    files: {
      "drive/Engineering/Architecture overview.md":
        "# Architecture\n\nThe ingest worker pulls pages from the Sync API and writes chunks.\n",
      "drive/Engineering/Incident.md": fixture("incident.md"),
      "drive/Engineering/Reports/Quarterly report.pdf": fixture("report.pdf"),
      "drive/HR/Handbook.docx": fixture("handbook.docx"),
      "drive/HR/People.csv": fixture("people.csv"),
      "drive/Company/Logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
      "sharepoint/Notes/Notes.txt": fixture("notes.txt"),
      "sharepoint/Notes/Project.json": fixture("project.json"),
      ...extra,
    },
  };
}

export interface Harness {
  emulator: Emulator;
  client: ManagedSyncClient;
  store: LanceChunkStore;
  embeddings: BatchedEmbeddings;
  storeDir: string;
  /** Every request the client sent, as "METHOD /path". */
  requests: string[];
  syncIds: Record<"googledrive" | "sharepoint", string>;
  /** Runs `ingest()` with the harness's parts; `options` override. */
  run(options?: Partial<IngestOptions>): Promise<IngestReport>;
  /** Calls the emulator's admin API; throws on a non-2xx answer. */
  admin(method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<unknown>;
  /** Reopens the store (after another process wrote to it). */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fresh harness for each test of the describe block it is called in, closed after the test (its
 * spies restored first). Call the returned function inside a test.
 *
 * @example const harness = harnessPerTest(); it("…", async () => { const h = harness(); … });
 */
export function harnessPerTest(): () => Harness {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await startHarness();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("harnessPerTest(): call its function inside a test");
    return current;
  };
}

/** Starts the emulator on loopback and opens an embedded store in a temp folder. */
export async function startHarness(
  options: {
    corpus?: CorpusSpec;
    corpusDir?: string;
    faults?: FaultConfigInput;
    storeDir?: string;
    retries?: number;
  } = {},
): Promise<Harness> {
  const emulator = await startEmulator({
    ...(options.corpusDir ? { corpusDir: options.corpusDir } : { corpus: options.corpus ?? smallCorpus() }),
    port: 0,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const token = await emulator.tokenFor(TENANT);
  const requests: string[] = [];
  const client = new ManagedSyncClient({
    baseUrl: emulator.url,
    auth: { token },
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      requests.push(`${init?.method ?? "GET"} ${decodeURIComponent(url.pathname)}`);
      return fetch(input, init);
    },
    timeoutMs: 5_000,
    // Faults are injected at high rates in tests; fast retries keep the suite quick.
    retry: { retries: options.retries ?? 6, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 60_000 },
  });
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), "clearance-ingest-")));
  const embeddings = new BatchedEmbeddings(new HashingEmbeddings({ dimensions: DIMENSIONS }), {
    batchSize: 16,
  });
  const syncs = await client.syncs.list();
  const idOf = (integration: string) => syncs.find((s) => s.integration === integration)?.id ?? "";
  const harness: Harness = {
    emulator,
    client,
    store: await LanceChunkStore.open({ dir: storeDir, dimensions: DIMENSIONS }),
    embeddings,
    storeDir,
    requests,
    syncIds: { googledrive: idOf("googledrive"), sharepoint: idOf("sharepoint") },
    run: (overrides = {}) =>
      ingest({ client, store: harness.store, embeddings, tenant: TENANT, holder: "test", ...overrides }),
    async admin(method, path, body, query) {
      const url = new URL(`${emulator.url}/__admin${path}`);
      for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
      const isBytes = body instanceof Uint8Array || typeof body === "string";
      const response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${emulator.adminToken}`,
          ...(body !== undefined && !isBytes ? { "content-type": "application/json" } : {}),
        },
        ...(body === undefined ? {} : { body: isBytes ? (body as BodyInit) : JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`admin ${method} ${path} → ${response.status}: ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async reopen() {
      await harness.store.close();
      harness.store = await LanceChunkStore.open({ dir: storeDir, dimensions: DIMENSIONS });
    },
    async close() {
      await harness.store.close();
      await emulator.close();
      if (!options.storeDir) await rm(storeDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** What the store holds for a tenant, comparable across runs: chunks, record versions, cursors. */
export interface StoreSnapshot {
  chunks: { id: string; recordId: string; syncId: string; chunkIndex: number; text: string; name: string }[];
  versions: {
    recordId: string;
    syncId: string;
    contentHash: string;
    sourceVersion: string;
    chunkCount: number;
  }[];
  cursors: Record<string, string | undefined>;
}

/** Reads everything the store holds for the tenant's syncs, sorted so two snapshots compare with `toEqual`. */
export async function snapshot(store: ChunkStore, syncIds: readonly string[]): Promise<StoreSnapshot> {
  const total = await store.count({ tenant: TENANT });
  const probe = Array.from({ length: DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0));
  const hits = total === 0 ? [] : await store.search(probe, { tenant: TENANT, limit: Math.max(total, 1) });
  if (hits.length !== total) throw new Error(`search returned ${hits.length} of ${total} chunks`);
  const chunks = hits
    .map(({ chunk }) => ({
      id: chunk.id,
      recordId: chunk.recordId,
      syncId: chunk.syncId,
      chunkIndex: chunk.chunkIndex,
      text: chunk.text,
      name: chunk.metadata.name,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const versions: StoreSnapshot["versions"] = [];
  const cursors: StoreSnapshot["cursors"] = {};
  for (const syncId of syncIds) {
    for await (const v of store.recordVersions(TENANT, syncId)) {
      versions.push({
        recordId: v.recordId,
        syncId: v.syncId,
        contentHash: v.contentHash,
        sourceVersion: v.sourceVersion,
        chunkCount: v.chunkCount,
      });
    }
    cursors[syncId] = (await store.getSyncState(TENANT, syncId))?.cursor;
  }
  versions.sort((a, b) => (a.recordId < b.recordId ? -1 : 1));
  return { chunks, versions, cursors };
}
