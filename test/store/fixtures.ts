import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { seededRandom } from "../../src/emulator/index.js";
import { type ChunkInput, chunkId } from "../../src/store/index.js";

export { seededRandom };

/** A random unit vector. */
export function randomUnit(random: () => number, dimensions: number): number[] {
  const v = Array.from({ length: dimensions }, () => random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** A unit vector near `center`: the center plus noise of the given size. */
export function near(center: readonly number[], random: () => number, noise: number): number[] {
  const v = center.map((x) => x + (random() * 2 - 1) * noise);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

export interface ChunkSpec {
  tenant?: string;
  syncId?: string;
  recordId: string;
  chunkIndex?: number;
  contentHash?: string;
  vector: number[];
  text?: string;
  url?: string;
  page?: number;
}

/** A chunk with deterministic id and plausible metadata. */
export function makeChunk(spec: ChunkSpec): ChunkInput {
  const tenant = spec.tenant ?? "tenant-a";
  const syncId = spec.syncId ?? "sync-1";
  const chunkIndex = spec.chunkIndex ?? 0;
  const contentHash = spec.contentHash ?? "hash-1";
  const chunk: ChunkInput = {
    id: chunkId({ tenant, syncId, recordId: spec.recordId, chunkIndex, contentHash }),
    tenant,
    syncId,
    recordId: spec.recordId,
    chunkIndex,
    contentHash,
    text: spec.text ?? `text of ${spec.recordId} #${chunkIndex}`,
    vector: spec.vector,
    metadata: {
      integration: "googledrive",
      externalId: `ext-${spec.recordId}`,
      name: `${spec.recordId}.pdf`,
      mimeType: "application/pdf",
      updatedAt: "2024-05-01T10:00:00.000Z",
    },
  };
  if (spec.url !== undefined) chunk.metadata.url = spec.url;
  if (spec.page !== undefined) chunk.metadata.page = spec.page;
  return chunk;
}

/**
 * A fresh folder per call under one temp folder, removed after the suite: call it in a
 * `describe`, where it registers its own beforeAll/afterAll.
 */
export function storeFolders(prefix: string): () => string {
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return () => join(dir, `store-${n++}`);
}
