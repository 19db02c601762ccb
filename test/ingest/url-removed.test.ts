import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BatchedEmbeddings, HashingEmbeddings } from "../../src/embeddings/index.js";
import { type IngestSource, ingest } from "../../src/ingest/index.js";
import type { RecordPage, SyncedRecord, SyncListItem } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";

/**
 * A fake files sync: the emulator's admin API cannot take a file's url away, so this source serves
 * one text file whose record can be replaced at will (same bytes, different metadata).
 */
function fakeFileSource(): IngestSource & { put(record: SyncedRecord): void } {
  let seq = 0;
  const rows = new Map<string, { seq: number; record: SyncedRecord }>();
  const records = {
    async *pages(_syncId: string, options: { cursor?: string } = {}) {
      const rest = [...rows.values()]
        .sort((a, b) => a.seq - b.seq)
        .filter((r) => r.seq > Number(options.cursor ?? 0));
      if (rest.length === 0) return;
      yield {
        records: rest.map((r) => r.record),
        cursor: String(rest.at(-1)!.seq),
        remainingRecords: 0,
        totalRecords: rest.length,
        totalActiveRecords: rest.length,
        lastSeen: undefined,
        invalid: [],
      } satisfies RecordPage;
    },
    async get(_syncId: string, recordId: string) {
      const found = rows.get(recordId);
      if (!found) throw new Error(`no record ${recordId}`);
      return found.record;
    },
    async contentBytes() {
      return {
        bytes: new TextEncoder().encode("Onboarding notes.\n\nBring a laptop.\n"),
        mimeType: "text/plain",
      };
    },
  };
  return {
    syncs: {
      list: async (): Promise<SyncListItem[]> => [
        { id: "drive-sync", integration: "googledrive", pipeline: "files", status: "IDLE" },
      ],
    },
    records: records as unknown as IngestSource["records"],
    put(record) {
      rows.set(record.id, { seq: ++seq, record });
    },
  };
}

describe("a file whose url is removed at the source", () => {
  let dir: string;
  let store: LanceChunkStore;
  let source: ReturnType<typeof fakeFileSource>;
  const embeddings = new BatchedEmbeddings(new HashingEmbeddings({ dimensions: 32 }));
  const run = () => ingest({ client: source, store, embeddings, tenant: "acme" });
  const urls = async () => {
    const hits = await store.search(await embeddings.embedQuery("onboarding"), {
      tenant: "acme",
      limit: 10,
      recordIds: ["f1"],
    });
    return hits.map((h) => h.chunk.metadata.url);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-url-"));
    store = await LanceChunkStore.open({ dir, dimensions: 32 });
    source = fakeFileSource();
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("has the old url cleared from its chunks by the metadata-only patch", async () => {
    const file = { id: "f1", name: "Onboarding.txt", mimeType: "text/plain", updatedAt: "2026-01-01" };
    source.put({ ...file, url: "https://drive.example/f1" });
    expect((await run()).counts.new).toBe(1);
    expect(await urls()).toEqual(["https://drive.example/f1"]);

    source.put({ ...file, updatedAt: "2026-01-02" });
    const second = await run();
    expect(second.counts).toMatchObject({ seen: 1, metadataOnly: 1, embeddingCalls: 0 });
    expect(await urls()).toEqual([undefined]);
  });
});
