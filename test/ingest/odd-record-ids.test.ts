import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HashingEmbeddings } from "../../src/embeddings/index.js";
import { type IngestSource, ingest } from "../../src/ingest/index.js";
import type { RecordPage, SyncedRecord, SyncListItem } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";

/**
 * A FAKE Sync API serving one page of CRM contacts (the emulator mints UUID record ids, so it
 * cannot send a malformed one). Fetching a record by id builds its URL path the way the real
 * client does, so an id with no URL form fails there as it would against Paragon.
 */
function fakeSource(records: SyncedRecord[]): IngestSource {
  return {
    syncs: {
      list: async (): Promise<SyncListItem[]> => [
        { id: "crm-sync", integration: "hubspot", pipeline: "contacts", status: "IDLE" },
      ],
    },
    records: {
      async *pages() {
        yield {
          records,
          cursor: "1",
          remainingRecords: 0,
          totalRecords: records.length,
          totalActiveRecords: records.length,
          lastSeen: undefined,
          invalid: [],
        } satisfies RecordPage;
      },
      async get(_syncId: string, recordId: string) {
        encodeURIComponent(recordId);
        const found = records.find((r) => r.id === recordId);
        if (!found) throw new Error(`no record ${recordId}`);
        return found;
      },
      async contentBytes(): Promise<never> {
        throw new Error("CRM records have no content to download");
      },
    } as unknown as IngestSource["records"],
  };
}

describe("record ids the store cannot hold (issue 11 item 8)", () => {
  let dir: string;
  let store: LanceChunkStore;
  const embeddings = new HashingEmbeddings({ dimensions: 32 });
  const lone = "contact-\uD800";
  const source = fakeSource([
    { id: "c1", fullName: "Ada Lovelace", updatedAt: "2026-01-01" },
    { id: lone, fullName: "Grace Hopper", updatedAt: "2026-01-01" },
    { id: "c3", fullName: "Alan Turing", updatedAt: "2026-01-01" },
  ]);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-odd-ids-"));
    store = await LanceChunkStore.open({ dir, dimensions: 32 });
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a lone surrogate in one record id does not abort the run: the others are indexed, it is reported", async () => {
    const report = await ingest({ client: source, store, embeddings, tenant: "acme" });
    expect(report.error).toBeUndefined();
    expect(report.syncs[0]?.status).toBe("completed");
    expect(report.counts.new).toBe(2);
    expect(await store.count({ tenant: "acme", recordIds: ["c1", "c3"] })).toBeGreaterThan(0);
    // It can never be fetched or stored, so it is unindexable (item 9), not a failure that keeps the run red.
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.unindexable).toEqual([
      expect.objectContaining({
        recordId: lone,
        code: "INVALID_RECORD_ID",
        reason: expect.stringContaining("lone surrogate"),
      }),
    ]);
  });

  it("the next run is not aborted by it either", async () => {
    const report = await ingest({ client: source, store, embeddings, tenant: "acme" });
    expect(report.error).toBeUndefined();
    expect(report.syncs[0]?.status).toBe("completed");
    expect(report.counts.unchanged).toBe(2);
    expect(report.ok).toBe(true);
  });
});
