import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashingEmbeddings } from "../../../src/embeddings/index.js";
import { type ChunkInput, chunkId, LanceChunkStore } from "../../../src/store/index.js";

export const DIMENSIONS = 64;

const WORDS = [
  "budget",
  "roadmap",
  "hiring",
  "salary",
  "security",
  "incident",
  "launch",
  "pricing",
  "contract",
  "invoice",
  "travel",
  "policy",
  "architecture",
  "database",
  "migration",
  "quarterly",
  "review",
  "customer",
  "support",
  "onboarding",
  "holiday",
  "benefits",
  "design",
  "research",
  "marketing",
];

/** A deterministic pseudo-random text of `n` words for chunk `i`. */
export function textFor(i: number, n = 12): string {
  const words: string[] = [];
  let x = (i + 1) * 2654435761;
  for (let w = 0; w < n; w++) {
    x = (x * 1103515245 + 12345) >>> 0;
    words.push(WORDS[x % WORDS.length]!);
  }
  return words.join(" ");
}

export interface RecordSpec {
  tenant: string;
  syncId: string;
  recordId: string;
  /** One text per chunk. */
  texts: string[];
  name?: string;
}

/** `count` records of acme in one sync, `rec-0`…, each of `chunksPerRecord` chunks of distinct text. */
export function numberedRecords(count: number, syncId: string, chunksPerRecord = 1): RecordSpec[] {
  return Array.from({ length: count }, (_, r) => ({
    tenant: "acme",
    syncId,
    recordId: `rec-${r}`,
    texts: Array.from({ length: chunksPerRecord }, (_, c) => textFor(r * chunksPerRecord + c)),
  }));
}

/** Embeds and upserts records as chunks, the way ingest would. */
export async function upsertRecords(
  store: LanceChunkStore,
  embeddings: HashingEmbeddings,
  records: readonly RecordSpec[],
): Promise<void> {
  const chunks: ChunkInput[] = [];
  for (const record of records) {
    const vectors = await embeddings.embedDocuments(record.texts);
    record.texts.forEach((text, chunkIndex) => {
      const contentHash = `h-${record.recordId}`;
      chunks.push({
        id: chunkId({
          tenant: record.tenant,
          syncId: record.syncId,
          recordId: record.recordId,
          chunkIndex,
          contentHash,
        }),
        tenant: record.tenant,
        syncId: record.syncId,
        recordId: record.recordId,
        chunkIndex,
        contentHash,
        text,
        vector: vectors[chunkIndex]!,
        metadata: {
          integration: "googledrive",
          externalId: `ext-${record.recordId}`,
          name: record.name ?? `${record.recordId}.md`,
          url: `https://example.test/${record.recordId}`,
          mimeType: "text/markdown",
          updatedAt: "2026-01-01T00:00:00.000Z",
        },
      });
    });
  }
  for (let i = 0; i < chunks.length; i += 2_000) await store.upsert(chunks.slice(i, i + 2_000));
}

/** A LanceDB store in a fresh temp folder. */
export async function tempStore(
  dimensions = DIMENSIONS,
  options: { recordScanMaxValues?: number } = {},
): Promise<{ store: LanceChunkStore; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "clearance-retrieval-"));
  const store = await LanceChunkStore.open({ dir, dimensions, ...options });
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function embeddings(): HashingEmbeddings {
  return new HashingEmbeddings({ dimensions: DIMENSIONS });
}

/** A store in a fresh temp folder holding `records`, embedded by {@link embeddings}: a test file's world. */
export async function storeWithRecords(
  records: readonly RecordSpec[],
): Promise<{ store: LanceChunkStore; embeddings: HashingEmbeddings; dispose: () => Promise<void> }> {
  const { store, dispose } = await tempStore();
  const embedder = embeddings();
  await upsertRecords(store, embedder, records);
  return { store, embeddings: embedder, dispose };
}
