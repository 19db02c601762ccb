// What re-verifying a short answer (docs/concepts.md#freshness) costs in a tenant with CRM and
// ticketing syncs, over the real emulator: a `tenant` or `deny` sync's allow list costs no request,
// so it does not count against maxPermissionCalls; an `owner` sync's stale denials are re-verified
// by fetching its owner list once, not by reading each denied record.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { RecordReader } from "../../src/access/index.js";
import { type CorpusSpec, recordIdFor } from "../../src/emulator/index.js";
import { ingest } from "../../src/ingest/index.js";
import { createManagedSyncRetriever, type ManagedSyncRetrieverOptions } from "../../src/retrieval/index.js";
import { startWorld, type World } from "../retrieval/helpers/emulator-world.js";

const MAYA = "maya@northwind.test";
const LEO = "leo@northwind.test";
const DEALS = 12;

function corpus(): CorpusSpec {
  const deals = Array.from({ length: DEALS }, (_, i) => ({
    externalId: `006Nw0000Deal${String(i).padStart(4, "0")}`,
    name: `Renewal deal ${i}`,
    amount: 1000 * (i + 1),
    statusType: "open",
    status: "Negotiation",
    accountId: "001Nw00000AcmeCoAAA",
    closeDate: "2026-06-30",
    ownerId: MAYA,
    description: `Roadmap budget renewal for customer ${i}.`,
  }));
  const tickets = [
    {
      externalId: "5f0c2a7e9d1b4c3a8e6f1a2b3c4d0001",
      title: "Roadmap budget question",
      status: { name: "Open", type: "open" },
      priority: "normal",
      type: "incident",
      createdBy: { id: "u-maya", email: MAYA },
      assignees: [{ id: "u-maya", email: MAYA }],
    },
  ];
  const files: Record<string, string> = {
    "drive/Company/Handbook.md": "# Handbook\nRoadmap and budget policy.\n",
    "crm/deals.yaml": stringify(deals),
    "crm/tickets.yaml": stringify(tickets),
  };
  for (let i = 0; i < 6; i++) files[`drive/Private/plan-${i}.md`] = `Roadmap budget plan ${i}.\n`;
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: MAYA }, { email: LEO }],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [
            { integration: "googledrive", root: "drive", owner: MAYA },
            { integration: "salesforce", pipeline: "companies", records: "crm/companies.yaml", owner: MAYA },
            { integration: "salesforce", pipeline: "deals", records: "crm/deals.yaml", owner: MAYA },
            { integration: "servicenow", pipeline: "tickets", records: "crm/tickets.yaml", owner: MAYA },
          ],
        },
      ],
      sharing: { "drive/Company/": { grants: [{ domain: "northwind.test", role: "reader" }] } },
    },
    files: { ...files, "crm/companies.yaml": stringify([]) },
  };
}

let world: World;

beforeAll(async () => {
  world = await startWorld(corpus(), "northwind");
  const base = { client: world.client, store: world.store, embeddings: world.embeddings };
  expect((await ingest({ ...base, tenant: "northwind", mode: "full" })).ok).toBe(true);
});

afterAll(async () => {
  await world?.close();
});

function retriever(options: Partial<ManagedSyncRetrieverOptions>) {
  return createManagedSyncRetriever({
    client: world.client,
    store: world.store,
    embeddings: world.embeddings,
    tenant: "northwind",
    k: 5,
    // 0: any evidence from an earlier query is re-verified (by default, once 5 s old).
    reverifyShortAfterMs: 0,
    ...options,
  });
}

function fileAt(path: string) {
  return [...world.files.values()].find((f) => f.path === path)!;
}

async function share(path: string, user: string): Promise<void> {
  await world.admin("POST", `/syncs/${fileAt(path).syncId}/share`, { path, grant: { user, role: "reader" } });
}

describe("re-verifying a short answer in a tenant with record syncs", () => {
  it("counts no permission call for a tenant or deny sync's list: a list shared since is renewed within the budget", async () => {
    // Four syncs: the drive (one list request), companies (deny), deals and tickets (tenant), and
    // a budget of two calls. Counted one each, the four lists never fit it.
    const r = retriever({
      strategy: "pre",
      budget: { maxPermissionCalls: 2 },
      records: {
        policies: [
          { pipeline: "deals", policy: "tenant" },
          { pipeline: "tickets", policy: "tenant" },
        ],
      },
    });
    // k = 30: more than Leo may read (the handbook, the deals, the ticket), so every answer is short.
    const first = await r.retrieveWithReport("roadmap budget plan", { user: LEO, member: true, k: 30 });
    expect(first.report.permissionCalls).toBe(1);
    const plan = fileAt("Private/plan-3.md");
    expect(first.documents.map((d) => d.metadata.recordId)).not.toContain(plan.id);
    await share("Private/plan-3.md", LEO);

    const after = await r.retrieveWithReport("roadmap budget plan", { user: LEO, member: true, k: 30 });
    expect(after.report.reverified).toMatchObject({ lists: 4, found: 1 });
    expect(after.report.reverified?.stoppedBy).toBeUndefined();
    expect(after.report).toMatchObject({ budgetHit: null, exhausted: true });
    // The cached drive list's hit confirmed (a check), and the drive's list fetched again.
    expect(after.report.permissionCalls).toBe(2);
    expect(after.documents.map((d) => d.metadata.recordId)).toContain(plan.id);
  });

  it("re-verifies an owner sync's stale denials with one list request, not a record read each", async () => {
    // The deals name owners by CRM user id: the deployment maps them to emails.
    const users = world.emu.state.crmUsers();
    const owners = Object.fromEntries(users.map((u) => [u.id, { email: u.email }]));
    const leoId = users.find((u) => u.email === LEO)!.id;
    const mayaId = users.find((u) => u.email === MAYA)!.id;
    const reads = { get: 0, pages: 0 };
    const records: RecordReader = {
      get: (...args) => {
        reads.get += 1;
        return world.client.records.get(...args);
      },
      pages: (...args) => {
        reads.pages += 1;
        return world.client.records.pages(...args);
      },
    };
    const r = retriever({
      client: { permissions: world.client.permissions, syncs: world.client.syncs, records },
      strategy: "post",
      records: { policies: [{ pipeline: "deals", policy: "owner" }], owners },
    });
    // Leo owns none of the twelve deals: each is read and denied (cached denials).
    const first = await r.retrieveWithReport("renewal deal roadmap budget", { user: LEO, k: 30 });
    expect(reads.get).toBe(DEALS);
    const deals = world.emu.state.syncsOf("northwind").find((s) => s.pipeline === "deals")!.id;
    const deal = recordIdFor("salesforce", "006Nw0000Deal0007");
    expect(first.documents.map((d) => d.metadata.recordId)).not.toContain(deal);
    world.emu.state.updateRecord(deals, deal, { ownerId: leoId });
    try {
      reads.get = 0;
      const after = await r.retrieveWithReport("renewal deal roadmap budget", { user: LEO, k: 30 });
      // Twelve stale denials, one owner list: no record read.
      expect(reads).toEqual({ get: 0, pages: 1 });
      expect(after.report.reverified).toMatchObject({ lists: 1, found: 1 });
      expect(after.report).toMatchObject({ exhausted: true, budgetHit: null });
      expect(after.documents.map((d) => d.metadata.recordId)).toContain(deal);
    } finally {
      world.emu.state.updateRecord(deals, deal, { ownerId: mayaId });
    }
  });
});
