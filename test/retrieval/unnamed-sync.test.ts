import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerQuestion, type ChatResponseBody, createChatHandler } from "../../src/chat/index.js";
import { formatQueryResult } from "../../src/cli/commands/query.js";
import { unnamedSyncLogger } from "../../src/cli/serve-setup.js";
import { recordIdFor } from "../../src/emulator/index.js";
import { ingest } from "../../src/ingest/index.js";
import {
  createManagedSyncRetriever,
  type RecordPolicies,
  type RetrievalReport,
  type UnnamedSync,
  vectorSource,
} from "../../src/retrieval/index.js";
import { ACME_DEAL, crmCorpus, LEO } from "../fixtures/crm-corpus.js";
import { startWorld, type World } from "../webhooks/harness.js";

const ACME = recordIdFor("salesforce", ACME_DEAL);

/**
 * A CRM or ticket sync no `records.policies` rule names is denied by default. Denied silently, a
 * misspelt rule looked exactly like "this person may read nothing": the report names such a sync
 * where its records ranked, once per sync.
 */
describe("a record sync no policy rule names, in the retrieval report (emulator, on-disk store)", () => {
  let world: World;
  let syncOf: (integration: string, pipeline: string) => string;

  const retriever = (records: RecordPolicies, onUnnamedSync?: (sync: UnnamedSync) => void) =>
    createManagedSyncRetriever({
      client: world.client,
      store: world.store,
      embeddings: world.embeddings,
      tenant: "northwind",
      k: 50,
      // Post-filtered, so every candidate is decided; "auto" may race the first query's check
      // against its allow lists, and a pre-filtered search never ranks a denied sync's records.
      strategy: "post",
      records,
      ...(onUnnamedSync ? { onUnnamedSync } : {}),
    });
  const unnamedIn = (report: RetrievalReport) => (report.unnamedSyncs ?? []).map((s) => s.syncId);

  beforeAll(async () => {
    world = await startWorld({ corpus: crmCorpus() });
    const owners = Object.fromEntries(world.emulator.state.crmUsers().map((u) => [u.id, { email: u.email }]));
    const ingested = await ingest({
      store: world.store,
      embeddings: world.embeddings,
      client: world.client,
      tenant: "northwind",
      mode: "full",
      owners,
    });
    expect(ingested.ok).toBe(true);
    const syncs = await world.client.syncs.list();
    syncOf = (integration, pipeline) =>
      syncs.find((s) => s.integration === integration && s.pipeline === pipeline)?.id ?? "";
  });
  afterAll(() => world.close());

  it("a rule that misnames the deals pipeline: the report names the deals sync and says what to do", async () => {
    const deals = syncOf("salesforce", "deals");
    // what `clearance serve` logs: once per tenant and sync for the process, however many queries
    const warnings: { fields: unknown; message: string }[] = [];
    const log = unnamedSyncLogger({
      warn: (fields: object, message: string) => warnings.push({ fields, message }),
    });
    const r = retriever(
      {
        policies: [
          { integration: "salesforce", pipeline: "deal", policy: "tenant" }, // the typo: "deals"
          { integration: "salesforce", pipeline: "companies", policy: "tenant" },
          // named, if only to deny: not reported
          { integration: "salesforce", pipeline: "contacts", policy: "deny" },
          { pipeline: "tickets", policy: "tenant" },
        ],
      },
      (sync) => log(sync, { tenant: "northwind" }),
    );
    const { documents, report } = await r.retrieveWithReport("ACME renewal deal", {
      user: LEO,
      member: true,
    });
    expect(documents.some((d) => d.metadata.recordId === ACME)).toBe(false);
    expect(report.unnamedSyncs).toEqual([
      {
        syncId: deals,
        integration: "salesforce",
        pipeline: "deals",
        configurationName: "default",
        message: expect.stringContaining(
          "no records.policies rule names this sync, so its records are denied: add one (see docs/records.md)",
        ),
      },
    ]);
    expect(report.unnamedSyncs?.[0]?.message).toContain(
      `sync ${deals} (salesforce/deals, configuration "default")`,
    );
    // the named syncs' records were allowed (or denied by their own rule) and are not reported
    expect(documents.some((d) => d.metadata.allowedBy === "tenant")).toBe(true);
    // again: the deals' denials now come from the decision cache, and the report still says it
    const again = await r.retrieveWithReport("ACME renewal deal", { user: LEO, member: true });
    expect(again.report.cacheHits).toBeGreaterThan(0);
    expect(unnamedIn(again.report)).toEqual([deals]);
    expect(warnings).toEqual([
      { fields: { tenant: "northwind", syncId: deals }, message: report.unnamedSyncs?.[0]?.message },
    ]);
  });

  it("with every record sync named correctly, the same query reports nothing of the kind", async () => {
    const r = retriever({
      policies: [
        { integration: "salesforce", pipeline: "deals", policy: "tenant" },
        { integration: "salesforce", pipeline: "companies", policy: "tenant" },
        { integration: "salesforce", pipeline: "contacts", policy: "deny" },
        { pipeline: "tickets", policy: "tenant" },
      ],
    });
    const { documents, report } = await r.retrieveWithReport("ACME renewal deal", {
      user: LEO,
      member: true,
    });
    expect(documents.some((d) => d.metadata.recordId === ACME)).toBe(true);
    // contacts were denied, by a rule that names them: no note
    expect(report.checks + report.cacheHits).toBeGreaterThan(report.returned);
    expect(report.unnamedSyncs).toBeUndefined();
  });

  it("a query whose candidates hold no CRM record reports nothing, whatever the rules", async () => {
    const r = retriever({ policies: [{ integration: "salesforce", pipeline: "deal", policy: "tenant" }] });
    const drive = world.syncIds.drive;
    const vector = await world.embeddings.embedQuery("vacation policy");
    const dense = vectorSource(world.store, "northwind", vector);
    // a search path over documents only (as a keyword index of files would be)
    const filesOnly = (page: Parameters<typeof dense>[0]) => dense({ ...page, syncIds: [drive] });
    const { documents, report } = await r.retrieveFromSource(filesOnly, { user: LEO, member: true });
    expect(documents.map((d) => d.metadata.name)).toContain("Handbook.md");
    expect(report.candidatesScanned).toBeGreaterThan(0);
    expect(report.unnamedSyncs).toBeUndefined();
    // and a denied file is no record sync: a person the handbook is not shared with, nothing reported
    const stranger = await r.retrieveFromSource(filesOnly, { user: "mallory@competitor.example" });
    expect(stranger.documents).toEqual([]);
    expect(stranger.report.unnamedSyncs).toBeUndefined();
  });

  it("`clearance query` prints it under the report line; a chat caller's report leaves it out", async () => {
    const r = retriever({ policies: [{ integration: "salesforce", pipeline: "deal", policy: "tenant" }] });
    const deals = syncOf("salesforce", "deals");
    const answered = await answerQuestion({ retriever: r, question: "ACME renewal deal", user: LEO });
    expect(answered.report.unnamedSyncs?.map((s) => s.syncId)).toContain(deals);
    expect(formatQueryResult(answered)).toMatch(
      new RegExp(
        `\\nwarning: sync ${deals} \\(salesforce/deals, configuration "default"\\): no records\\.policies rule`,
      ),
    );
    // the caller is told neither the sync nor that a deal matched: the server's log is where it goes
    const chat = createChatHandler({ retriever: r, identify: () => ({ tenant: "northwind", user: LEO }) });
    const response = await chat(
      new Request("http://clearance.test/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question: "ACME renewal deal" }),
      }),
    );
    const body = (await response.json()) as ChatResponseBody;
    expect(body.report.returned).toBeGreaterThan(0);
    expect(body.report.unnamedSyncs).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain(deals);
  });
});
