import { describe, expect, it } from "vitest";
import {
  type AccessControl,
  PermissionsUnavailableError,
  RecordPolicyAccess,
  type RecordPolicyAccessOptions,
  type RecordReader,
  type SyncDescription,
} from "../../src/access/index.js";
import { ManagedSyncHttpError } from "../../src/managed-sync/index.js";

// Unit tests of the policy logic with stand-ins; the end-to-end behaviour over the emulator is in
// test/retrieval/record-policy.test.ts.

const SYNCS: Record<string, SyncDescription> = {
  drive: { id: "drive", integration: "googledrive", pipeline: "files" },
  deals: { id: "deals", integration: "salesforce", pipeline: "deals", configurationName: "default" },
  tickets: { id: "tickets", integration: "zendesk", pipeline: "tickets" },
};

const RECORDS: Record<string, Record<string, unknown>> = {
  d1: { id: "d1", ownerId: "005MAYA" },
  d2: { id: "d2", ownerId: "005NOBODY" },
  d3: { id: "d3", ownerId: "leo@northwind.test" },
  t1: {
    id: "t1",
    assignees: [{ id: "z1", email: "Ana@Northwind.test" }, { id: "z2" }],
    createdBy: { email: "leo@northwind.test" },
  },
};

const httpError = (status: number) =>
  new ManagedSyncHttpError(`GET record answered ${status}`, { status, endpoint: "GET record" });

/** A record reader over RECORDS: `fail` makes GET answer that HTTP status for the listed ids. */
function reader(fail: Record<string, number> = {}): RecordReader & { gets: string[] } {
  const gets: string[] = [];
  return {
    gets,
    async get(_syncId, recordId) {
      gets.push(recordId);
      const status = fail[recordId];
      if (status) throw httpError(status);
      const record = RECORDS[recordId];
      if (!record) throw httpError(404);
      return record as { id: string };
    },
    async *pages(syncId) {
      yield {
        records: Object.values(RECORDS).filter((r) => String(r.id).startsWith(syncId[0]!)) as {
          id: string;
        }[],
      };
    },
  };
}

const files: AccessControl = {
  batchCheck: async (_s, objects) => ({
    decisions: objects.map(() => ({ kind: "allow" as const })),
    calls: 1,
  }),
  listObjects: async () => ({ recordIds: ["f1"], complete: true, calls: 1 }),
};

function access(options: Partial<RecordPolicyAccessOptions> = {}) {
  return new RecordPolicyAccess({
    files,
    describe: async (syncId) => SYNCS[syncId],
    owners: { "005MAYA": "maya@northwind.test" },
    records: reader(),
    ...options,
  });
}

const kinds = (result: { decisions: { kind: string }[] }) => result.decisions.map((d) => d.kind);

describe("RecordPolicyAccess", () => {
  it("sends file syncs to the Permissions API and denies record syncs no rule names", async () => {
    const result = await access().batchCheck(
      "maya@northwind.test",
      [
        { syncId: "drive", recordId: "f1" },
        { syncId: "deals", recordId: "d1" },
      ],
      "can_read",
      undefined,
      { member: true },
    );
    expect(kinds(result)).toEqual(["allow", "deny"]);
    expect(await access().policyOf("deals")).toBe("deny");
    expect(await access().policyOf("drive")).toBeUndefined();
  });

  it("tenant: allows reading for vouched-for members or the rule's domains; never writing, never `*`", async () => {
    const a = access({
      policies: [{ pipeline: "deals", policy: "tenant" }],
      members: { domains: ["northwind.test"] },
    });
    const deal = [{ syncId: "deals", recordId: "d2" }];
    expect(kinds(await a.batchCheck("ana@northwind.test", deal, "can_read"))).toEqual(["allow"]);
    expect(kinds(await a.batchCheck("ana@northwind.test", deal, "can_write"))).toEqual(["deny"]);
    expect(kinds(await a.batchCheck("mallory@competitor.example", deal, "can_read"))).toEqual(["deny"]);
    expect(kinds(await a.batchCheck("*", deal, "can_read", undefined, { member: true }))).toEqual(["deny"]);
    expect(await a.listObjects("ana@northwind.test", "can_read", "deals")).toMatchObject({
      everything: true,
    });
    expect(await a.listObjects("mallory@competitor.example", "can_read", "deals")).toEqual({
      recordIds: [],
      complete: true,
      calls: 0,
    });
    const noRule = access({ policies: [{ pipeline: "deals", policy: "tenant" }] });
    expect(kinds(await noRule.batchCheck("ana@northwind.test", deal, "can_read"))).toEqual(["deny"]);
    expect(
      kinds(await noRule.batchCheck("ana@northwind.test", deal, "can_read", undefined, { member: true })),
    ).toEqual(["allow"]);
  });

  it("tenant: a membership function that throws denies with its reason", async () => {
    const a = access({
      policies: [{ pipeline: "deals", policy: "tenant" }],
      members: () => {
        throw new Error("directory down");
      },
    });
    const { decisions } = await a.batchCheck(
      "ana@northwind.test",
      [{ syncId: "deals", recordId: "d1" }],
      "can_read",
    );
    expect(decisions).toEqual([{ kind: "error", reason: "the membership rule failed: directory down" }]);
  });

  it("owner: maps owner ids and emails, denies others, reports unmapped owners and unreadable records", async () => {
    const records = reader({ d3: 503 });
    const a = access({
      policies: [{ integration: "salesforce", pipeline: "deals", policy: "owner" }],
      records,
    });
    const objects = ["d1", "d2", "d3", "gone"].map((recordId) => ({ syncId: "deals", recordId }));
    const maya = await a.batchCheck("MAYA@northwind.test", objects, "can_write");
    expect(maya.decisions).toEqual([
      { kind: "allow" },
      { kind: "error", reason: expect.stringMatching(/maps to no email: add it to records\.owners/) },
      { kind: "error", reason: expect.stringMatching(/reading record d3 for its owner failed/) },
      { kind: "deny" },
    ]);
    expect(maya.calls).toBe(4);
    expect(kinds(await a.batchCheck("ana@northwind.test", objects.slice(0, 1), "can_read"))).toEqual([
      "deny",
    ]);
    // `*` is nobody's email: not even read
    const before = records.gets.length;
    expect(kinds(await a.batchCheck("*", objects, "can_read"))).toEqual(["deny", "deny", "deny", "deny"]);
    expect(records.gets.length).toBe(before);
  });

  it("owner: an owner id that names an Object property, or an owner directory that throws, is that record's error", async () => {
    const odd: Record<string, { id: string; ownerId: string }> = {
      p1: { id: "p1", ownerId: "constructor" },
      p2: { id: "p2", ownerId: "__proto__" },
      p3: { id: "p3", ownerId: "toString" },
      p4: { id: "p4", ownerId: "005MAYA" },
    };
    const records: RecordReader = {
      get: async (_syncId, recordId) => odd[recordId]!,
      async *pages() {
        yield { records: Object.values(odd) };
      },
    };
    const objects = Object.keys(odd).map((recordId) => ({ syncId: "deals", recordId }));
    const a = access({ policies: [{ pipeline: "deals", policy: "owner" }], records });
    const maya = await a.batchCheck("maya@northwind.test", objects, "can_read");
    expect(kinds(maya)).toEqual(["error", "error", "error", "allow"]);
    expect(maya.decisions[0]).toMatchObject({ reason: expect.stringMatching(/maps to no email/) });
    // p1–p3's owners map to no email (any of them may be Maya): her list is whole but cannot
    // decide them; they are searched with it and checked (and reported) when they rank.
    expect(await a.listObjects("maya@northwind.test", "can_read", "deals")).toEqual({
      recordIds: ["p4"],
      undecided: ["p1", "p2", "p3"],
      complete: true,
      calls: 1,
    });

    const down = access({
      policies: [{ pipeline: "deals", policy: "owner" }],
      records,
      owners: (id) => {
        if (id === "005MAYA") throw new Error("directory down");
        return undefined;
      },
    });
    const decided = await down.batchCheck("maya@northwind.test", objects.slice(3), "can_read");
    expect(decided.decisions).toEqual([
      { kind: "error", reason: expect.stringMatching(/owner .*directory down/) },
    ]);
    expect(await down.listObjects("maya@northwind.test", "can_read", "deals")).toMatchObject({
      recordIds: [],
      undecided: ["p1", "p2", "p3", "p4"],
      complete: true,
    });
  });

  // Undecided ids are held by the list as its records are (cached per person, searched as a filter):
  // uncounted, an owner directory down over a sync of a million deals made every person's cached
  // list a million ids, whatever maxListSize said.
  it("owner: maxListSize counts the undecided records too: past it the list is cut and incomplete", async () => {
    const deals = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [
        `p${i}`,
        { id: `p${i}`, ownerId: i === 0 ? "005MAYA" : "005GONE" },
      ]),
    );
    const records: RecordReader = {
      get: async (_syncId, recordId) => deals[recordId]!,
      async *pages() {
        yield { records: Object.values(deals) };
      },
    };
    const policies = [{ pipeline: "deals", policy: "owner" as const }];
    expect(
      await access({ policies, records, maxListSize: 5 }).listObjects(
        "maya@northwind.test",
        "can_read",
        "deals",
      ),
    ).toEqual({
      recordIds: ["p0"],
      undecided: ["p1", "p2", "p3", "p4"],
      complete: true,
      calls: 1,
    });
    const cut = await access({ policies, records, maxListSize: 3 }).listObjects(
      "maya@northwind.test",
      "can_read",
      "deals",
    );
    expect(cut.complete).toBe(false);
    expect(cut.recordIds.length + (cut.undecided?.length ?? 0)).toBeLessThanOrEqual(3);
  });

  it("owner: a ticket's assignees by default, another field when configured; lists follow the same rule", async () => {
    const a = access({ policies: [{ pipeline: "tickets", policy: "owner" }] });
    const ticket = [{ syncId: "tickets", recordId: "t1" }];
    expect(kinds(await a.batchCheck("ana@northwind.test", ticket, "can_read"))).toEqual(["allow"]);
    // the other assignee (z2) maps to no email and may be Leo: undecided and reported, not a silent deny
    expect((await a.batchCheck("leo@northwind.test", ticket, "can_read")).decisions).toEqual([
      { kind: "error", reason: expect.stringMatching(/t1's owner \(assignees\) maps to no email/) },
    ]);
    const byRequester = access({
      policies: [{ pipeline: "tickets", policy: "owner", ownerField: "createdBy" }],
    });
    expect(kinds(await byRequester.batchCheck("leo@northwind.test", ticket, "can_read"))).toEqual(["allow"]);
    expect(await a.listObjects("ana@northwind.test", "can_read", "tickets")).toEqual({
      recordIds: ["t1"],
      complete: true,
      calls: 1,
    });
  });

  // Zendesk and HubSpot user ids are integers, and a ticket's assignees are untyped: `{ id: 42 }`
  // never resolved (a string-only check), nor did a person whose email field was no email but whose
  // id the owners map names. Both were denied to their owner (and reported as unresolved).
  it("owner: a numeric owner id, and an assignee known by id whose email does not resolve, are their people", async () => {
    const tickets: Record<string, { id: string; assignees: unknown[] }> = {
      n1: { id: "n1", assignees: [{ id: 42, name: "Leo" }] },
      n2: { id: "n2", assignees: [7001] },
      n3: { id: "n3", assignees: [{ id: "u-ana", email: "Ana (support)" }] },
    };
    const records: RecordReader = {
      get: async (_syncId, recordId) => tickets[recordId]!,
      async *pages() {
        yield { records: Object.values(tickets) };
      },
    };
    const a = access({
      policies: [{ pipeline: "tickets", policy: "owner" }],
      records,
      owners: { "42": "leo@northwind.test", "7001": "maya@northwind.test", "u-ana": "ana@northwind.test" },
    });
    const objects = Object.keys(tickets).map((recordId) => ({ syncId: "tickets", recordId }));
    expect(kinds(await a.batchCheck("leo@northwind.test", objects, "can_read"))).toEqual([
      "allow",
      "deny",
      "deny",
    ]);
    expect(kinds(await a.batchCheck("maya@northwind.test", objects, "can_read"))).toEqual([
      "deny",
      "allow",
      "deny",
    ]);
    expect(kinds(await a.batchCheck("ana@northwind.test", objects, "can_read"))).toEqual([
      "deny",
      "deny",
      "allow",
    ]);
    expect(await a.listObjects("ana@northwind.test", "can_read", "tickets")).toEqual({
      recordIds: ["n3"],
      complete: true,
      calls: 1,
    });
  });

  it("owner: without a record reader nothing can be evaluated: denied, and lists are incomplete", async () => {
    const a = access({ policies: [{ pipeline: "deals", policy: "owner" }], records: undefined });
    const { decisions } = await a.batchCheck(
      "maya@northwind.test",
      [{ syncId: "deals", recordId: "d1" }],
      "can_read",
    );
    expect(decisions[0]).toMatchObject({
      kind: "error",
      reason: expect.stringMatching(/cannot read records/),
    });
    expect((await a.listObjects("maya@northwind.test", "can_read", "deals")).complete).toBe(false);
  });

  it("denies a sync the tenant does not have, and fails closed when syncs cannot be described", async () => {
    const { decisions } = await access().batchCheck(
      "maya@northwind.test",
      [{ syncId: "nope", recordId: "x" }],
      "can_read",
    );
    expect(decisions[0]).toMatchObject({ kind: "error" });
    const down = access({
      describe: async () => {
        throw new PermissionsUnavailableError("GET /api/syncs failed");
      },
    });
    await expect(
      down.batchCheck("maya@northwind.test", [{ syncId: "deals", recordId: "d1" }], "can_read"),
    ).rejects.toBeInstanceOf(PermissionsUnavailableError);
  });

  it("refuses a rule that names no sync or an unknown policy", () => {
    expect(() => access({ policies: [{ policy: "tenant" }] })).toThrow(/names no sync/);
    expect(() => access({ policies: [{ pipeline: "deals", policy: "everyone" as never }] })).toThrow(
      /deny, tenant or owner/,
    );
  });
});
