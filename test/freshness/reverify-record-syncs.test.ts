// What re-verifying a short answer (docs/concepts.md#freshness) costs in a tenant with CRM and
// ticketing syncs, over the real emulator: a `tenant` or `deny` sync's allow list costs no request,
// so it does not count against maxPermissionCalls.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { CorpusSpec } from "../../src/emulator/index.js";
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
});
