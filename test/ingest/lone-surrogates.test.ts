import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchedEmbeddings, HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { ingest } from "../../src/ingest/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { ACME_ACCOUNT, crmCorpus } from "../fixtures/crm-corpus.js";
import { DIMENSIONS, type Harness, smallCorpus, snapshot, startHarness } from "./harness.js";

// A UTF-16 surrogate without its partner: text with one has no UTF-8 form.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A fake of a real embedding API's strictness: OpenAI ("'$.input' is invalid") and providers behind
 * serde_json refuse a request whose JSON holds a lone surrogate escape (`"\ud800"`) with a 400,
 * which fails the whole batch. The vectors themselves come from HashingEmbeddings.
 */
class StrictJsonEmbeddingsFake extends HashingEmbeddings {
  override async embedDocuments(documents: string[]): Promise<number[][]> {
    if (documents.some((text) => LONE_SURROGATE.test(text))) {
      throw Object.assign(new Error("400 '$.input' is invalid: the request body is not valid UTF-8 JSON"), {
        status: 400,
      });
    }
    return super.embedDocuments(documents);
  }
}

describe("a file whose text holds a lone surrogate", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      corpus: smallCorpus({
        // JSON may escape half an emoji: JSON.parse gives back a string no UTF-8 can hold.
        "drive/Exports/Broken emoji.json": '{"note": "launch party \\ud83d and cake", "owner": "Maya"}',
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is indexed with a replacement character, and the page's other records with it", async () => {
    const embeddings = new BatchedEmbeddings(new StrictJsonEmbeddingsFake({ dimensions: DIMENSIONS }), {
      batchSize: 16,
    });
    const report = await h.run({ embeddings });
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ new: 8, failed: 0 });
    const { chunks } = await snapshot(h.store, Object.values(h.syncIds));
    const broken = chunks.filter((chunk) => chunk.name === "Broken emoji.json");
    expect(broken.map((chunk) => chunk.text)).toEqual(["Note: launch party \uFFFD and cake\nOwner: Maya"]);
  });
});

describe("a CRM record whose field holds a lone surrogate", () => {
  let emu: Emulator;
  let dir: string;
  let store: LanceChunkStore;

  beforeAll(async () => {
    emu = await startEmulator({ corpus: crmCorpus() });
    dir = await mkdtemp(join(tmpdir(), "clearance-lone-surrogate-"));
    store = await LanceChunkStore.open({ dir, dimensions: DIMENSIONS });
  });
  afterAll(async () => {
    await store?.close();
    await emu?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("is indexed with a replacement character; its sync completes", async () => {
    const deals = emu.state.syncsOf("northwind").find((s) => s.pipeline === "deals")!.id;
    // A provider that cuts a text field at a UTF-16 length can leave half an emoji, which the
    // Sync API's JSON carries as "\ud83d".
    const created = emu.state.createRecord(deals, {
      name: "Launch \ud83d deal",
      amount: 1000,
      statusType: "open",
      status: "Prospecting",
      accountId: ACME_ACCOUNT,
      ownerId: "ana@northwind.test",
      closeDate: "2026-07-01",
    });
    const client = new ManagedSyncClient({
      baseUrl: emu.url,
      auth: { token: await emu.tokenFor("northwind") },
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 },
    });
    const embeddings = new BatchedEmbeddings(new StrictJsonEmbeddingsFake({ dimensions: DIMENSIONS }));
    const report = await ingest({ client, store, embeddings, tenant: "northwind" });
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    const hits = await store.search(await embeddings.embedQuery("launch deal"), {
      tenant: "northwind",
      syncIds: [deals],
      recordIds: [created.id],
      limit: 5,
    });
    expect(hits.map((hit) => hit.chunk.text.split("\n")[0])).toEqual(["Deal: Launch \uFFFD deal"]);
  });
});
