import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BatchedEmbeddings, HashingEmbeddings } from "../../src/embeddings/index.js";
import { type IngestSource, ingest } from "../../src/ingest/index.js";
import type { RecordPage, SyncedRecord, SyncListItem } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";

/**
 * A fake Sync API for a CRM contacts sync: the emulator serves file pipelines only. Records are
 * ordered by a sequence bumped on every change, and the cursor is the last sequence of a page,
 * as the emulator and Paragon do.
 */
function fakeCrmSource(): IngestSource & { put(record: SyncedRecord): void } {
  let seq = 0;
  const rows = new Map<string, { seq: number; record: SyncedRecord }>();
  const ordered = () => [...rows.values()].sort((a, b) => a.seq - b.seq);
  const records = {
    async *pages(_syncId: string, options: { pageSize?: number; cursor?: string } = {}) {
      const rest = ordered().filter((r) => r.seq > Number(options.cursor ?? 0));
      const size = options.pageSize ?? 100;
      for (let i = 0; i < rest.length; i += size) {
        const page = rest.slice(i, i + size);
        yield {
          records: page.map((r) => r.record),
          cursor: String(page.at(-1)!.seq),
          remainingRecords: rest.length - i - page.length,
          totalRecords: rest.length,
          totalActiveRecords: rest.length,
          lastSeen: undefined,
          invalid: [],
        } satisfies RecordPage;
      }
    },
    async get(_syncId: string, recordId: string) {
      const found = rows.get(recordId);
      if (!found) throw new Error(`no record ${recordId}`);
      return found.record;
    },
    async contentBytes(): Promise<never> {
      throw new Error("CRM records have no content to download");
    },
  };
  return {
    syncs: {
      list: async (): Promise<SyncListItem[]> => [
        { id: "crm-sync", integration: "hubspot", pipeline: "contacts", status: "IDLE" },
      ],
    },
    records: records as unknown as IngestSource["records"],
    put(record) {
      rows.set(record.id, { seq: ++seq, record });
    },
  };
}

describe("ingest of a CRM contacts sync", () => {
  let dir: string;
  let store: LanceChunkStore;
  let source: ReturnType<typeof fakeCrmSource>;
  const embeddings = new BatchedEmbeddings(new HashingEmbeddings({ dimensions: 32 }));
  const run = () => ingest({ client: source, store, embeddings, tenant: "acme", pageSize: 2 });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-crm-"));
    store = await LanceChunkStore.open({ dir, dimensions: 32 });
    source = fakeCrmSource();
    source.put({
      id: "c1",
      firstName: "Ada",
      lastName: "Lovelace",
      jobTitle: "Analyst",
      updatedAt: "2026-01-01",
    });
    source.put({ id: "c2", fullName: "Grace Hopper", companyName: "Navy", updatedAt: "2026-01-01" });
    source.put({ id: "c3", fullName: "Alan Turing", updatedAt: "2026-01-01" });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("renders each record as text, tagged with its pipeline, and re-embeds only what changed", async () => {
    const first = await run();
    expect(first.ok).toBe(true);
    expect(first.counts.new).toBe(3);
    const hits = await store.search(await embeddings.embedQuery("Grace Hopper Navy"), {
      tenant: "acme",
      limit: 3,
    });
    const grace = hits.find((h) => h.chunk.recordId === "c2")!;
    expect(grace.chunk.text).toContain("Contact: Grace Hopper");
    expect(grace.chunk.text).toContain("Navy");
    expect(grace.chunk.metadata).toMatchObject({
      integration: "hubspot",
      name: "Grace Hopper",
      mimeType: "application/vnd.paragon.contacts+json",
    });

    source.put({
      id: "c1",
      firstName: "Ada",
      lastName: "Lovelace",
      jobTitle: "Chief Analyst",
      updatedAt: "2026-02-01",
    });
    const second = await run();
    expect(second.counts).toMatchObject({ seen: 1, changed: 1, embeddedTexts: 1 });
    const ada = await store.search(await embeddings.embedQuery("Ada"), {
      tenant: "acme",
      limit: 10,
      recordIds: ["c1"],
    });
    expect(ada.map((h) => h.chunk.text)).toEqual([expect.stringContaining("Chief Analyst")]);

    source.put({ id: "c3", deleted: true });
    const third = await run();
    expect(third.counts.deleted).toBe(1);
    expect(await store.count({ tenant: "acme", recordIds: ["c3"] })).toBe(0);
  });

  it("holds a record to maxChars like a file: one whose fields render past it is unindexable, its old text gone", async () => {
    await run();
    source.put({ id: "c2", fullName: "Grace Hopper", notes: "COBOL ".repeat(400), updatedAt: "2026-03-01" });
    const report = await ingest({ client: source, store, embeddings, tenant: "acme", maxChars: 1_000 });
    expect(report.ok).toBe(true);
    expect(report.unindexable).toEqual([
      expect.objectContaining({
        recordId: "c2",
        code: "TOO_LONG",
        reason: expect.stringMatching(/maxChars/),
      }),
    ]);
    expect(await store.count({ tenant: "acme", recordIds: ["c2"] })).toBe(0);
  });
});
