import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CorpusSpec,
  corpusToState,
  crmUserIdFor,
  type Emulator,
  recordIdFor,
  startEmulator,
  type WebhookPayload,
} from "../../src/emulator/index.js";
import { ContentStore } from "../../src/emulator/state/index.js";
import {
  ACME_ACCOUNT,
  ACME_DEAL,
  ANA,
  crmCorpus,
  GLOBEX_DEAL,
  LEO,
  MAYA,
  OUTAGE_TICKET,
} from "../fixtures/crm-corpus.js";
import { serve } from "../webhooks/harness.js";
import { admin, call, type Json, pullAll, ticketArchive } from "./helpers.js";

const syncFor = (emu: Emulator, tenant: string, pipeline: string) => {
  const sync = emu.state.syncsOf(tenant).find((s) => s.pipeline === pipeline);
  if (!sync) throw new Error(`no ${pipeline} sync for ${tenant}`);
  return sync.id;
};

/** The webhooks Paragon documents for a record created, updated and deleted, in that order. */
const lifecycleHooks = (sync: string, syncInstanceId: string, recordId: string, model: string) =>
  ["record_created", "record_updated", "record_deleted"].map((event) => ({
    event,
    sync,
    syncInstanceId,
    user: { id: "northwind" },
    data: { recordId, model },
  }));

const newDeal = {
  name: "Initech pilot",
  amount: 50000,
  statusType: "open",
  status: "Prospecting",
  accountId: ACME_ACCOUNT,
  ownerId: LEO,
  closeDate: "2026-06-30",
};

describe("CRM and ticketing records in the emulator", () => {
  let emu: Emulator;
  let token: string;
  let hooks: WebhookPayload[];
  let hookServer: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    hooks = [];
    hookServer = await serve((app) =>
      app.post("/hooks", async (c) => {
        hooks.push(await c.req.json());
        return c.json({});
      }),
    );
    emu = await startEmulator({ corpus: crmCorpus(), webhookUrl: `${hookServer.url}/hooks` });
    token = await emu.tokenFor("northwind");
    await emu.webhooks.idle();
  });
  afterAll(async () => {
    await emu.close();
    await hookServer.close();
  });

  it("serves deals in Paragon's Deal schema, owner ids as CRM user ids, paged with cursors", async () => {
    const deals = syncFor(emu, "northwind", "deals");
    const first = await call(emu, token, `/api/syncs/${deals}/records?pageSize=1`);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.paging).toMatchObject({ totalRecords: 2, totalActiveRecords: 2, remainingRecords: 1 });
    const all = await pullAll(emu, token, deals, { pageSize: 1 });
    const acme = all.records.find((r: Json) => r.externalId === ACME_DEAL);
    expect(acme).toEqual({
      id: recordIdFor("salesforce", ACME_DEAL),
      externalId: ACME_DEAL,
      name: "ACME renewal 2026",
      amount: 240000,
      statusType: "open",
      status: "Negotiation",
      accountId: ACME_ACCOUNT,
      ownerId: crmUserIdFor("salesforce", MAYA),
      closeDate: "2026-03-31",
      probability: 70,
      nextStep: "Send the redlined MSA back to ACME legal",
      description: expect.stringContaining("Three-year renewal"),
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(acme.ownerId).toMatch(/^005[0-9A-Za-z]{12}AAA$/);
    const one = await call(emu, token, `/api/syncs/${deals}/records/${acme.id}`);
    expect(one.body).toEqual({ data: acme });
    const summary = await call(emu, token, `/api/syncs/${deals}`);
    expect(summary.body.summary).toMatchObject({ totalRecords: 2, syncedRecordsCount: 2 });
  });

  it("serves a ticket with its people, and its comments in a Markdown file of its ZIP content; CRM records have none", async () => {
    const tickets = syncFor(emu, "northwind", "tickets");
    const id = recordIdFor("servicenow", OUTAGE_TICKET);
    const { body } = await call(emu, token, `/api/syncs/${tickets}/records/${id}`);
    expect(body.data).toMatchObject({
      title: "INC0012345: checkout API outage on January 14",
      status: { name: "Resolved", type: "closed" },
      priority: "urgent",
      assignees: [{ name: "Leo Park", email: LEO }],
      createdBy: { name: "Ana Lima" },
      originalRecord: { id: OUTAGE_TICKET, title: expect.any(String) },
    });
    expect(body.data.comments).toBeUndefined();
    const content = await ticketArchive(emu, token, `/api/syncs/${tickets}/records/${id}/content`);
    expect(content.status).toBe(200);
    expect(content.type).toBe("application/zip");
    expect([...content.files.keys()]).toEqual(["ticket.md"]);
    const markdown = content.files.get("ticket.md")?.toString();
    expect(markdown).toContain("# INC0012345: checkout API outage on January 14");
    expect(markdown).toContain("**Leo Park <leo@northwind.test>** (2026-01-14T10:05:00.000Z):");
    expect(markdown).toContain("connection pool was exhausted");
    const deals = syncFor(emu, "northwind", "deals");
    const none = await call(
      emu,
      token,
      `/api/syncs/${deals}/records/${recordIdFor("salesforce", ACME_DEAL)}/content`,
    );
    expect(none.status).toBe(400);
    expect(none.body.message).toMatch(/only files and tickets have content/);
  });

  it("keeps each tenant's records to its own token", async () => {
    const globexDeals = syncFor(emu, "globex", "deals");
    const denied = await call(emu, token, `/api/syncs/${globexDeals}/records`);
    expect(denied.status).toBe(404);
    const northwindDeals = syncFor(emu, "northwind", "deals");
    const ids = (await pullAll(emu, token, northwindDeals)).records.map((r: Json) => r.externalId);
    expect(ids).not.toContain("006Gx00000SecretAAA");
    expect(ids).toContain(GLOBEX_DEAL);
  });

  it("answers the second seed's aliases for record syncs", async () => {
    const { body } = await call(
      emu,
      token,
      `/projects/${emu.projectId}/sync/records?integration=salesforce&syncType=deals`,
    );
    expect(body.records).toHaveLength(2);
    expect(body.records[0]).toMatchObject({
      integration: "salesforce",
      syncType: "deals",
      data: { amount: expect.any(Number) },
    });
  });

  it("creates, updates and deletes a deal through the admin API, with the documented webhooks", async () => {
    const deals = syncFor(emu, "northwind", "deals");
    const { cursor } = await pullAll(emu, token, deals);
    hooks.length = 0;

    const created = await admin(emu, `/syncs/${deals}/records`, {
      method: "POST",
      body: JSON.stringify(newDeal),
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    expect(created.body.data).toMatchObject({
      name: "Initech pilot",
      ownerId: crmUserIdFor("salesforce", LEO),
    });

    const updated = await admin(emu, `/syncs/${deals}/records/${id}`, {
      method: "PATCH",
      body: JSON.stringify({ status: "Closed Won", statusType: "closed_won", probability: null }),
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ status: "Closed Won", statusType: "closed_won" });
    expect(updated.body.data).not.toHaveProperty("probability");

    // a saved cursor sees the new deal once, in its latest version
    const since = await pullAll(emu, token, deals, { cursor });
    expect(since.records.map((r: Json) => [r.id, r.status])).toEqual([[id, "Closed Won"]]);

    const deleted = await admin(emu, `/syncs/${deals}/records/${id}`, { method: "DELETE" });
    expect(deleted.body).toEqual({ deleted: 1 });
    expect((await call(emu, token, `/api/syncs/${deals}/records/${id}`)).status).toBe(404);
    const page = await call(emu, token, `/api/syncs/${deals}/records`);
    expect(page.body.paging).toMatchObject({ totalRecords: 3, totalActiveRecords: 2 });

    await emu.webhooks.idle();
    expect(hooks).toEqual(lifecycleHooks("salesforce", deals, id, "deals"));
  });

  it("creates, updates and deletes a ticket: its content follows its comments, with the documented webhooks", async () => {
    const tickets = syncFor(emu, "northwind", "tickets");
    const { cursor } = await pullAll(emu, token, tickets);
    hooks.length = 0;
    const content = async (id: string) => {
      const archive = await ticketArchive(emu, token, `/api/syncs/${tickets}/records/${id}/content`);
      return { ...archive, body: archive.files.get("ticket.md")?.toString() ?? "" };
    };

    const created = await admin(emu, `/syncs/${tickets}/records`, {
      method: "POST",
      body: JSON.stringify({
        title: "INC0012500: badge readers offline in Lisbon",
        status: { name: "New", type: "open" },
        priority: "high",
        type: "incident",
        assignees: [{ id: "u-ana", name: "Ana Lima", email: ANA }],
        comments: [
          {
            author: { name: "Ana Lima", email: ANA },
            body: "Readers rebooted; still offline.",
            createdAt: "2026-02-01T08:00:00.000Z",
          },
        ],
        attachments: [
          { name: "reader.log", content: "E42 controller handshake refused" },
          {
            name: "photo.png",
            content: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString("base64"),
            encoding: "base64",
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    expect(created.body.data).toMatchObject({ priority: "high", assignees: [{ email: ANA }] });
    expect(created.body.data.comments).toBeUndefined();
    const first = await content(id);
    expect(first.body).toContain("Readers rebooted; still offline.");
    expect(first.files.get("attachments/reader.log")?.toString()).toBe("E42 controller handshake refused");
    expect(first.files.get("attachments/photo.png")).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    // new comments replace the old ones; null removes a field; the people change
    const updated = await admin(emu, `/syncs/${tickets}/records/${id}`, {
      method: "PATCH",
      body: JSON.stringify({
        status: { name: "Resolved", type: "closed" },
        assignees: [{ id: "u-leo", name: "Leo Park", email: LEO }],
        priority: "normal",
        comments: [
          {
            author: { name: "Leo Park", email: LEO },
            body: "Controller firmware rolled back; readers online.",
            createdAt: "2026-02-01T09:30:00.000Z",
          },
        ],
      }),
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      status: { name: "Resolved", type: "closed" },
      priority: "normal",
      assignees: [{ name: "Leo Park", email: LEO }],
    });
    const after = (await content(id)).body as string;
    expect(after).toContain("Controller firmware rolled back");
    expect(after).not.toContain("Readers rebooted");
    const since = await pullAll(emu, token, tickets, { cursor });
    expect(since.records.map((r: Json) => [r.id, r.status.name])).toEqual([[id, "Resolved"]]);

    const badUpdate = await admin(emu, `/syncs/${tickets}/records/${id}`, {
      method: "PATCH",
      body: JSON.stringify({ priority: "p0" }),
    });
    expect(badUpdate.status).toBe(400);
    expect(badUpdate.body.message).toMatch(/priority/);

    const deleted = await admin(emu, `/syncs/${tickets}/records/${id}`, { method: "DELETE" });
    expect(deleted.body).toEqual({ deleted: 1 });
    expect((await call(emu, token, `/api/syncs/${tickets}/records/${id}`)).status).toBe(404);
    expect((await content(id)).status).toBe(404);

    await emu.webhooks.idle();
    expect(hooks).toEqual(lifecycleHooks("servicenow", tickets, id, "tickets"));
  });

  it("refuses a record that does not fit its pipeline's schema, naming the field", async () => {
    const deals = syncFor(emu, "northwind", "deals");
    const { amount: _, ...noAmount } = newDeal;
    const missing = await admin(emu, `/syncs/${deals}/records`, {
      method: "POST",
      body: JSON.stringify(noAmount),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/^deals amount:/);
    const extra = await admin(emu, `/syncs/${deals}/records`, {
      method: "POST",
      body: JSON.stringify({ ...newDeal, Region__c: "EMEA" }),
    });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/customFields/);
    const badPriority = await admin(emu, `/syncs/${syncFor(emu, "northwind", "tickets")}/records`, {
      method: "POST",
      body: JSON.stringify({
        title: "x",
        status: { name: "New" },
        priority: "p1",
        type: "incident",
        assignees: [],
      }),
    });
    expect(badPriority.status).toBe(400);
    expect(badPriority.body.message).toMatch(/priority/);
    const onFiles = await admin(emu, `/syncs/${syncFor(emu, "northwind", "files")}/records`, {
      method: "POST",
      body: JSON.stringify(newDeal),
    });
    expect(onFiles.status).toBe(409);
    expect(onFiles.body.code).toBe("NOT_A_RECORD_SYNC");
    const twice = await admin(emu, `/syncs/${deals}/records`, {
      method: "POST",
      body: JSON.stringify({ ...newDeal, externalId: ACME_DEAL }),
    });
    expect(twice.status).toBe(409);
  });

  it("lists the CRM user id of every person, the mapping from owner ids to emails", async () => {
    const { body } = await admin(emu, "/crm-users");
    expect(body.data).toContainEqual({
      integration: "salesforce",
      id: crmUserIdFor("salesforce", MAYA),
      email: MAYA,
      name: "Maya Patel",
    });
  });

  it("injects faults into record pulls like any Sync API call", async () => {
    const deals = syncFor(emu, "northwind", "deals");
    emu.faults.set({ rate503: 1, pathPattern: "/records" });
    try {
      expect((await call(emu, token, `/api/syncs/${deals}/records`)).status).toBe(503);
    } finally {
      emu.faults.clear();
    }
    expect((await call(emu, token, `/api/syncs/${deals}/records`)).status).toBe(200);
  });
});

describe("CRM records across restarts and in corpus errors", () => {
  it("keeps records, their seqs and deletions in the state folder", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "clearance-crm-state-"));
    try {
      const first = await startEmulator({ corpus: crmCorpus(), stateDir });
      const deals = syncFor(first, "northwind", "deals");
      const token = await first.tokenFor("northwind");
      const { cursor } = await pullAll(first, token, deals);
      const created = await admin(first, `/syncs/${deals}/records`, {
        method: "POST",
        body: JSON.stringify(newDeal),
      });
      await admin(first, `/syncs/${deals}/records/${recordIdFor("salesforce", GLOBEX_DEAL)}`, {
        method: "DELETE",
      });
      await first.close();

      const second = await startEmulator({ corpus: crmCorpus(), stateDir });
      try {
        const since = await pullAll(second, token, deals, { cursor });
        expect(since.records.map((r: Json) => r.id)).toEqual([created.body.data.id]);
        const page = await call(second, token, `/api/syncs/${deals}/records`);
        expect(page.body.paging).toMatchObject({ totalRecords: 3, totalActiveRecords: 2 });
      } finally {
        await second.close();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it("names the file, the entry and the field of a bad records file", () => {
    const spec = crmCorpus();
    const files = spec.files as Record<string, string>;
    files["crm/deals.yaml"] = "- name: no amount\n  statusType: open\n";
    expect(() => corpusToState(spec, new ContentStore())).toThrow(/crm\/deals\.yaml: \[0\] deals amount/);
    const missing: CorpusSpec = { ...crmCorpus(), files: { "drive/a.md": "a" } };
    expect(() => corpusToState(missing, new ContentStore())).toThrow(/records file "crm\/companies\.yaml"/);
    const rooted = crmCorpus();
    // biome-ignore lint/suspicious/noExplicitAny: a deliberately wrong manifest
    (rooted.manifest as any).connectedUsers[0].syncs[1].root = "crm";
    expect(() => corpusToState(rooted, new ContentStore())).toThrow(/has no folder/);
  });
});
