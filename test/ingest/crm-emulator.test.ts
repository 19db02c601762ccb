import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchedEmbeddings, HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, recordIdFor, startEmulator } from "../../src/emulator/index.js";
import { CompanyNameCache, type IngestSource, ingest } from "../../src/ingest/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { ACME_ACCOUNT, ACME_DEAL, crmCorpus, GLOBEX_DEAL, OUTAGE_TICKET } from "../fixtures/crm-corpus.js";
import { recordText } from "../record-text.js";

const DIMENSIONS = 32;

describe("ingest of CRM and ticketing syncs through the emulator", () => {
  let emu: Emulator;
  let client: ManagedSyncClient;
  let store: LanceChunkStore;
  let dir: string;
  let owners: Record<string, { email: string; name?: string }>;
  const embeddings = new BatchedEmbeddings(new HashingEmbeddings({ dimensions: DIMENSIONS }));
  const run = (mode: "incremental" | "full" = "incremental") =>
    ingest({ client, store, embeddings, tenant: "northwind", pageSize: 1, owners, mode });
  const syncOf = (pipeline: string) =>
    emu.state.syncsOf("northwind").find((s) => s.pipeline === pipeline)!.id;
  const textOf = (syncId: string, recordId: string) =>
    recordText(store, embeddings, { tenant: "northwind", syncId, recordId });

  beforeAll(async () => {
    emu = await startEmulator({ corpus: crmCorpus() });
    client = new ManagedSyncClient({
      baseUrl: emu.url,
      auth: { token: await emu.tokenFor("northwind") },
      retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 },
    });
    dir = await mkdtemp(join(tmpdir(), "clearance-crm-ingest-"));
    store = await LanceChunkStore.open({ dir, dimensions: DIMENSIONS });
    // What a deployment configures: the CRM's user ids → people (the emulator lists its own).
    owners = Object.fromEntries(emu.state.crmUsers().map((u) => [u.id, { email: u.email, name: u.name }]));
  });
  afterAll(async () => {
    await store.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("renders deals with their company and owner, and tickets with their people and comments", async () => {
    const report = await run();
    expect(report.ok).toBe(true);
    const bySync = new Map(report.syncs.map((s) => [s.pipeline, s.counts.new]));
    expect(Object.fromEntries(bySync)).toMatchObject({ companies: 2, contacts: 1, deals: 2, tickets: 2 });

    const deal = await textOf(syncOf("deals"), recordIdFor("salesforce", ACME_DEAL));
    expect(deal).toMatch(
      /^Deal: ACME renewal 2026\nCompany: ACME Corporation\nOwner: Maya Patel <maya@northwind\.test>/,
    );
    expect(deal).toContain("Amount: 240000");
    const globex = await textOf(syncOf("deals"), recordIdFor("salesforce", GLOBEX_DEAL));
    expect(globex).toContain("Company: Globex Industries\nOwner: Leo Park <leo@northwind.test>");
    const contact = await textOf(syncOf("contacts"), recordIdFor("salesforce", "003Nw00000WileAAA"));
    expect(contact).toContain("Owner: Maya Patel <maya@northwind.test>");

    const ticket = await textOf(syncOf("tickets"), recordIdFor("servicenow", OUTAGE_TICKET));
    expect(ticket).toContain("Requester: Ana Lima <ana@northwind.test>");
    expect(ticket).toContain("Assignee: Leo Park <leo@northwind.test>");
    expect(ticket).toContain("Status: Resolved (closed)");
    // the comment comes from the ticket's content (Download Content)
    expect(ticket).toContain("connection pool was exhausted");
    expect(ticket).not.toContain("Original record");
  });

  it("picks up created and updated records by cursor, re-embedding only those", async () => {
    const deals = syncOf("deals");
    emu.state.updateRecord(deals, recordIdFor("salesforce", ACME_DEAL), {
      status: "Closed Won",
      statusType: "closed_won",
    });
    const created = emu.state.createRecord(deals, {
      name: "ACME support add-on",
      amount: 30000,
      statusType: "open",
      status: "Prospecting",
      accountId: ACME_ACCOUNT,
      ownerId: "ana@northwind.test",
      closeDate: "2026-07-01",
    });
    const report = await run();
    const counts = report.syncs.find((s) => s.pipeline === "deals")!.counts;
    expect(counts).toMatchObject({ seen: 2, new: 1, changed: 1, embeddedTexts: 2 });
    expect(report.syncs.filter((s) => s.pipeline !== "deals").every((s) => s.counts.seen === 0)).toBe(true);
    expect(await textOf(deals, recordIdFor("salesforce", ACME_DEAL))).toContain("Status: Closed Won");
    expect(await textOf(deals, created.id)).toContain("Owner: Ana Lima <ana@northwind.test>");
  });

  it("re-renders a deal in a full run when its company is renamed, and drops deleted records", async () => {
    const companies = syncOf("companies");
    const deals = syncOf("deals");
    emu.state.updateRecord(companies, recordIdFor("salesforce", ACME_ACCOUNT), { name: "ACME Holdings" });
    emu.state.deleteRecord(deals, recordIdFor("salesforce", GLOBEX_DEAL));
    // incremental: only the company changed in its own sync; the deletion has no tombstone
    const incremental = await run();
    expect(incremental.syncs.find((s) => s.pipeline === "deals")!.counts.seen).toBe(0);
    expect(
      await store.count({
        tenant: "northwind",
        syncIds: [deals],
        recordIds: [recordIdFor("salesforce", GLOBEX_DEAL)],
      }),
    ).toBeGreaterThan(0);

    const full = await run("full");
    expect(full.ok).toBe(true);
    const counts = full.syncs.find((s) => s.pipeline === "deals")!.counts;
    expect(counts).toMatchObject({ deleted: 1, changed: 2 }); // both ACME deals name the renamed company
    expect(await textOf(deals, recordIdFor("salesforce", ACME_DEAL))).toContain("Company: ACME Holdings");
    expect(
      await store.count({
        tenant: "northwind",
        syncIds: [deals],
        recordIds: [recordIdFor("salesforce", GLOBEX_DEAL)],
      }),
    ).toBe(0);
    // a second full run changes nothing
    const again = await run("full");
    expect(again.counts).toMatchObject({ new: 0, changed: 0, deleted: 0, embeddedTexts: 0 });
  });

  it("shares the company index across runs (a webhook worker's one-event runs do not re-pull companies)", async () => {
    const deals = syncOf("deals");
    const companies = syncOf("companies");
    let companyPulls = 0;
    const counting: IngestSource = {
      syncs: client.syncs,
      records: {
        pages: (syncId, options) => {
          if (syncId === companies) companyPulls++;
          return client.records.pages(syncId, options);
        },
        get: (syncId, recordId, options) => client.records.get(syncId, recordId, options),
        contentBytes: (syncId, recordId, options) => client.records.contentBytes(syncId, recordId, options),
      },
    };
    const companyNames = new CompanyNameCache();
    for (const name of ["Initech add-on A", "Initech add-on B"]) {
      emu.state.createRecord(deals, {
        name,
        amount: 1000,
        statusType: "open",
        status: "Prospecting",
        accountId: ACME_ACCOUNT,
        ownerId: "leo@northwind.test",
        closeDate: "2026-08-01",
      });
      const report = await ingest({
        client: counting,
        store,
        embeddings,
        tenant: "northwind",
        syncs: [deals],
        owners,
        companyNames,
      });
      expect(report.counts.new).toBe(1);
    }
    expect(companyPulls).toBe(1);
  });

  it("indexes a ticket whose content is blank from its fields (no comments is not an unreadable ticket)", async () => {
    const tickets = syncOf("tickets");
    const blank: IngestSource = {
      syncs: client.syncs,
      records: {
        pages: (syncId, options) => client.records.pages(syncId, options),
        get: (syncId, recordId, options) => client.records.get(syncId, recordId, options),
        // What a ticket with no description and no comments may download as.
        contentBytes: async () => ({
          bytes: new TextEncoder().encode(" \n\n"),
          mimeType: "text/markdown",
          contentType: "text/markdown",
        }),
      },
    };
    const fresh = await LanceChunkStore.open({ dir: join(dir, "blank-ticket"), dimensions: DIMENSIONS });
    try {
      const report = await ingest({
        client: blank,
        store: fresh,
        embeddings,
        tenant: "northwind",
        syncs: [tickets],
        owners,
      });
      expect(report.unindexable).toEqual([]);
      expect(report.counts.new).toBe(report.counts.seen);
      const outage = recordIdFor("servicenow", OUTAGE_TICKET);
      expect(
        await fresh.count({ tenant: "northwind", syncIds: [tickets], recordIds: [outage] }),
      ).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  });

  it("reports a record nested too deep to render as unindexable; the run and the other syncs go on", async () => {
    const deals = syncOf("deals");
    // A custom field holding JSON nested 100,000 levels deep: JSON.parse takes it, but rendering and
    // hashing recurse. Once, the run threw at this page and failed every time, other syncs unread.
    const deep = {
      id: "deep-deal",
      externalId: "006DEEP",
      name: "Deeply nested deal",
      updatedAt: "2026-02-01T00:00:00.000Z",
      customFields: JSON.parse(`${'{"k":'.repeat(100_000)}"leaf"${"}".repeat(100_000)}`),
    };
    const source: IngestSource = {
      syncs: client.syncs,
      records: {
        async *pages(syncId, options) {
          yield* client.records.pages(syncId, options);
          if (syncId === deals) {
            yield { records: [deep], cursor: undefined, remainingRecords: 0 } as never;
          }
        },
        get: (syncId, recordId, options) => client.records.get(syncId, recordId, options),
        contentBytes: (syncId, recordId, options) => client.records.contentBytes(syncId, recordId, options),
      },
    };
    const fresh = await LanceChunkStore.open({ dir: join(dir, "deep-record"), dimensions: DIMENSIONS });
    const once = () => ingest({ client: source, store: fresh, embeddings, tenant: "northwind", owners });
    try {
      const report = await once();
      expect(report.error).toBeUndefined();
      expect(report.syncs.every((s) => s.status === "completed")).toBe(true);
      expect(report.ok).toBe(true);
      expect(report.unindexable).toEqual([
        expect.objectContaining({
          recordId: "deep-deal",
          code: "MALFORMED",
          reason: expect.stringMatching(/nest/),
        }),
      ]);
      expect(await fresh.count({ tenant: "northwind", syncIds: [syncOf("tickets")] })).toBeGreaterThan(0);
      const again = await once();
      expect(again.ok).toBe(true);
      expect(again.counts.failed).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
