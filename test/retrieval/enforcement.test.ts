import type { Document } from "@langchain/core/documents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AccessContext,
  type AccessControl,
  type ObjectRef,
  PermissionsUnavailableError,
  type Relation,
} from "../../src/access/index.js";
import type { HashingEmbeddings } from "../../src/embeddings/index.js";
import {
  type CandidateSource,
  NoSubjectError,
  PermissionAwareRetriever,
  type PermissionAwareRetrieverFields,
  type RetrievedChunkMetadata,
  StoreCrossedTenantError,
  SubjectConflictError,
  vectorSource,
} from "../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../src/store/index.js";
import {
  embeddings as makeEmbeddings,
  type RecordSpec,
  tempStore,
  textFor,
  upsertRecords,
} from "./helpers/corpus.js";
import { FakeAccessControl } from "./helpers/fake-access.js";
import { withoutRecordMemory } from "./helpers/without-record-memory.js";

const SYNCS = ["sync-drive", "sync-sharepoint"];
const RECORDS = 400;
const CHUNKS_PER_RECORD = 3;

let store: LanceChunkStore;
let embeddings: HashingEmbeddings;
let dispose: () => Promise<void>;

function recordsOf(tenant: string): RecordSpec[] {
  return Array.from({ length: RECORDS }, (_, r) => ({
    tenant,
    syncId: SYNCS[r % 2]!,
    // Same record ids in both tenants on purpose: isolation must come from the tenant filter.
    recordId: `rec-${r}`,
    texts: Array.from({ length: CHUNKS_PER_RECORD }, (_, c) => textFor(r * CHUNKS_PER_RECORD + c)),
  }));
}

function accessWith(grants: Record<string, (r: number) => boolean>): FakeAccessControl {
  const access = new FakeAccessControl();
  for (const [subject, may] of Object.entries(grants)) {
    for (let r = 0; r < RECORDS; r++) if (may(r)) access.grant(subject, SYNCS[r % 2]!, `rec-${r}`);
  }
  return access;
}

const GRANTS = {
  "all@acme.test": () => true,
  "tenth@acme.test": (r: number) => r % 10 === 3,
  "few@acme.test": (r: number) => r === 7 || r === 200 || r === 311,
};

function retriever(access: FakeAccessControl, extra: Partial<PermissionAwareRetrieverFields> = {}) {
  return new PermissionAwareRetriever({
    store,
    embeddings,
    access,
    tenant: "acme",
    syncIds: SYNCS,
    k: 5,
    ...extra,
  });
}

/** The exact answer: the best k chunks among what the subject may read (the store's filtered search). */
async function oracle(
  access: FakeAccessControl,
  subject: string,
  query: string,
  k: number,
): Promise<string[]> {
  const allowed = [...(access.grants.get(subject) ?? [])].map((key) => key.split("/")[1]!);
  const hits = await store.search(await embeddings.embedQuery(query), {
    tenant: "acme",
    recordIds: allowed,
    limit: k,
  });
  return hits.map((hit) => hit.chunk.id);
}

/**
 * Makes `access` answer a stranger's probe (`unknownSize`) as Paragon's plain list-objects does: at
 * most `cap` ids, `partial` past it; lists past the cap asked for whole are counted.
 */
function withCappedLists(access: FakeAccessControl, cap: number): { whole: number } {
  const list = access.listObjects.bind(access);
  const counts = { whole: 0 };
  const capped: AccessControl["listObjects"] = async (subject, relation, syncId, _signal, context) => {
    const answer = await list(subject, relation, syncId);
    if (answer.recordIds.length <= cap) return answer;
    if (context?.unknownSize)
      return { ...answer, recordIds: answer.recordIds.slice(0, cap), complete: false, partial: true };
    counts.whole += 1;
    return answer;
  };
  Object.assign(access, { listObjects: capped });
  return counts;
}

function expectAllowed(access: FakeAccessControl, subject: string, docs: Document<RetrievedChunkMetadata>[]) {
  for (const doc of docs)
    expect(access.allows(subject, doc.metadata.syncId, doc.metadata.recordId)).toBe(true);
}

beforeAll(async () => {
  ({ store, dispose } = await tempStore());
  embeddings = makeEmbeddings();
  await upsertRecords(store, embeddings, [...recordsOf("acme"), ...recordsOf("globex")]);
});

afterAll(async () => {
  await dispose();
});

describe("subject", () => {
  it("refuses to retrieve without a subject", async () => {
    const r = retriever(accessWith(GRANTS));
    await expect(r.invoke("budget")).rejects.toBeInstanceOf(NoSubjectError);
    await expect(r.retrieveWithReport("budget")).rejects.toMatchObject({ code: "NO_SUBJECT" });
    await expect(r.invoke("budget", { configurable: { user: "  " } })).rejects.toBeInstanceOf(NoSubjectError);
    expect(() => r.forUser("")).toThrow(NoSubjectError);
  });

  it("takes the user from configurable.user at call time, one instance serving many users", async () => {
    const access = accessWith(GRANTS);
    const r = retriever(access);
    const few = await r.invoke("budget roadmap", { configurable: { user: "few@acme.test" } });
    const tenth = await r.invoke("budget roadmap", { configurable: { user: "tenth@acme.test" } });
    expectAllowed(access, "few@acme.test", few);
    expectAllowed(access, "tenth@acme.test", tenth);
    expect(tenth).toHaveLength(5);
    expect(new Set(few.map((d) => d.metadata.recordId))).not.toEqual(
      new Set(tenth.map((d) => d.metadata.recordId)),
    );
  });

  it("binds a user with forUser, and refuses a conflicting configurable.user", async () => {
    const access = accessWith(GRANTS);
    const view = retriever(access).forUser("tenth@acme.test");
    const docs = await view.invoke("security incident");
    expectAllowed(access, "tenth@acme.test", docs);
    await expect(view.invoke("x", { configurable: { user: "all@acme.test" } })).rejects.toBeInstanceOf(
      SubjectConflictError,
    );
  });
});

describe.each(["post", "pre", "auto"] as const)("strategy %s", (strategy) => {
  it("returns exactly the best k allowed chunks, in score order", async () => {
    const access = accessWith(GRANTS);
    const r = retriever(access, { strategy, budget: { maxCandidates: 5_000, maxPermissionCalls: 500 } });
    for (const subject of Object.keys(GRANTS)) {
      for (const query of ["budget roadmap hiring", "security incident database"]) {
        const { documents, report } = await r.retrieveWithReport(query, { user: subject });
        const expected = await oracle(access, subject, query, 5);
        expect(documents.map((d) => d.id)).toEqual(expected);
        expectAllowed(access, subject, documents);
        const scores = documents.map((d) => d.metadata.score);
        expect([...scores].sort((a, b) => b - a)).toEqual(scores);
        expect(report.returned).toBe(documents.length);
        expect(report.k).toBe(5);
      }
    }
  });

  it("returns nothing for a subject with an empty allow set", async () => {
    const access = accessWith(GRANTS);
    const r = retriever(access, { strategy, budget: { maxCandidates: 5_000, maxPermissionCalls: 500 } });
    const { documents, report } = await r.retrieveWithReport("budget", { user: "nobody@acme.test" });
    expect(documents).toEqual([]);
    expect(report.returned).toBe(0);
    expect(report.exhausted || report.budgetHit !== null).toBe(true);
  });
});

describe("post-filter", () => {
  it("checks a record once for all its chunks and keeps every allowed chunk", async () => {
    const access = accessWith(GRANTS);
    const r = retriever(access, { strategy: "post", k: 30 });
    const { documents, report } = await r.retrieveWithReport("budget roadmap", { user: "all@acme.test" });
    expect(documents).toHaveLength(30);
    const records = new Set(documents.map((d) => d.metadata.recordId));
    expect(records.size).toBeLessThan(30);
    expect(report.checks).toBeLessThanOrEqual(report.candidatesScanned);
    expect(access.checkedObjects).toBe(report.checks);
  });

  it("sizes the first fetch from the subject's learnt allow rate, and reports what it spent", async () => {
    // A person no other test has asked as: what earlier tests learnt about tenth@acme.test reaches
    // the shared store about a second later, so with that name "nothing known yet" held only while
    // the machine was fast enough.
    const subject = "sized-tenth@acme.test";
    const access = accessWith({ [subject]: GRANTS["tenth@acme.test"] });
    const r = retriever(access, {
      strategy: "post",
      budget: { maxCandidates: 5_000, maxPermissionCalls: 500 },
    });
    const limits: number[][] = [];
    const logging = (query: string): CandidateSource => {
      const calls: number[] = [];
      limits.push(calls);
      const source = embeddings.embedQuery(query).then((vector) => vectorSource(store, "acme", vector));
      return async (page) => {
        calls.push(page.limit);
        return (await source)(page);
      };
    };
    const first = await r.retrieveFromSource(logging("budget roadmap"), { user: subject });
    expect(first.report).toMatchObject({ strategy: "post", returned: 5, budgetHit: null });
    expect(first.report.permissionCalls).toBe(access.batchCalls);
    expect(first.report.candidatesScanned).toBe(limits[0]!.reduce((a, b) => a + b, 0));
    // Nothing known yet: k × initialOverFetch.
    expect(limits[0]![0]).toBe(15);
    // Then the subject's rate (~0.1) is known: the first fetch is about k / 0.1 with a margin.
    const second = await r.retrieveFromSource(logging("security incident"), { user: subject });
    expect(second.report.returned).toBe(5);
    expect(limits[1]![0]).toBeGreaterThanOrEqual(50);
    expectAllowed(access, subject, second.documents);
  });

  it("reports the budget it hit instead of silently returning fewer", async () => {
    const access = accessWith(GRANTS);
    const r = retriever(access, { strategy: "post", budget: { maxCandidates: 60 } });
    const { documents, report } = await r.retrieveWithReport("budget", { user: "few@acme.test" });
    expect(documents.length).toBeLessThan(5);
    expect(report).toMatchObject({ budgetHit: "candidates", exhausted: false, strategy: "post" });
    expect(report.candidatesScanned).toBeLessThanOrEqual(60);
  });

  it("counts a per-item error as a deny and reports it", async () => {
    const access = accessWith(GRANTS);
    for (let r = 0; r < RECORDS; r += 2) access.erroring.add(`rec-${r}`);
    const r = retriever(access, { strategy: "post" });
    const { documents, report } = await r.retrieveWithReport("budget roadmap", { user: "all@acme.test" });
    expect(documents).toHaveLength(5);
    for (const doc of documents) expect(access.erroring.has(doc.metadata.recordId)).toBe(false);
    expect(report.itemErrors).toBeGreaterThan(0);
    expect(report.errors[0]).toMatchObject({ reason: "fake: could not resolve" });
  });
});

describe("untraceable chunks", () => {
  it("denies a candidate chunk with no sync id or no record id, and reports it", async () => {
    const access = accessWith(GRANTS);
    const r = retriever(access, { strategy: "post" });
    const vector = await embeddings.embedQuery("budget roadmap");
    const real = vectorSource(store, "acme", vector);
    // Blank the sync id of every third record and the record id of the next one: both allowed otherwise.
    const source: CandidateSource = async (page) =>
      (await real(page)).map((hit) => {
        const r = Number(hit.chunk.recordId.slice("rec-".length));
        if (r % 3 === 0) return { ...hit, chunk: { ...hit.chunk, syncId: "" } };
        if (r % 3 === 1) return { ...hit, chunk: { ...hit.chunk, recordId: "" } };
        return hit;
      });
    const { documents, report } = await r.retrieveFromSource(source, { user: "all@acme.test" });
    expect(documents).toHaveLength(5);
    for (const doc of documents) {
      expect(doc.metadata.syncId).not.toBe("");
      expect(doc.metadata.recordId).not.toBe("");
      expect(Number(doc.metadata.recordId.slice("rec-".length)) % 3).toBe(2);
    }
    expect(report.itemErrors).toBeGreaterThan(0);
    expect(report.errors[0]).toMatchObject({ reason: "the chunk has no record id or sync id" });
  });
});

describe("auto", () => {
  it("a stranger's first query races a post-filter round against the allow list: k in at most 3 calls", async () => {
    const access = new FakeAccessControl();
    for (let r = 0; r < 8; r++) access.grant("rare@acme.test", SYNCS[(r * 50) % 2]!, `rec-${r * 50}`);
    const r = retriever(access, { budget: { maxCandidates: 100 } });
    const first = await r.retrieveWithReport("budget roadmap", { user: "rare@acme.test" });
    expect(first.report.strategy).toBe("race→pre");
    expect(first.documents).toHaveLength(5);
    expect(first.report.permissionCalls).toBeLessThanOrEqual(3);
    expectAllowed(access, "rare@acme.test", first.documents);
    // Now the subject is known to see little: straight to pre-filter.
    const second = await r.retrieveWithReport("security incident", { user: "rare@acme.test" });
    expect(second.report.strategy).toBe("pre");
    expect(second.documents).toHaveLength(5);
  });

  // Fresh names: the store's state remembers every person an earlier test asked as.
  it("a stranger who sees everything: one search of k × 3 and one check of it, nothing larger searched", async () => {
    const access = accessWith({ "new-everything@acme.test": () => true });
    const r = retriever(access);
    withCappedLists(access, 10);
    const limits: number[] = [];
    const inner = vectorSource(store, "acme", await embeddings.embedQuery("budget roadmap"));
    const { documents, report } = await r.retrieveFromSource(
      (page) => {
        limits.push(page.limit);
        return inner(page);
      },
      { user: "new-everything@acme.test" },
    );
    expect(documents.map((d) => d.id)).toEqual(
      await oracle(access, "new-everything@acme.test", "budget roadmap", 5),
    );
    expect(report.strategy).toBe("race→post");
    expect(report.reason).toMatch(/the first post-filter round found k/);
    expect(limits).toEqual([5 * 3]);
  });

  it("a stranger who sees 10%: the best k × 3 hold fewer than k, the probe is cut at its cap, so a page of k × 15 is searched and its rest holds k (no list fetched whole)", async () => {
    const access = accessWith({ "new-tenth@acme.test": GRANTS["tenth@acme.test"] });
    let searches = 0;
    const r = retriever(access, { maxFilterRecordIds: 10 });
    // The probe of a list past the endpoint's cap comes back partial (as Paragon's plain list-objects).
    const lists = withCappedLists(access, 10);
    const inner = vectorSource(store, "acme", await embeddings.embedQuery("budget roadmap"));
    const { documents, report } = await r.retrieveFromSource(
      (page) => {
        searches += 1;
        return inner(page);
      },
      { user: "new-tenth@acme.test" },
    );
    expect(documents.map((d) => d.id)).toEqual(
      await oracle(access, "new-tenth@acme.test", "budget roadmap", 5),
    );
    expect(report.strategy).toBe("race→post");
    expect(report.reason).toMatch(/found k in the whole first page/);
    // The best k × 3, then (once the probe said the person sees much) the page of k × 15.
    expect(searches).toBe(2);
    // Two syncs: the probe, the page's best and then its rest, one request each per sync.
    expect(report.permissionCalls).toBeLessThanOrEqual(6);
    expect(lists.whole).toBe(0);
  });

  it("a stranger who sees 10% and whose probe fails: the page of k × 15 still answers (the probe is not needed)", async () => {
    const user = "new-tenth-noprobe@acme.test";
    const access = accessWith({ [user]: GRANTS["tenth@acme.test"] });
    access.listObjects = async () => {
      throw new PermissionsUnavailableError("fake: the list endpoint is down");
    };
    const limits: number[] = [];
    const inner = vectorSource(store, "acme", await embeddings.embedQuery("budget roadmap"));
    const { documents, report } = await retriever(access).retrieveFromSource(
      (page) => {
        limits.push(page.limit);
        return inner(page);
      },
      { user },
    );
    expect(documents.map((d) => d.id)).toEqual(await oracle(access, user, "budget roadmap", 5));
    expect(report.strategy).toBe("race→post");
    expect(limits).toEqual([5 * 3, 5 * 15]);
    expectAllowed(access, user, documents);
  });

  it("a stranger who sees 10% is answered by the page of k × 15 without waiting for a probe that has not answered yet", async () => {
    // The probe answers (fails, as a request that timed out) only once the larger page was asked
    // for, or after 2 s so that a query that waits for it cannot hang the test: before the race
    // searched k × 3 first, the page's rest held k and the probe was never waited for.
    const user = "new-tenth-hung@acme.test";
    const access = accessWith({ [user]: GRANTS["tenth@acme.test"] });
    const events: string[] = [];
    let largerAsked: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => {
      largerAsked = resolve;
    });
    access.listObjects = async () => {
      await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      events.push("probe answered");
      throw new PermissionsUnavailableError("fake: the list request timed out");
    };
    const inner = vectorSource(store, "acme", await embeddings.embedQuery("budget roadmap"));
    const { documents } = await retriever(access).retrieveFromSource(
      (page) => {
        events.push(`search ${page.limit}`);
        if (page.limit === 5 * 15) largerAsked();
        return inner(page);
      },
      { user },
    );
    expect(documents.map((d) => d.id)).toEqual(await oracle(access, user, "budget roadmap", 5));
    expect(events.indexOf("search 75")).toBeGreaterThanOrEqual(0);
    expect(events.indexOf("search 75")).toBeLessThan(events.indexOf("probe answered"));
  });

  it("a source that returns more than the limit asked: the best k allowed still, every candidate kept checked", async () => {
    // A custom source (a hybrid one, say) may hand back more candidates than asked, best first.
    const user = "new-tenth-long@acme.test";
    const access = accessWith({ [user]: GRANTS["tenth@acme.test"] });
    withCappedLists(access, 10);
    const inner = vectorSource(store, "acme", await embeddings.embedQuery("budget roadmap"));
    const { documents, report } = await retriever(access).retrieveFromSource(
      (page) => inner({ ...page, limit: page.limit * 2 }),
      { user },
    );
    expect(documents.map((d) => d.id)).toEqual(await oracle(access, user, "budget roadmap", 5));
    expectAllowed(access, user, documents);
    expect(report.strategy).toMatch(/^race/);
  });

  it("a candidate of the first page that the larger page leaves out (an approximate index) is kept and counted once", async () => {
    const user = "new-tenth-missing@acme.test";
    const access = accessWith({ [user]: GRANTS["tenth@acme.test"] });
    withCappedLists(access, 10);
    const inner = vectorSource(store, "acme", await embeddings.embedQuery("budget roadmap"));
    const best = await inner({ limit: 5 * 15, offset: 0 });
    // The best allowed candidate: the larger page "misses" it.
    const missing = best.find((hit) => access.allows(user, hit.chunk.syncId, hit.chunk.recordId))!;
    expect(best.indexOf(missing)).toBeLessThan(5 * 3);
    const { documents, report } = await retriever(access).retrieveFromSource(
      async (page) => {
        const hits = await inner(page);
        return page.limit === 5 * 15 ? hits.filter((hit) => hit.chunk.id !== missing.chunk.id) : hits;
      },
      { user },
    );
    expect(documents.map((d) => d.id)).toEqual(await oracle(access, user, "budget roadmap", 5));
    expect(documents[0]!.id).toBe(missing.chunk.id);
    // 15 + 74, the one both pages hold counted once; no candidate beyond them searched.
    expect(report.candidatesScanned).toBe(5 * 15);
  });

  it("a stranger whose first page holds fewer than k: the list cut at the cap is fetched whole, then sifts and pre-filters", async () => {
    const rare = (r: number) => r % 40 === 9;
    const access = accessWith({ "new-rare@acme.test": rare });
    const r = retriever(access, { maxFilterRecordIds: 100 });
    const lists = withCappedLists(access, 4);
    const { documents, report } = await r.retrieveWithReport("budget roadmap", {
      user: "new-rare@acme.test",
    });
    expect(documents.map((d) => d.id)).toEqual(
      await oracle(access, "new-rare@acme.test", "budget roadmap", 5),
    );
    expect(report.strategy).toBe("race→pre");
    expect(report.reason).toMatch(/the first round found \d of 5/);
    // The probe (one capped list per sync), then the whole list of the one sync it cut (this
    // person's records are all in one sync; the other sync's empty list was complete).
    expect(lists.whole).toBe(1);
    expectAllowed(access, "new-rare@acme.test", documents);
  });

  it("a stranger who sees everything: the first round finds k before a slow allow list arrives", async () => {
    const access = accessWith({ "new-all@acme.test": GRANTS["all@acme.test"] });
    const slowList = access.listObjects.bind(access);
    access.listObjects = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return slowList(...args);
    };
    const r = retriever(access);
    const { documents, report } = await r.retrieveWithReport("security incident", {
      user: "new-all@acme.test",
    });
    expect(documents.map((d) => d.id)).toEqual(
      await oracle(access, "new-all@acme.test", "security incident", 5),
    );
    expect(report.strategy).toBe("race→post");
    // The page's best candidates hold k: one check request per sync, the rest of the page unchecked.
    expect(report.permissionCalls).toBeLessThanOrEqual(2);
    expect(report.elapsedMs).toBeLessThan(10_000);
  });

  it("falls back to pre-filter when post-filter hits its budget, and still returns k", async () => {
    const access = new FakeAccessControl();
    for (let r = 0; r < RECORDS; r++) access.grant("shrinking@acme.test", SYNCS[r % 2]!, `rec-${r}`);
    // No cached lists, and 400 records is "large": what is planned comes from the allow rate learnt.
    const r = retriever(access, {
      budget: { maxCandidates: 100 },
      allowSetTtlMs: 0,
      preMaxRecords: 100,
      maxFilterRecordIds: 100,
    });
    // Learnt: this person sees everything, so the next query plans a post-filter.
    await r.retrieveWithReport("budget roadmap", { user: "shrinking@acme.test", k: 20 });
    for (let rec = 0; rec < RECORDS; rec++) {
      if (rec % 50 !== 0) access.revoke("shrinking@acme.test", SYNCS[rec % 2]!, `rec-${rec}`);
    }
    const after = await r.retrieveWithReport("security incident", { user: "shrinking@acme.test" });
    expect(after.report.strategy).toBe("post→pre");
    expect(after.documents).toHaveLength(5);
    expectAllowed(access, "shrinking@acme.test", after.documents);
  });

  it("forced pre for someone who sees (nearly) everything searches by tenant, checked against the list", async () => {
    const access = accessWith(GRANTS);
    const r = retriever(access, { strategy: "pre", maxFilterRecordIds: 100 });
    const filters: number[] = [];
    const inner = vectorSource(store, "acme", await embeddings.embedQuery("budget roadmap"));
    const source: CandidateSource = (page) => {
      filters.push(page.recordIds?.length ?? 0);
      return inner(page);
    };
    const { documents, report } = await r.retrieveFromSource(source, { user: "all@acme.test" });
    expect(documents.map((d) => d.id)).toEqual(await oracle(access, "all@acme.test", "budget roadmap", 5));
    expect(report.strategy).toBe("pre");
    expect(report.reason).toMatch(/searched by tenant, each candidate checked against it/);
    // Never a filter of hundreds of record ids; every candidate decided by the fresh list.
    expect(Math.max(...filters)).toBe(0);
    expect(report.checks).toBe(0);
    expect(report.permissionCalls).toBe(SYNCS.length);
  });

  it("a sync search checked against a list known to keep few candidates asks for an approximate page; one that keeps most does not", async () => {
    const access = accessWith({
      "pre-tenth@acme.test": GRANTS["tenth@acme.test"],
      "pre-all@acme.test": () => true,
    });
    const r = retriever(access, { strategy: "pre", maxFilterRecordIds: 10 });
    const asked = new Map<string, (boolean | undefined)[]>();
    for (const [n, query] of ["budget roadmap", "security incident", "quarterly plan"].entries()) {
      const inner = vectorSource(store, "acme", await embeddings.embedQuery(query));
      for (const user of ["pre-tenth@acme.test", "pre-all@acme.test"]) {
        const pages: (boolean | undefined)[] = [];
        const { documents } = await r.retrieveFromSource(
          (page) => {
            pages.push(page.approximate);
            return inner(page);
          },
          { user },
        );
        expect(documents.map((d) => d.id)).toEqual(await oracle(access, user, query, 5));
        asked.set(`${user} ${n}`, pages);
      }
    }
    // Nothing known about the share on the first query: exact order.
    expect(asked.get("pre-tenth@acme.test 0")!.every((a) => a !== true)).toBe(true);
    // Learnt that the list keeps about a tenth: the page is sifted, its order approximate.
    expect(asked.get("pre-tenth@acme.test 2")![0]).toBe(true);
    // Someone whose list keeps everything gets the page's top as it is: never approximate.
    for (const n of [0, 1, 2])
      expect(asked.get(`pre-all@acme.test ${n}`)!.every((a) => a !== true)).toBe(true);
  });

  it("a sifted page comes as refs: only the kept chunks are read whole, and one deleted meanwhile is replaced by the next", async () => {
    const access = accessWith({ "refs-tenth@acme.test": GRANTS["tenth@acme.test"] });
    const reads: number[] = [];
    let dropped: string | undefined;
    // The real store, except that the first read loses its best chunk (deleted since the search).
    const spied: PermissionAwareRetrieverFields["store"] = {
      search: (vector, options) => store.search(vector, options),
      searchRefs: (vector, options) => store.searchRefs(vector, options),
      readChunks: async (refs, signal) => {
        reads.push(refs.length);
        const read = await store.readChunks(refs, signal);
        if (dropped === undefined) {
          dropped = refs[0]!.id;
          read.delete(dropped);
        }
        return read;
      },
    };
    const r = retriever(access, { store: spied, strategy: "pre", maxFilterRecordIds: 10 });
    const user = "refs-tenth@acme.test";
    for (const query of ["budget roadmap", "security incident"]) await r.retrieveWithReport(query, { user });
    // Nothing was known about the share on the first query: its pages were read whole.
    expect(reads).toEqual([]);
    const { documents, report } = await r.retrieveWithReport("quarterly plan", { user });
    // Learnt that the list keeps about a tenth: a page of refs, the k kept read, then the one to replace.
    expect(reads).toEqual([5, 1]);
    const best = await oracle(access, user, "quarterly plan", 6);
    expect(documents.map((d) => d.id)).toEqual(best.filter((id) => id !== dropped));
    expectAllowed(access, user, documents);
    expect(report.verified).toBe(6);
  });

  it("a store that can only search (a custom one without searchRefs/readChunks) answers sifted pages whole, the same best k", async () => {
    const access = accessWith({ "search-only@acme.test": GRANTS["tenth@acme.test"] });
    const pages: (boolean | undefined)[] = [];
    const searchOnly: PermissionAwareRetrieverFields["store"] = {
      search: (vector, options) => {
        pages.push(options.approximate);
        return store.search(vector, options);
      },
    };
    const r = retriever(access, { store: searchOnly, strategy: "pre", maxFilterRecordIds: 10 });
    const user = "search-only@acme.test";
    for (const query of ["budget roadmap", "security incident", "quarterly plan"]) {
      const { documents, report } = await r.retrieveWithReport(query, { user });
      expect(documents.map((d) => d.id)).toEqual(await oracle(access, user, query, 5));
      expect(report.returned).toBe(5);
    }
    // The third query's page was a sifted one (approximate), searched whole.
    expect(pages.at(-1)).toBe(true);
  });

  it("a sifted page's chunk read back as another chunk (a custom store's mistake) is denied and reported, not silently dropped", async () => {
    const access = accessWith({ "refs-wrong@acme.test": GRANTS["tenth@acme.test"] });
    let swapped: { id: string; syncId: string; recordId: string } | undefined;
    // The real store, except that the first read answers the best ref with another tenant's chunk
    // of the same sync and record id (the corpus repeats them across tenants), under the ref's id.
    const wrong: PermissionAwareRetrieverFields["store"] = {
      search: (vector, options) => store.search(vector, options),
      searchRefs: (vector, options) => store.searchRefs(vector, options),
      readChunks: async (refs, signal) => {
        const read = await store.readChunks(refs, signal);
        const ref = refs[0]!;
        if (swapped === undefined) {
          const [other] = await store.search(await embeddings.embedQuery("quarterly plan"), {
            tenant: "globex",
            syncIds: [ref.syncId],
            recordIds: [ref.recordId],
            limit: 1,
          });
          swapped = ref;
          read.set(ref.id, { ...other!.chunk, id: ref.id });
        }
        return read;
      },
    };
    const r = retriever(access, { store: wrong, strategy: "pre", maxFilterRecordIds: 10 });
    const user = "refs-wrong@acme.test";
    for (const query of ["budget roadmap", "security incident"]) await r.retrieveWithReport(query, { user });
    const { documents, report } = await r.retrieveWithReport("quarterly plan", { user });
    expect(swapped).toBeDefined();
    const best = await oracle(access, user, "quarterly plan", 6);
    expect(documents.map((d) => d.id)).toEqual(best.filter((id) => id !== swapped!.id));
    expectAllowed(access, user, documents);
    // Fewer candidates than the store holds were usable: the report says which and why.
    expect(report.itemErrors).toBe(1);
    expect(report.errors).toEqual([
      {
        syncId: swapped!.syncId,
        recordId: swapped!.recordId,
        reason: expect.stringMatching(/readChunks returned another chunk/),
      },
    ]);
  });

  it("searching the tenant unfiltered for the syncs in scope never returns a chunk of a sync out of scope", async () => {
    // Sharepoint's records are allowed too, but it is not one of the retriever's syncs.
    const access = accessWith(GRANTS);
    const r = retriever(access, { strategy: "pre", maxFilterRecordIds: 100, syncIds: ["sync-drive"] });
    const syncsSearched: (readonly string[] | undefined)[] = [];
    const inner = vectorSource(store, "acme", await embeddings.embedQuery("budget roadmap"));
    const source: CandidateSource = (page) => {
      syncsSearched.push(page.syncIds);
      return inner(page);
    };
    const { documents } = await r.retrieveFromSource(source, { user: "all@acme.test", k: 8 });
    expect(syncsSearched.every((syncIds) => syncIds === undefined)).toBe(true);
    const drive = [...(access.grants.get("all@acme.test") ?? [])]
      .filter((key) => key.startsWith("sync-drive/"))
      .map((key) => key.split("/")[1]!);
    const best = await store.search(await embeddings.embedQuery("budget roadmap"), {
      tenant: "acme",
      recordIds: drive,
      syncIds: ["sync-drive"],
      limit: 8,
    });
    expect(documents.map((d) => d.id)).toEqual(best.map((hit) => hit.chunk.id));
  });

  it("post-filters a subject known to see everything, with k × initialOverFetch candidates", async () => {
    const access = accessWith({ "seen-all@acme.test": () => true });
    // Another retriever (a replica) taught the store's state that this person sees everything.
    const teacher = retriever(access, { strategy: "post" });
    await teacher.retrieveWithReport("budget", { user: "seen-all@acme.test" });
    await teacher.flushKnowledge();
    const r = retriever(access);
    const { report } = await r.retrieveWithReport("security", { user: "seen-all@acme.test" });
    expect(report.strategy).toBe("post");
    expect(report.candidatesScanned).toBe(15);
    expect(report.permissionCalls).toBeLessThanOrEqual(2);
  });

  it("does not use an incomplete allow list as a filter", async () => {
    const access = accessWith(GRANTS);
    access.truncateLists = true;
    const r = retriever(access, {
      strategy: "pre",
      budget: { maxCandidates: 5_000, maxPermissionCalls: 500 },
    });
    const { documents, report } = await r.retrieveWithReport("budget", { user: "tenth@acme.test" });
    expect(report.strategy).toBe("pre→post");
    expect(documents).toHaveLength(5);
    expectAllowed(access, "tenth@acme.test", documents);
  });
});

describe("freshness and caches", () => {
  it("verifies a cached allow list before returning, so a revocation takes effect on the next query", async () => {
    const access = accessWith(GRANTS);
    const r = retriever(access, { strategy: "pre" });
    const first = await r.retrieveWithReport("budget roadmap", { user: "tenth@acme.test" });
    const victim = first.documents[0]!.metadata;
    access.revoke("tenth@acme.test", victim.syncId, victim.recordId);
    const second = await r.retrieveWithReport("budget roadmap", { user: "tenth@acme.test" });
    expect(second.documents.map((d) => d.metadata.recordId)).not.toContain(victim.recordId);
    expect(second.documents).toHaveLength(5);
    expect(second.report.revokedOnVerify).toBeGreaterThan(0);
    expectAllowed(access, "tenth@acme.test", second.documents);
  });

  it("trusts evidence younger than freshnessMs (documented staleness) until invalidated", async () => {
    const access = accessWith(GRANTS);
    const r = retriever(access, { strategy: "pre", freshnessMs: 60_000 });
    const first = await r.retrieveWithReport("budget roadmap", { user: "tenth@acme.test" });
    const victim = first.documents[0]!.metadata;
    access.revoke("tenth@acme.test", victim.syncId, victim.recordId);
    const stale = await r.retrieveWithReport("budget roadmap", { user: "tenth@acme.test" });
    expect(stale.report.verified).toBe(0);
    expect(stale.documents.map((d) => d.metadata.recordId)).toContain(victim.recordId);
    r.invalidateRecord(victim.recordId, victim.syncId);
    const fresh = await r.retrieveWithReport("budget roadmap", { user: "tenth@acme.test" });
    expect(fresh.documents.map((d) => d.metadata.recordId)).not.toContain(victim.recordId);
  });

  it("reuses cached denies, and never with TTL 0", async () => {
    const access = accessWith(GRANTS);
    const cached = retriever(access, { strategy: "post" });
    await cached.retrieveWithReport("budget", { user: "tenth@acme.test" });
    const again = await cached.retrieveWithReport("budget", { user: "tenth@acme.test" });
    expect(again.report.cacheHits).toBeGreaterThan(0);
    const uncached = retriever(access, { strategy: "post", decisionCacheTtlMs: 0 });
    await uncached.retrieveWithReport("budget", { user: "tenth@acme.test" });
    const none = await uncached.retrieveWithReport("budget", { user: "tenth@acme.test" });
    expect(none.report.cacheHits).toBe(0);
  });
});

describe("fail closed", () => {
  it("throws a typed error when the Permissions API is down, for every strategy", async () => {
    const access = accessWith(GRANTS);
    access.down = true;
    for (const strategy of ["post", "pre", "auto"] as const) {
      await expect(
        retriever(access, { strategy }).invoke("budget", { configurable: { user: "all@acme.test" } }),
      ).rejects.toBeInstanceOf(PermissionsUnavailableError);
    }
  });

  it("returns empty with the reason when asked to", async () => {
    const access = accessWith(GRANTS);
    access.down = true;
    const r = retriever(access, { onPermissionError: "empty" });
    const { documents, report } = await r.retrieveWithReport("budget", { user: "all@acme.test" });
    expect(documents).toEqual([]);
    expect(report.permissionError?.code).toBe("PERMISSIONS_UNAVAILABLE");
  });
});

describe("a store that ignores the tenant filter (a custom store's mistake)", () => {
  // Both tenants hold the same syncs and record ids, so permissions alone would allow globex's chunks.
  const ignoringTenant: PermissionAwareRetrieverFields["store"] = {
    search: (vector, options) => store.search(vector, { ...options, tenant: "globex" }),
    searchRefs: (vector, options) => store.searchRefs(vector, { ...options, tenant: "globex" }),
    readChunks: (refs, signal) => store.readChunks(refs, signal),
  };

  it.each([
    ["post", "all@acme.test", {}],
    ["pre, sifted pages searched as refs", "tenth@acme.test", { strategy: "pre", maxFilterRecordIds: 10 }],
    ["auto, a stranger's first query", "tenth@acme.test", { strategy: "auto" }],
  ] as const)(
    "fails the query with STORE_CROSSED_TENANT rather than return another tenant's chunk: %s",
    async (_, user, extra) => {
      const access = accessWith(GRANTS);
      const r = retriever(access, { store: ignoringTenant, ...extra });
      const failure = await r.retrieveWithReport("budget roadmap", { user }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StoreCrossedTenantError);
      expect(failure).toMatchObject({ code: "STORE_CROSSED_TENANT", tenant: "acme", chunkTenant: "globex" });
    },
  );
});

describe("pre-filter with a tenant-wide sync", () => {
  it("returns exactly k from the tenant-wide sync and the listed one, nothing unlisted, nothing of another tenant", async () => {
    const WIDE = "sync-drive";
    // The drive sync is tenant-wide (allow list "everything"); sharepoint is listed per record.
    class TenantWideAccess extends FakeAccessControl {
      override async listObjects(subject: string, relation: "can_read", syncId: string) {
        if (syncId === WIDE) return { recordIds: [], complete: true, calls: 0, everything: true };
        return super.listObjects(subject, relation, syncId);
      }
    }
    const access = new TenantWideAccess();
    const may = (r: number) => r % 2 === 1 && r % 10 === 3; // sharepoint records 3, 13, 23, …
    for (let r = 0; r < RECORDS; r++) {
      if (r % 2 === 0) access.grant("mixed@acme.test", WIDE, `rec-${r}`);
      else if (may(r)) access.grant("mixed@acme.test", "sync-sharepoint", `rec-${r}`);
    }
    const k = 20;
    const r = retriever(access, { strategy: "pre", k });
    const { documents, report } = await r.retrieveWithReport("budget roadmap", { user: "mixed@acme.test" });
    expect(report.strategy).toBe("pre");
    expect(documents).toHaveLength(k);
    for (const doc of documents) {
      const n = Number(doc.metadata.recordId.slice("rec-".length));
      if (doc.metadata.syncId !== WIDE)
        expect(doc.metadata.syncId === "sync-sharepoint" && may(n)).toBe(true);
    }
    const vector = await embeddings.embedQuery("budget roadmap");
    const all = RECORDS * CHUNKS_PER_RECORD;
    const globex = await store.search(vector, { tenant: "globex", limit: all });
    const foreign = new Set(globex.map((hit) => hit.chunk.id));
    for (const doc of documents) expect(foreign.has(doc.id!)).toBe(false);
    // And they are the best k the subject may read in this tenant.
    const acme = await store.search(vector, { tenant: "acme", limit: all });
    const best = acme
      .filter(
        (hit) =>
          hit.chunk.syncId === WIDE || access.allows("mixed@acme.test", hit.chunk.syncId, hit.chunk.recordId),
      )
      .slice(0, k)
      .map((hit) => hit.chunk.id);
    expect(new Set(documents.map((doc) => doc.id))).toEqual(new Set(best));
    expect(documents.some((doc) => doc.metadata.syncId === "sync-sharepoint")).toBe(true);
  });
});

describe("tenant isolation", () => {
  it("never returns another tenant's chunks, even when the record ids match", async () => {
    const access = accessWith(GRANTS);
    for (const tenant of ["acme", "globex"]) {
      for (const strategy of ["post", "pre"] as const) {
        const r = new PermissionAwareRetriever({
          store,
          embeddings,
          access,
          tenant,
          syncIds: SYNCS,
          k: 20,
          strategy,
        });
        const { documents } = await r.retrieveWithReport("budget roadmap", { user: "all@acme.test" });
        expect(documents).toHaveLength(20);
        const ids = new Set(documents.map((d) => d.id));
        const own = await store.search(await embeddings.embedQuery("budget roadmap"), { tenant, limit: 20 });
        expect(ids).toEqual(new Set(own.map((hit) => hit.chunk.id)));
        for (const hit of own) expect(hit.chunk.tenant).toBe(tenant);
      }
    }
  });
});

describe("what a query learns about a person", () => {
  /** What the store's state holds about `user` once the retriever wrote what it learnt. */
  async function learnt(
    r: PermissionAwareRetriever,
    user: string,
    scope = "allow-rate:acme",
  ): Promise<{ scanned: number; allowed: number } | undefined> {
    await r.flushKnowledge();
    const raw = await store.getState(scope, `can_read:${user}`);
    return raw === undefined ? undefined : JSON.parse(raw);
  }

  /** The best `limit` candidates of the tenant for `query` (the first query's page), and how many `user` may read. */
  async function firstPage(access: FakeAccessControl, user: string, query: string, limit: number) {
    const page = await store.search(await embeddings.embedQuery(query), { tenant: "acme", limit });
    const allowed = page.filter((hit) => access.allows(user, hit.chunk.syncId, hit.chunk.recordId)).length;
    return { page, allowed };
  }

  it("a first query whose page holds fewer than k counts each candidate of that page once", async () => {
    const user = "once-rare@acme.test";
    const access = accessWith({ [user]: (r: number) => r % 40 === 9 });
    const r = retriever(access, { maxFilterRecordIds: 100 });
    // The probe comes back cut, so the round's page is checked and then sifted by the whole list.
    withCappedLists(access, 4);
    const { report } = await r.retrieveWithReport("budget roadmap", { user });
    expect(report.strategy).toBe("race→pre");
    expect(report.reason).toMatch(/the first round found \d of 5/);
    // k × 15 candidates, every one checked by the round; the pre-filter after it used small lists as
    // a record-id filter (nothing there to learn a share from).
    const { page, allowed } = await firstPage(access, user, "budget roadmap", 5 * 15);
    expect(await learnt(r, user)).toMatchObject({ scanned: page.length, allowed });
  });

  it("a first query that goes on to search a large list's sync from the top counts its page once", async () => {
    // Two records in sync-drive: a list larger than maxFilterRecordIds, so the pre-filter searches
    // the whole sync (its page included) and checks each candidate against the list.
    const user = "once-pair@acme.test";
    const access = accessWith({ [user]: (r: number) => r === 8 || r === 16 });
    const r = retriever(access, { maxFilterRecordIds: 1, k: 10, store: withoutRecordMemory(store) });
    const { documents, report } = await r.retrieveWithReport("budget roadmap", { user });
    expect(report.strategy).toBe("race→pre");
    expect(documents).toHaveLength(2 * CHUNKS_PER_RECORD);
    // The lists came back complete (two records): the round's k × 3 were all it searched first.
    const { page } = await firstPage(access, user, "budget roadmap", 10 * 3);
    const driveChunks = (RECORDS / 2) * CHUNKS_PER_RECORD;
    const sharepointInPage = page.filter((hit) => hit.chunk.syncId === "sync-sharepoint").length;
    // Each candidate seen once: every chunk of sync-drive, and the page's sharepoint candidates.
    expect(await learnt(r, user)).toMatchObject({
      scanned: driveChunks + sharepointInPage,
      allowed: 2 * CHUNKS_PER_RECORD,
    });
  });

  it("a first query that goes on post-filtering from the top (an incomplete list) counts its page once", async () => {
    const user = "once-capped@acme.test";
    const access = accessWith({ [user]: (r: number) => r % 40 === 9 });
    const r = retriever(access, { maxFilterRecordIds: 100 });
    withCappedLists(access, 4);
    access.truncateLists = true;
    const { report } = await r.retrieveWithReport("budget roadmap", { user });
    expect(report.strategy).toBe("race→post");
    expect(report.reason).toMatch(/incomplete/);
    // The post-filter searched again from the first candidate: the distinct candidates are its own.
    const distinct = report.candidatesScanned - 5 * 15;
    expect(distinct).toBeGreaterThan(5 * 15);
    const { allowed } = await firstPage(access, user, "budget roadmap", distinct);
    expect(await learnt(r, user)).toMatchObject({ scanned: distinct, allowed });
  });

  /**
   * A fake where a verified member may read every record (as a `tenant` record policy lets members)
   * and an unverified call only what it was granted.
   */
  class FakeMemberAccess extends FakeAccessControl {
    override async batchCheck(
      subject: string,
      objects: readonly ObjectRef[],
      relation: Relation,
      _signal?: AbortSignal,
      context?: AccessContext,
    ) {
      if (!context?.member) return super.batchCheck(subject, objects, relation);
      return { decisions: objects.map(() => ({ kind: "allow" as const })), calls: 1 };
    }

    override async listObjects(
      subject: string,
      relation: Relation,
      syncId: string,
      _signal?: AbortSignal,
      context?: AccessContext,
    ) {
      if (!context?.member) return super.listObjects(subject, relation, syncId);
      // Slow, so a member's first query is decided by its round and learns a rate.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { recordIds: [], complete: true, everything: true, calls: 1 };
    }
  }

  it("the verified-member view and the unverified view of one email each plan from what they learnt", async () => {
    const user = "two-views@acme.test";
    const access = new FakeMemberAccess();
    for (const r of [7, 200, 311]) access.grant(user, SYNCS[r % 2]!, `rec-${r}`);
    // The member view learns that this email sees everything; the unverified one that it sees 3 records.
    const first = retriever(access);
    const asMember = await first.retrieveWithReport("budget roadmap", { user, member: true });
    expect(asMember.report.strategy).toBe("race→post");
    await first.flushKnowledge();

    // A restart (or a replica): the unverified view is still a stranger. Planned from the member's rate
    // (1.0) it post-filtered a person who sees 9 chunks of 1,200 until a budget stopped it.
    const second = retriever(access);
    const unverified = await second.retrieveWithReport("security incident", { user });
    expect(unverified.report.reason).toMatch(/nothing known about the subject/);
    expect(unverified.report.strategy).toMatch(/^race→/);
    expect(unverified.report.permissionCalls).toBeLessThanOrEqual(3);
    expect(unverified.documents).toHaveLength(5);
    expectAllowed(access, user, unverified.documents);
    await second.flushKnowledge();

    // And the member view is planned from the member's rate, not from the unverified lists (3 records).
    const third = retriever(access);
    const member = await third.retrieveWithReport("quarterly plan", { user, member: true });
    expect(member.report.reason).toMatch(/observed allow rate 1\.0000/);
    expect(member.report.strategy).toBe("post");
    expect(member.documents).toHaveLength(5);
    // Each view under a key of its own; the unverified one where it always was.
    expect(await learnt(first, user, "member-allow-rate:acme")).toMatchObject({ scanned: 15, allowed: 15 });
    expect(await learnt(second, user)).not.toMatchObject({ allowed: 15 });
  });
});
