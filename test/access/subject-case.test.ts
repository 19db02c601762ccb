// Issue 11 item 2: emails are compared case-insensitively by the Permissions API, so Clearance
// normalises a subject once (trim, lower-case, no `user:` prefix) and uses that form everywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AllowSetCache,
  DecisionCache,
  ManagedSyncAccessControl,
  normalizeSubject,
  type PermissionsClient,
  SubjectKnowledge,
} from "../../src/access/index.js";
import type { HashingEmbeddings } from "../../src/embeddings/index.js";
import { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../src/store/index.js";
import { numberedRecords, storeWithRecords } from "../retrieval/helpers/corpus.js";
import { FakeAccessControl } from "../retrieval/helpers/fake-access.js";

describe("normalizeSubject", () => {
  it("trims, lower-cases and drops the user: prefix", () => {
    expect(normalizeSubject(" Sam@Northwind.Test ")).toBe("sam@northwind.test");
    expect(normalizeSubject("user:SAM@northwind.test")).toBe("sam@northwind.test");
    expect(normalizeSubject("User:sam@northwind.test")).toBe("sam@northwind.test");
  });
});

describe("caches key subjects by their normal form", () => {
  const doc = { syncId: "s1", recordId: "r1" };

  it("DecisionCache: invalidateSubject('sam@…') clears what 'Sam@…' cached", () => {
    const cache = new DecisionCache({ ttlMs: 60_000 });
    cache.set("Sam@Acme.test", "can_read", doc, { allowed: true, requestedAt: 1 });
    expect(cache.get("sam@acme.test", "can_read", doc)?.allowed).toBe(true);
    cache.invalidateSubject("sam@acme.test");
    expect(cache.get("Sam@Acme.test", "can_read", doc)).toBeUndefined();
  });

  it("AllowSetCache: invalidateSubject('sam@…') clears what 'SAM@…' cached", async () => {
    const cache = new AllowSetCache({ ttlMs: 60_000 });
    await cache.get("SAM@acme.test", "can_read", "s1", async () => ({
      recordIds: ["r1"],
      complete: true,
      calls: 1,
    }));
    expect(cache.peek("sam@acme.test", "can_read", "s1")).toBeDefined();
    cache.invalidateSubject(" sam@acme.test");
    expect(cache.peek("SAM@acme.test", "can_read", "s1")).toBeUndefined();
  });

  it("SubjectKnowledge: one rate per person whatever the case", () => {
    const known = new SubjectKnowledge({ tenant: "acme" });
    known.recordScan("Sam@acme.test", "can_read", 100, 10);
    expect(known.rate("sam@ACME.test", "can_read")).toBeCloseTo(0.1);
  });
});

describe("the access layer sends the normal form", () => {
  it("asks the Permissions API about the lower-cased email", async () => {
    const users: string[] = [];
    const permissions: PermissionsClient = {
      batchCheck: async (_syncId, checks) => {
        users.push(...checks.map((check) => check.user));
        return checks.map((check) => ({ object: check.object, allowed: true }));
      },
      listObjects: async (_syncId, query) => {
        users.push(query.user);
        return { objects: [], truncated: false };
      },
      streamListObjects: async function* () {},
    };
    const access = new ManagedSyncAccessControl({ permissions });
    await access.batchCheck(" Sam@Acme.Test ", [{ syncId: "s1", recordId: "r1" }], "can_read");
    await access.listObjects("SAM@acme.test", "can_read", "s1");
    expect(users).toEqual(["sam@acme.test", "sam@acme.test"]);
  });
});

describe("the retriever", () => {
  let store: LanceChunkStore;
  let embeddings: HashingEmbeddings;
  let dispose: () => Promise<void>;
  const SYNC = "sync-drive";

  beforeAll(async () => {
    ({ store, embeddings, dispose } = await storeWithRecords(numberedRecords(20, SYNC)));
  });

  afterAll(async () => {
    await dispose();
  });

  function setup(freshnessMs: number) {
    const access = new FakeAccessControl();
    // The fake, like the Permissions API, knows the person by the lower-cased email.
    for (let r = 0; r < 20; r++) access.grant("sam@acme.test", SYNC, `rec-${r}`);
    const retriever = new PermissionAwareRetriever({
      store,
      embeddings,
      access,
      tenant: "acme",
      syncIds: [SYNC],
      k: 20,
      strategy: "post",
      freshnessMs,
    });
    return { access, retriever };
  }

  it("invalidateSubject('sam@…') drops what a query as 'Sam@…' cached", async () => {
    const { access, retriever } = setup(60_000);
    const first = await retriever.retrieveWithReport("budget", { user: "Sam@Acme.test" });
    expect(first.documents).toHaveLength(20);
    expect(first.report.subject).toBe("sam@acme.test");
    access.revoke("sam@acme.test", SYNC, "rec-3");
    retriever.invalidateSubject("sam@acme.test");
    const after = await retriever.retrieveWithReport("budget", { user: " SAM@acme.test" });
    expect(after.documents.map((d) => d.metadata.recordId)).not.toContain("rec-3");
    expect(after.report.subject).toBe("sam@acme.test");
  });

  it("a view bound to 'Sam@…' accepts configurable.user 'sam@…' (the same person)", async () => {
    const { retriever } = setup(0);
    const view = retriever.forUser("Sam@Acme.test");
    expect(view.user).toBe("sam@acme.test");
    const docs = await view.invoke("budget", { configurable: { user: "sam@acme.test " } });
    expect(docs).toHaveLength(20);
  });
});
