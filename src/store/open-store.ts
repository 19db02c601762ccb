import { LanceChunkStore } from "./lancedb/lancedb-store.js";
import { QdrantChunkStore } from "./qdrant/qdrant-store.js";
import type { ChunkStore } from "./types.js";

/** The store settings, shaped like `config.store`. */
export type StoreSettings =
  | {
      kind: "lancedb";
      dir: string;
      vectorIndexMinRows?: number;
      chunkCacheEntries?: number;
      recordCacheMb?: number;
      recordScanMaxValues?: number;
    }
  | { kind: "qdrant"; url: string; apiKey?: string; collection?: string };

/**
 * Opens the configured store for vectors of `dimensions` (the embedder's size).
 *
 * @example const store = await openChunkStore(config.store, await embeddings.dimensions());
 */
export async function openChunkStore(settings: StoreSettings, dimensions: number): Promise<ChunkStore> {
  if (settings.kind === "qdrant") {
    return QdrantChunkStore.open({
      url: settings.url,
      dimensions,
      ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
      ...(settings.collection ? { collection: settings.collection } : {}),
    });
  }
  return LanceChunkStore.open({
    dir: settings.dir,
    dimensions,
    ...(settings.vectorIndexMinRows !== undefined ? { vectorIndexMinRows: settings.vectorIndexMinRows } : {}),
    ...(settings.chunkCacheEntries !== undefined ? { chunkCacheEntries: settings.chunkCacheEntries } : {}),
    ...(settings.recordCacheMb !== undefined ? { recordCacheMb: settings.recordCacheMb } : {}),
    ...(settings.recordScanMaxValues !== undefined
      ? { recordScanMaxValues: settings.recordScanMaxValues }
      : {}),
  });
}
