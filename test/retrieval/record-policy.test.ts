import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PermissionsUnavailableError } from "../../src/access/index.js";
import { loadConfig, recordsForTenant } from "../../src/config/index.js";
import { recordIdFor } from "../../src/emulator/index.js";
import { PermissionFollower } from "../../src/freshness/index.js";
import { ingest } from "../../src/ingest/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import {
  createManagedSyncRetriever,
  type ManagedSyncRetrieverOptions,
  type RecordPolicies,
  RoundTrips,
} from "../../src/retrieval/index.js";
import {
  ACME_DEAL,
  ANA,
  crmCorpus,
  GLOBEX_BOB,
  GLOBEX_DEAL,
  LEO,
  MAYA,
  OUTAGE_TICKET,
} from "../fixtures/crm-corpus.js";
import { startWorld, type World } from "../webhooks/harness.js";
import { withoutNamedState } from "./helpers/without-named-state.js";

const MALLORY = "mallory@competitor.example";
const ACME = recordIdFor("salesforce", ACME_DEAL);
const GLOBEX = recordIdFor("salesforce", GLOBEX_DEAL);
const OUTAGE = recordIdFor("servicenow", OUTAGE_TICKET);
const VPN = recordIdFor("servicenow", "9a8b7c6d5e4f30211a2b3c4d5e6f7a8b");
const GLOBEX_SECRET = recordIdFor("salesforce", "006Gx00000SecretAAA");

describe("record policies for CRM and ticketing syncs, through the emulator", () => {
  let world: World;
  let owners: Record<string, { email: string; name?: string }>;
  let globexClient: ManagedSyncClient;

  const retriever = (records: RecordPolicies | undefined, extra: Partial<ManagedSyncRetrieverOptions> = {}) =>
    createManagedSyncRetriever({
      client: world.client,
      store: world.store,
      embeddings: world.embeddings,
      tenant: "northwind",
      k: 50,
      ...(records ? { records } : {}),
      ...extra,
    });
  /** The record ids a person gets for a query (k = 50: every allowed chunk of this small corpus). */
  const found = async (r: ReturnType<typeof retriever>, user: string, options: { member?: boolean } = {}) => {
    const result = await r.retrieveWithReport("ACME renewal deal outage ticket", { user, ...options });
    return { ids: new Set(result.documents.map((d) => d.metadata.recordId)), ...result };
  };
  const crm = [ACME, GLOBEX, OUTAGE, VPN];
  const crmOf = (ids: Set<string>) => crm.filter((id) => ids.has(id));

  beforeAll(async () => {
    world = await startWorld({ corpus: crmCorpus() });
    owners = Object.fromEntries(
      world.emulator.state
        .crmUsers()
        .map((u) => [u.id, { email: u.email, ...(u.name ? { name: u.name } : {}) }]),
    );
    const base = { store: world.store, embeddings: world.embeddings, mode: "full" as const, owners };
    expect((await ingest({ ...base, client: world.client, tenant: "northwind" })).ok).toBe(true);
    globexClient = new ManagedSyncClient({
      baseUrl: world.emulator.url,
      auth: { token: await world.emulator.tokenFor("globex") },
    });
    expect((await ingest({ ...base, client: globexClient, tenant: "globex" })).ok).toBe(true);
  });
  afterAll(() => world.close());

  it("denies every CRM and ticket record by default, to members too; files still come back", async () => {
    const r = retriever(undefined);
    for (const user of [MAYA, LEO, ANA]) {
      const { ids, report, documents } = await found(r, user, { member: true });
      expect(crmOf(ids)).toEqual([]);
      expect(report.policyAllowed).toBeUndefined();
      expect(documents.some((d) => d.metadata.name === "Handbook.md")).toBe(true);
    }
  });

  it("tenant: verified members find the deal and the ticket; the report says tenant allowed them", async () => {
    const r = retriever({
      policies: [
        { pipeline: "deals", policy: "tenant" },
        { pipeline: "tickets", policy: "tenant" },
      ],
    });
    const { ids, report, documents } = await found(r, LEO, { member: true });
    expect(crmOf(ids)).toEqual(crm);
    expect(report.policyAllowed).toEqual(
      expect.arrayContaining([
        { syncId: expect.any(String), recordId: ACME, policy: "tenant" },
        { syncId: expect.any(String), recordId: OUTAGE, policy: "tenant" },
      ]),
    );
    expect(documents.find((d) => d.metadata.recordId === ACME)?.metadata.allowedBy).toBe("tenant");
    expect(documents.find((d) => d.metadata.name === "Handbook.md")?.metadata.allowedBy).toBeUndefined();
    // the same person, not vouched for and with no membership rule: nothing (never "any subject")
    expect(crmOf((await found(r, LEO)).ids)).toEqual([]);
    // with cached evidence trusted (freshnessMs > 0), what a verified member was allowed is still never
    // reused for an unverified call with the same email: member views keep their own caches
    const caching = retriever(
      { policies: [{ pipeline: "deals", policy: "tenant" }] },
      { freshnessMs: 600_000, decisionCacheTtlMs: 600_000, allowSetTtlMs: 600_000 },
    );
    for (const strategy of [undefined, "pre"] as const) {
      const r2 = strategy
        ? retriever(
            { policies: [{ pipeline: "deals", policy: "tenant" }] },
            { strategy, freshnessMs: 600_000, allowSetTtlMs: 600_000 },
          )
        : caching;
      expect(crmOf((await found(r2, ANA, { member: true })).ids)).toEqual([ACME, GLOBEX]);
      expect(crmOf((await found(r2, ANA)).ids)).toEqual([]);
    }
    // a bound view carries the flag too
    const view = r.forUser(MAYA, { member: true });
    const viewed = await view.retrieveWithReport("ACME renewal");
    expect(viewed.documents.some((d) => d.metadata.recordId === ACME)).toBe(true);
  });

  it("tenant: never `*`, another company's person or a non-member, even when vouched for wrongly", async () => {
    const r = retriever({
      policies: [
        { pipeline: "deals", policy: "tenant" },
        { pipeline: "tickets", policy: "tenant" },
      ],
      members: { domains: ["northwind.test"] },
    });
    // the domain rule makes northwind people members without a flag
    expect(crmOf((await found(r, ANA)).ids)).toEqual(crm);
    expect(crmOf((await found(r, MALLORY)).ids)).toEqual([]);
    expect(crmOf((await found(r, GLOBEX_BOB)).ids)).toEqual([]);
    expect(crmOf((await found(r, "*")).ids)).toEqual([]);
    expect(crmOf((await found(r, "*", { member: true })).ids)).toEqual([]);
    // another tenant's retriever never sees northwind's records, whoever asks
    const globex = createManagedSyncRetriever({
      client: globexClient,
      store: world.store,
      embeddings: world.embeddings,
      tenant: "globex",
      k: 50,
      records: { policies: [{ pipeline: "deals", policy: "tenant" }] },
    });
    const theirs = await found(globex, GLOBEX_BOB, { member: true });
    expect([...theirs.ids]).toEqual([GLOBEX_SECRET]);
    expect(crmOf((await found(globex, LEO, { member: true })).ids)).toEqual([]);
    // and northwind's members never see Globex's deal
    expect((await found(r, LEO, { member: true })).ids.has(GLOBEX_SECRET)).toBe(false);
  });

  // docs/records.md: a membership function that throws denies, and the records are listed in the
  // report's errors. The check path did so; the list path let the throw fail the whole query (the
  // files the person may read included) with the function's own error.
  it("tenant: a membership function that throws denies the records and says so on every path; files still come back", async () => {
    for (const strategy of ["post", "pre"] as const) {
      const r = retriever(
        {
          policies: [{ pipeline: "deals", policy: "tenant" }],
          members: () => {
            throw new Error("directory down");
          },
        },
        { strategy },
      );
      const { ids, report, documents } = await found(r, LEO);
      expect(crmOf(ids), strategy).toEqual([]);
      expect(
        documents.some((d) => d.metadata.name === "Handbook.md"),
        strategy,
      ).toBe(true);
      expect(
        report.errors.map((e) => e.reason),
        strategy,
      ).toContainEqual("the membership rule failed: directory down");
    }
  });

  it("owner: only the deal's owner and the ticket's assignee, whatever the membership", async () => {
    const r = retriever({
      policies: [
        { integration: "salesforce", pipeline: "deals", policy: "owner" },
        { integration: "servicenow", pipeline: "tickets", policy: "owner" },
      ],
      owners,
    });
    expect(crmOf((await found(r, MAYA, { member: true })).ids)).toEqual([ACME]);
    expect(crmOf((await found(r, LEO, { member: true })).ids)).toEqual([GLOBEX, OUTAGE]);
    expect(crmOf((await found(r, ANA)).ids)).toEqual([VPN]);
    expect(crmOf((await found(r, MALLORY, { member: true })).ids)).toEqual([]);
    expect(crmOf((await found(r, "*", { member: true })).ids)).toEqual([]);
    const { report } = await found(r, MAYA);
    expect(report.policyAllowed).toEqual([{ syncId: expect.any(String), recordId: ACME, policy: "owner" }]);
    // the pre-filter path lists the owner's records and agrees
    const pre = retriever(
      { policies: [{ integration: "salesforce", pipeline: "deals", policy: "owner" }], owners },
      { strategy: "pre" },
    );
    const viaList = await found(pre, MAYA);
    expect(viaList.report.strategy).toBe("pre");
    expect(crmOf(viaList.ids)).toEqual([ACME]);
  });

  // The owner's list is pulled page by page; a deal the Sync API serves malformed is set aside
  // (RecordPage.invalid) and its owner is unknown. The list said it was whole, so Maya's own deal
  // was left out without a word: "nothing you may read answers" to the person who owns it.
  it("owner, pre-filter: a deal served malformed makes the owner's list incomplete, so it is reported, not silently left out", async () => {
    const deals = world.emulator.state.syncsOf("northwind").find((s) => s.pipeline === "deals")!.id;
    const pre = retriever(
      { policies: [{ integration: "salesforce", pipeline: "deals", policy: "owner" }], owners },
      { strategy: "pre" },
    );
    world.emulator.malformed.set(deals, ACME, { createdAt: 20260101 });
    try {
      const { ids, report } = await found(pre, MAYA);
      // Denied either way (its owner cannot be read), but now said: an undecided record, and why.
      expect(crmOf(ids)).toEqual([]);
      expect(report.itemErrors).toBeGreaterThan(0);
      expect(report.errors.map((e) => e.reason)).toContainEqual(
        expect.stringMatching(/reading record .* for its owner failed: .*createdAt/),
      );
    } finally {
      world.emulator.malformed.clear(deals, ACME);
    }
  });

  // Get Synced Record may answer with a tombstone (`deleted: true`) that still names the owner. The
  // list path skipped it, but the check path read its owner and allowed it: the deleted deal's
  // chunks, still in the store until ingest hears of the deletion, went to its former owner.
  it("owner: a deal the Sync API serves as deleted (a tombstone) is denied on every path", async () => {
    const deals = world.emulator.state.syncsOf("northwind").find((s) => s.pipeline === "deals")!.id;
    world.emulator.malformed.set(deals, ACME, { deleted: true });
    try {
      for (const strategy of ["post", "pre"] as const) {
        const r = retriever({ policies: [{ pipeline: "deals", policy: "owner" }], owners }, { strategy });
        const { ids, report } = await found(r, MAYA);
        expect(crmOf(ids), strategy).toEqual([]);
        expect(report.policyAllowed, strategy).toBeUndefined();
      }
    } finally {
      world.emulator.malformed.clear(deals, ACME);
    }
  });

  // The owner's list is built from every deal's owner: one that maps to no email may be this very
  // person, yet the list said it was whole without it. A pre-filter then searched Maya's empty list
  // and answered nothing with no error, where the check path reports the unmapped owner.
  // The owner's list is read from the Sync API (Pull Synced Records). When that read failed, the
  // client's own error escaped the access port, which promises PermissionsUnavailableError for a
  // transport failure: `onPermissionError: "empty"` still threw, and callers that tell a
  // permissions outage apart (chat, MCP) took it for an internal error.
  it("owner: the owner's list unreadable (503) is a permissions outage: typed, and honours onPermissionError", async () => {
    world.emulator.faults.set({ rate503: 1, pathPattern: "/records$" });
    try {
      const policies = { policies: [{ pipeline: "deals", policy: "owner" as const }], owners };
      await expect(
        retriever(policies, { strategy: "pre" }).retrieveWithReport("ACME renewal", { user: MAYA }),
      ).rejects.toBeInstanceOf(PermissionsUnavailableError);
      const empty = await found(retriever(policies, { strategy: "pre", onPermissionError: "empty" }), MAYA);
      expect(empty.documents).toEqual([]);
      expect(empty.report.permissionError?.code).toBe("PERMISSIONS_UNAVAILABLE");
    } finally {
      world.emulator.faults.clear();
    }
  });

  it("owner: a record whose owner maps to no email is denied and reported, not guessed, on every path", async () => {
    for (const strategy of ["post", "pre"] as const) {
      const r = retriever({ policies: [{ pipeline: "deals", policy: "owner" }] }, { strategy });
      const { ids, report } = await found(r, MAYA);
      expect(crmOf(ids), strategy).toEqual([]);
      expect(report.itemErrors, strategy).toBeGreaterThan(0);
      expect(report.errors.map((e) => e.reason)).toContainEqual(
        expect.stringMatching(/maps to no email: add it to records\.owners/),
      );
    }
  });

  // One deal whose owner maps to no email (a departed user, say) made every person's owner list
  // incomplete, so every query of the sync fell back to post-filtering: one check per candidate,
  // and a budget hit for whoever owns few deals. The list now stays whole; the deal is searched
  // with it and checked where it ranks, so it is still reported, never silently left out.
  it("owner: a deal whose owner maps to no email leaves every owner's list whole: pre-filter stays pre and reports that deal", async () => {
    const deals = world.emulator.state.syncsOf("northwind").find((s) => s.pipeline === "deals")!.id;
    world.emulator.state.updateRecord(deals, GLOBEX, { ownerId: "005DEPARTED" });
    try {
      for (const strategy of ["pre", "auto"] as const) {
        // Auto: each person's first query, the race whose lists sift its first page. Its retriever
        // (and the strangers' below) reads nothing the earlier ones wrote about people to the
        // store's state: those writes wait about a second, so on a loaded machine they had landed
        // and were read (planned "pre", no race).
        const r = retriever(
          { policies: [{ pipeline: "deals", policy: "owner" }], owners },
          { strategy, ...(strategy === "auto" ? { store: withoutNamedState(world.store) } : {}) },
        );
        for (const [user, own] of [
          [MAYA, [ACME]],
          [LEO, []],
        ] as const) {
          const { ids, report } = await found(r, user);
          const at = `${strategy} ${user}`;
          expect(crmOf(ids), at).toEqual(own);
          // Auto: whichever of the race's round and the lists came back first (the small corpus's
          // page can be every candidate there is), the deal is decided and reported either way.
          expect(report.strategy, at).toMatch(strategy === "pre" ? /^pre$/ : /^race→(pre|post)$/);
          expect(report.reason, at).not.toMatch(/incomplete/);
          expect(report.errors, at).toContainEqual({
            syncId: deals,
            recordId: GLOBEX,
            reason: expect.stringMatching(/maps to no email: add it to records\.owners/),
          });
        }
      }
      // Where checks are slow (measured: RoundTrips), a stranger's lists may sift the race's page
      // unchecked; a page they sift to k at once (k = 1) still reports the undecided deal in it.
      const slowChecks = new RoundTrips();
      for (let i = 0; i < 3; i++) slowChecks.checked(1_000);
      slowChecks.searchedLargePage(1, 15);
      // And slow they are: each record read 400 ms late, so the lists (a page read) are back first
      // whatever the load on the machine.
      world.emulator.faults.set({ rateSlow: 1, slowMs: 400, pathPattern: "/records/[^/]+$" });
      const one = retriever(
        { policies: [{ pipeline: "deals", policy: "owner" }], owners },
        { k: 1, roundTrips: slowChecks, maxFilterRecordIds: 1, store: withoutNamedState(world.store) },
      );
      const { documents, report } = await one.retrieveWithReport(
        "Globex expansion proposal: the analytics module",
        {
          user: MAYA,
        },
      );
      expect(report.reason).toMatch(/the allow lists arrived first \(its page of k × 15 searched first/);
      expect(report.reason).toMatch(/sifted the first page/);
      expect(documents.map((d) => d.metadata.recordId)).toEqual([ACME]);
      expect(report.errors.map((e) => e.recordId)).toContain(GLOBEX);
      // Ranked below the k-th admitted candidate, the undecided deal could not be in the answer: the
      // sifted page does not check it (each check of it is a record read), nor report it. (The race's
      // own round may have started reading its page before the lists arrived: that is the race.)
      const other = retriever(
        { policies: [{ pipeline: "deals", policy: "owner" }], owners },
        { k: 1, roundTrips: slowChecks, maxFilterRecordIds: 1, store: withoutNamedState(world.store) },
      );
      const below = await other.retrieveWithReport(
        "ACME renewal: send the redlined MSA back to ACME legal, ACME platform licence uplift",
        { user: MAYA },
      );
      expect(below.report.reason).toMatch(/sifted the first page/);
      expect(below.documents.map((d) => d.metadata.recordId)).toEqual([ACME]);
      expect(below.report.errors.map((e) => e.recordId)).not.toContain(GLOBEX);
    } finally {
      world.emulator.faults.clear();
      world.emulator.state.updateRecord(deals, GLOBEX, { ownerId: LEO });
      await world.settle();
    }
  });

  // A ticket with two assignees, one of whom maps to no email: that one may be the person asking.
  // The check allowed the mapped assignee and denied everyone else without a word, so the unmapped
  // assignee lost their own ticket silently (a record with no mapped owner at all was reported).
  it("owner: a ticket whose other assignee maps to no email is reported to whoever it may be, not silently denied", async () => {
    const tickets = world.emulator.state.syncsOf("northwind").find((s) => s.pipeline === "tickets")!.id;
    world.emulator.malformed.set(tickets, OUTAGE, {
      assignees: [{ id: "u-leo", name: "Leo Park", email: LEO }, { id: "u-ana-servicenow" }],
    });
    try {
      for (const strategy of ["post", "pre"] as const) {
        const r = retriever({ policies: [{ pipeline: "tickets", policy: "owner" }], owners }, { strategy });
        expect(crmOf((await found(r, LEO)).ids), strategy).toEqual([OUTAGE]);
        const { ids, report } = await found(r, ANA);
        expect(crmOf(ids), strategy).toEqual([VPN]);
        expect(report.errors, strategy).toContainEqual({
          syncId: tickets,
          recordId: OUTAGE,
          reason: expect.stringMatching(/maps to no email: add it to records\.owners/),
        });
      }
    } finally {
      world.emulator.malformed.clear(tickets, OUTAGE);
    }
  });

  it("owner: a reassigned deal follows its new owner on the next query (the record is read at query time)", async () => {
    const r = retriever({ policies: [{ pipeline: "deals", policy: "owner" }], owners });
    const deals = world.emulator.state.syncsOf("northwind").find((s) => s.pipeline === "deals")!.id;
    world.emulator.state.updateRecord(deals, ACME, { ownerId: LEO });
    try {
      expect(crmOf((await found(r, MAYA)).ids)).toEqual([]);
      expect(crmOf((await found(r, LEO)).ids)).toEqual([ACME, GLOBEX]);
    } finally {
      world.emulator.state.updateRecord(deals, ACME, { ownerId: MAYA });
      await world.settle();
    }
  });

  it("owner, with the permission-changes follower (serve's defaults): a reassigned deal follows its new owner on the next query; the follower cannot vouch for a record policy", async () => {
    // The Permission Changes feed carries tuple changes only: an owner reassigned in the CRM is no
    // change there, so a caught-up follower proves nothing about a cached owner decision or list.
    const syncs = world.emulator.state.syncsOf("northwind");
    const deals = syncs.find((s) => s.pipeline === "deals")!.id;
    const files = syncs.find((s) => s.pipeline === "files")!.id;
    for (const strategy of ["post", "pre"] as const) {
      let r: ReturnType<typeof retriever> | undefined;
      const follower = new PermissionFollower({
        readerFor: () => world.client.permissions,
        invalidate: (_tenant, scope) => r?.invalidate(scope),
        intervalMs: 50,
      });
      r = retriever(
        { policies: [{ pipeline: "deals", policy: "owner" }], owners },
        { strategy, freshnessMs: 10_000, changes: follower.forTenant("northwind") },
      );
      // Every sync it follows caught up since now (the file sync's among them: the follower vouches).
      const caughtUp = async () => {
        const after = Date.now();
        for (;;) {
          const statuses = follower.status();
          const current = (s: (typeof statuses)[number]) =>
            s.caughtUpAt !== undefined && s.caughtUpAt > after;
          if (statuses.some((s) => s.syncId === files) && statuses.every(current)) return;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      try {
        expect(crmOf((await found(r, MAYA)).ids)).toEqual([ACME]);
        await caughtUp();
        // Asked again once the follower vouches (evidence from before it started is not covered): cached.
        expect(crmOf((await found(r, MAYA)).ids)).toEqual([ACME]);
        world.emulator.state.updateRecord(deals, ACME, { ownerId: LEO });
        await caughtUp();
        const after = await found(r, MAYA);
        expect(crmOf(after.ids), strategy).toEqual([]);
        expect(after.report.freshness.mode).toBe("follower");
        expect(after.report.freshness.unverified).toContainEqual({
          syncId: deals,
          reason: expect.stringMatching(/owner record policy/),
        });
        expect(after.report.freshness.unverified?.map((u) => u.syncId)).not.toContain(files);
      } finally {
        await follower.close();
        world.emulator.state.updateRecord(deals, ACME, { ownerId: MAYA });
        await world.settle();
      }
    }
  });

  it("a deal deleted through the admin API disappears from results after its webhook", async () => {
    const r = retriever({ policies: [{ pipeline: "deals", policy: "tenant" }] });
    expect((await found(r, LEO, { member: true })).ids.has(GLOBEX)).toBe(true);
    const deals = world.emulator.state.syncsOf("northwind").find((s) => s.pipeline === "deals")!.id;
    const response = await fetch(`${world.emulator.url}/__admin/syncs/${deals}/records/${GLOBEX}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${world.emulator.adminToken}` },
    });
    expect(response.status).toBe(200);
    await world.settle();
    expect(await world.store.count({ tenant: "northwind", syncIds: [deals], recordIds: [GLOBEX] })).toBe(0);
    const after = await found(r, LEO, { member: true });
    expect(after.ids.has(GLOBEX)).toBe(false);
    expect(after.ids.has(ACME)).toBe(true);
  });

  it("refuses the removed tenantWideSyncs, in code and in config, saying what replaces it", () => {
    expect(() =>
      createManagedSyncRetriever({
        client: world.client,
        store: world.store,
        embeddings: world.embeddings,
        tenant: "northwind",
        ...({ tenantWideSyncs: ["crm"] } as object),
      }),
    ).toThrow(/tenantWideSyncs was removed.*record policy/s);
    const env = {
      CLEARANCE_TENANT: "northwind",
      PARAGON_USER_TOKEN: "t",
      CLEARANCE_TENANT_WIDE_SYNCS: "crm-sync",
    };
    expect(() => loadConfig({ env })).toThrow(
      /retrieval\.tenantWideSyncs \(env CLEARANCE_TENANT_WIDE_SYNCS.*was removed.*records\.policies/s,
    );
    const config = loadConfig({
      env: {
        CLEARANCE_TENANT: "northwind",
        PARAGON_USER_TOKEN: "t",
        CLEARANCE_MEMBER_DOMAINS: "northwind.test",
      },
      overrides: {
        records: { policies: [{ integration: "salesforce", pipeline: "deals", policy: "owner" }] },
      },
    });
    expect(config.records.members?.domains).toEqual(["northwind.test"]);
    expect(() =>
      loadConfig({ env: { CLEARANCE_TENANT: "n", PARAGON_USER_TOKEN: "t", CLEARANCE_MEMBER_DOMAINS: "*" } }),
    ).toThrow(/records\.members\.domains\.0.*no \*/s);
    expect(() =>
      loadConfig({
        env: { CLEARANCE_TENANT: "n", PARAGON_USER_TOKEN: "t" },
        overrides: { records: { policies: [{ policy: "tenant" }] } },
      }),
    ).toThrow(/names no sync/);
    // one domain list for several tenants would make each company's people members of the others
    const two = { CLEARANCE_TENANTS: "northwind,globex", PARAGON_USER_TOKEN: "t" };
    expect(() => loadConfig({ env: { ...two, CLEARANCE_MEMBER_DOMAINS: "northwind.test" } })).toThrow(
      /records\.members\.domains.*applies to every tenant.*records\.members\.tenants/s,
    );
    const perTenant = loadConfig({
      env: two,
      overrides: {
        records: { members: { tenants: { northwind: ["northwind.test"], globex: ["globex.test"] } } },
      },
    });
    expect(recordsForTenant(perTenant.records, "globex").members).toEqual({ domains: ["globex.test"] });
    expect(recordsForTenant(perTenant.records, "initech").members).toBeUndefined();
  });
});
