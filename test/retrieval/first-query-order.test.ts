import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessControl } from "../../src/access/index.js";
import type { HashingEmbeddings } from "../../src/embeddings/index.js";
import { PermissionAwareRetriever, RoundTrips, vectorSource } from "../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../src/store/index.js";
import { numberedRecords, storeWithRecords } from "./helpers/corpus.js";
import { FakeAccessControl } from "./helpers/fake-access.js";

// Which page a stranger's first query searches first: the best k × 3, or (where a check takes
// longer than the larger search, as against a distant Permissions API) the page of k × 15.

const SYNC = "sync-drive";
const RECORDS = 400;
const K = 5;
const QUERY = "budget roadmap";
const sees10 = (r: number) => r % 10 === 3;
/** 16 records (48 of 1,200 chunks): past the probe's cap, yet fewer than k in the page of k × 15. */
const sees4 = (r: number) => r % 25 === 3;
const seesAll = () => true;
/** Where a stranger's streamed probe stops here (the retriever asks for up to 5,000 ids). */
const STREAM_CUT = 100;
/**
 * A slow check (as from a distant Permissions API): well above what the larger search takes here even
 * on a loaded machine (at load 15 a search of k × 15 once took over 150 ms, the delay this was).
 */
const SLOW_CHECK_MS = 250;
/** Who sees what: a name starting with "few" sees 4 %, "all" everything, anyone else 10 %. */
const seesOf = (person: string) =>
  person.startsWith("few") ? sees4 : person.startsWith("all") ? seesAll : sees10;

let store: LanceChunkStore;
let embeddings: HashingEmbeddings;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ store, embeddings, dispose } = await storeWithRecords(numberedRecords(RECORDS, SYNC, 3)));
});

afterAll(async () => {
  await dispose();
});

/**
 * Access where each of `people` sees 10 % of the records, checks answer after `checkDelayMs`, and
 * a stranger's probe is cut at 10 ids (`partial`, as Paragon's capped list-objects): they see much.
 */
function accessFor(people: readonly string[], checkDelayMs: number, batchSize: number): FakeAccessControl {
  const access = new FakeAccessControl(batchSize);
  for (const person of people)
    for (let r = 0; r < RECORDS; r++) if (seesOf(person)(r)) access.grant(person, SYNC, `rec-${r}`);
  const check = access.batchCheck.bind(access);
  access.batchCheck = async (...args) => {
    await new Promise((resolve) => setTimeout(resolve, checkDelayMs));
    return check(...args);
  };
  const list = access.listObjects.bind(access);
  const capped: AccessControl["listObjects"] = async (subject, relation, syncId, _signal, context) => {
    const answer = await list(subject, relation, syncId);
    // A streamed probe (where checks are slow) is cut at 100 ids here: only "all" readers pass it.
    const cap = context?.streamUpTo === undefined ? 10 : Math.min(context.streamUpTo, STREAM_CUT);
    if (!context?.unknownSize || answer.recordIds.length <= cap) return answer;
    return { ...answer, recordIds: answer.recordIds.slice(0, cap), complete: false, partial: true };
  };
  access.listObjects = capped;
  return access;
}

/** Each stranger's first query in turn: the page sizes it searched, and its report and documents. */
async function firstQueries(
  people: readonly string[],
  checkDelayMs: number,
  options: {
    k?: number;
    callK?: (person: string) => number | undefined;
    initialOverFetch?: number;
    maxFilterRecordIds?: number;
    batchSize?: number;
    roundTrips?: RoundTrips;
  } = {},
) {
  // By default one request per check whatever its size: RoundTrips times checks of one request.
  const access = accessFor(people, checkDelayMs, options.batchSize ?? 10_000);
  const retriever = new PermissionAwareRetriever({
    store,
    embeddings,
    access,
    tenant: "acme",
    syncIds: [SYNC],
    k: options.k ?? K,
    ...(options.initialOverFetch ? { initialOverFetch: options.initialOverFetch } : {}),
    ...(options.maxFilterRecordIds ? { maxFilterRecordIds: options.maxFilterRecordIds } : {}),
    ...(options.roundTrips ? { roundTrips: options.roundTrips } : {}),
  });
  const inner = vectorSource(store, "acme", await embeddings.embedQuery(QUERY));
  const runs = [];
  for (const user of people) {
    const limits: number[] = [];
    const { documents, report } = await retriever.retrieveFromSource(
      (page) => {
        limits.push(page.limit);
        return inner(page);
      },
      { user, ...(options.callK?.(user) ? { k: options.callK(user) } : {}) },
    );
    runs.push({ limits, report, ids: documents.map((d) => d.id) });
  }
  return Object.assign(runs, { retriever });
}

/** The best k chunks of the records a person who sees 10 % (or as `sees` says) may read. */
async function expected(sees: (r: number) => boolean = sees10, query = QUERY): Promise<string[]> {
  const allowed = Array.from({ length: RECORDS }, (_, r) => r)
    .filter(sees)
    .map((r) => `rec-${r}`);
  const hits = await store.search(await embeddings.embedQuery(query), {
    tenant: "acme",
    recordIds: allowed,
    limit: K,
  });
  return hits.map((hit) => hit.chunk.id);
}

describe("a stranger's first query", () => {
  it("where a check takes longer than the larger search, searches the page of k × 15 first and checks it in one request", async () => {
    // The third sees everything: their streamed probe is cut, so the page's one check decides.
    const people = ["slow-1@acme.test", "slow-2@acme.test", "all-3@acme.test"];
    const [first, second, third] = await firstQueries(people, SLOW_CHECK_MS);
    const best = await expected();
    // Nothing measured yet, then too few checks: the best k × 3 first, then the larger page.
    expect(first!.limits).toEqual([K * 3, K * 15]);
    expect(second!.limits).toEqual([K * 3, K * 15]);
    // Four checks of 150 ms against searches of a few ms: the larger page first, one check.
    expect(third!.limits).toEqual([K * 15]);
    expect(third!.report.permissionCalls).toBe(2); // the probe and one check
    expect(third!.report.strategy).toBe("race→post");
    expect(third!.report.reason).toMatch(/page of k × 15 searched first: a check takes \d+ ms here/);
    for (const run of [first, second]) expect(run!.ids).toEqual(best);
    expect(third!.ids).toEqual(await expected(seesAll));
  });

  it("where a check takes longer, a whole list streamed in the probe's round trip sifts the larger page: no check", async () => {
    // 40 records, past a record-id filter of 20: the list sifts the page rather than filter a search.
    const people = ["slow-12@acme.test", "slow-13@acme.test", "slow-14@acme.test"];
    const runs = await firstQueries(people, SLOW_CHECK_MS, { maxFilterRecordIds: 20 });
    const third = runs[2];
    expect(third!.limits).toEqual([K * 15]);
    expect(third!.report.permissionCalls).toBe(1); // the streamed list alone: the check was cancelled
    expect(third!.report.strategy).toBe("race→pre");
    expect(third!.report.reason).toMatch(/allow lists arrived first \(its page of k × 15 searched first/);
    expect(third!.report.reason).toMatch(/sifted the first page/);
    expect(third!.ids).toEqual(await expected());
    // What the sift saw is learnt as a check of the page would have been: the person's share.
    const page = await store.search(await embeddings.embedQuery(QUERY), { tenant: "acme", limit: K * 15 });
    const allowed = page.filter((hit) => sees10(Number(hit.chunk.recordId.slice(4)))).length;
    await runs.retriever.flushKnowledge();
    const learnt = await store.getState("allow-rate:acme", "can_read:slow-14@acme.test");
    expect(JSON.parse(learnt ?? "null")).toMatchObject({ scanned: K * 15, allowed });
  });

  it("where a check takes longer, a small list streamed in the probe's round trip filters the search, as ever", async () => {
    const people = ["slow-15@acme.test", "slow-16@acme.test", "slow-17@acme.test"];
    const [, , third] = await firstQueries(people, SLOW_CHECK_MS);
    // The page of k × 15 was asked for first; the list of 40 came back before it and filtered a search of k.
    expect(third!.limits).toEqual([K * 15, 10]);
    expect(third!.report.permissionCalls).toBe(1);
    expect(third!.report.strategy).toBe("race→pre");
    expect(third!.ids).toEqual(await expected());
  });

  it("sifts the page by a list cached before the query only once its candidates are confirmed (freshnessMs 0)", async () => {
    // The person sees 15 records of the best page: a small list, so their first query pre-filters
    // by it and learns its size only. A second sync connected since, where they see 30 (past the
    // record-id filter of 20), makes their next query a stranger's race again, with the first
    // sync's list still cached from before it (60 s): the new list sifts the page beside it.
    const OTHER = "sync-other";
    const user = "cached-1@acme.test";
    const access = accessFor([], 150, 10_000);
    const page = await store.search(await embeddings.embedQuery(QUERY), { tenant: "acme", limit: K * 15 });
    const seen = [...new Set(page.map((hit) => hit.chunk.recordId))].slice(0, 15);
    for (const recordId of seen) access.grant(user, SYNC, recordId);
    for (let r = 0; r < 30; r++) access.grant(user, OTHER, `other-${r}`);
    let syncIds: string[] = [SYNC];
    const roundTrips = new RoundTrips();
    for (let i = 0; i < 3; i++) roundTrips.checked(150);
    roundTrips.searchedLargePage(1, K * 15);
    const retriever = new PermissionAwareRetriever({
      store,
      embeddings,
      access,
      tenant: "acme",
      syncIds: async () => syncIds,
      k: K,
      maxFilterRecordIds: 20,
      roundTrips,
    });
    const before = await retriever.retrieveWithReport(QUERY, { user });
    expect(before.report.reason).toMatch(/pre-filtered by the allow lists \(15 records\)/);
    const best = (before.documents[0]!.metadata as { recordId: string }).recordId;
    // Revoked in the source system since; the cached list does not know yet.
    access.revoke(user, SYNC, best);
    syncIds = [SYNC, OTHER];
    const { documents, report } = await retriever.retrieveWithReport(QUERY, { user });
    expect(report.strategy).toBe("race→pre");
    expect(report.reason).toMatch(/sifted the first page/);
    expect(documents.map((d) => (d.metadata as { recordId: string }).recordId)).not.toContain(best);
    const still = new Set(seen.filter((recordId) => recordId !== best));
    expect(documents.map((d) => d.id)).toEqual(await expected((r) => still.has(`rec-${r}`)));
    expect(report.revokedOnVerify).toBeGreaterThan(0);
  });

  it("searched first, a larger page that holds fewer than k is not searched again: the lists decide", async () => {
    // Strangers of their own: what is learnt about a person outlives the retriever (in the store).
    const people = ["slow-4@acme.test", "slow-5@acme.test", "few-1@acme.test"];
    const [, , few] = await firstQueries(people, SLOW_CHECK_MS);
    // One search of k × 15, then the whole list (past the probe's cap) pre-filters the search.
    expect(few!.limits[0]).toBe(K * 15);
    expect(few!.limits.filter((limit) => limit === K * 15)).toHaveLength(1);
    expect(few!.report.strategy).toBe("race→pre");
    expect(few!.ids).toEqual(await expected(sees4));
  });

  it("searched first, the larger page of a large k stays within a page the store serves", async () => {
    // k × 1 first, so that the strangers who see 10 % need (and time) the larger page.
    const people = ["slow-6@acme.test", "slow-7@acme.test", "all-1@acme.test"];
    const runs = await firstQueries(people, SLOW_CHECK_MS, { k: 700, initialOverFetch: 1 });
    expect(runs[0]!.limits).toEqual([700, 5_000]);
    // k × 15 would be 10,500, past the store's 10,000; the page is capped as a post-filter round.
    expect(runs[2]!.limits).toEqual([5_000]);
    expect(runs[2]!.ids).toHaveLength(700);
  });

  it("caps the best k × initialOverFetch at a page the store serves, whatever initialOverFetch", async () => {
    // k × 20 would be 14,000, past the store's 10,000: every stranger's first query failed.
    const [run] = await firstQueries(["all-2@acme.test"], 0, { k: 700, initialOverFetch: 20 });
    expect(run!.limits).toEqual([5_000]);
    expect(run!.ids).toHaveLength(700);
  });

  it("shares what it measured with the deployment: a new retriever's first stranger searches the larger page first", async () => {
    const roundTrips = new RoundTrips();
    // One tenant's retriever measures on its first two strangers (checks of 150 ms)...
    await firstQueries(["slow-18@acme.test", "slow-19@acme.test"], SLOW_CHECK_MS, { roundTrips });
    // ...and another made afterwards (a tenant's first query, or one the LRU dropped) knows at once.
    const [run] = await firstQueries(["all-4@acme.test"], SLOW_CHECK_MS, { roundTrips });
    expect(run!.limits).toEqual([K * 15]);
    expect(run!.report.reason).toMatch(/page of k × 15 searched first/);
    // Without the deployment's measurements it goes the slower way while it measures.
    const [alone] = await firstQueries(["all-5@acme.test"], SLOW_CHECK_MS);
    expect(alone!.limits).toEqual([K * 3]);
  });

  it("asked for another k than the retriever's, keeps the best k × 3 first (the larger searches timed were of its own k)", async () => {
    const people = ["slow-8@acme.test", "slow-9@acme.test", "slow-10@acme.test", "slow-11@acme.test"];
    const runs = await firstQueries(people, SLOW_CHECK_MS, {
      callK: (person) => (person === people[3] ? 7 : undefined),
    });
    // The third's small list, streamed, came back first and filtered a search: the page of k × 15 was first all the same.
    expect(runs[2]!.limits[0]).toBe(K * 15);
    expect(runs[3]!.limits).toEqual([7 * 3, 7 * 15]);
  });

  it("takes a fractional initialOverFetch as a whole page", async () => {
    const [run] = await firstQueries(["quick-4@acme.test"], 0, { initialOverFetch: 2.5 });
    expect(run!.limits[0]).toBe(13);
    expect(run!.ids).toEqual(await expected());
  });

  it("takes a check of several requests for several round trips, not one: the best k × 3 stay first", async () => {
    const people = ["split-1@acme.test", "split-2@acme.test", "split-3@acme.test"];
    // Requests of 5 ids: every check of the k × 3 or the larger page's rest takes several.
    const runs = await firstQueries(people, SLOW_CHECK_MS, { batchSize: 5 });
    for (const run of runs) expect(run.limits).toEqual([K * 3, K * 15]);
  });

  it("where checks are quicker than the larger search, keeps searching the best k × 3 first", async () => {
    const people = ["quick-1@acme.test", "quick-2@acme.test", "quick-3@acme.test"];
    const runs = await firstQueries(people, 0);
    const best = await expected();
    for (const run of runs) {
      expect(run.limits).toEqual([K * 3, K * 15]);
      expect(run.report.reason).not.toMatch(/searched first/);
      expect(run.ids).toEqual(best);
    }
  });
});

describe("a stranger's first query, the larger page searched first (property)", () => {
  it("returns exactly the best k chunks the person may read, whatever share of the records they see", async () => {
    // Two strangers who see 10 % prime the retriever: four checks of 60 ms against searches of a
    // few ms, so from then on the larger page goes first (the run counts how often it did). Its
    // streamed list then decides three ways: up to 20 records it filters a search, from 21 to
    // 100 it sifts the page (past a record-id filter of 20), past 100 it is cut and the page checked.
    const primers = ["prop-primer-1@acme.test", "prop-primer-2@acme.test"];
    const access = accessFor(primers, 60, 10_000);
    const retriever = new PermissionAwareRetriever({
      store,
      embeddings,
      access,
      tenant: "acme",
      syncIds: [SYNC],
      k: K,
      maxFilterRecordIds: 20,
    });
    for (const user of primers) await retriever.retrieveWithReport(QUERY, { user });
    let strangers = 0;
    let largeFirst = 0;
    let sifted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom("budget roadmap", "security incident", "quarterly hiring plan"),
        async (every, offset, query) => {
          strangers += 1;
          const user = `prop-${strangers}@acme.test`;
          const sees = (r: number) => r % every === offset % every;
          for (let r = 0; r < RECORDS; r++) if (sees(r)) access.grant(user, SYNC, `rec-${r}`);
          const { documents, report } = await retriever.retrieveWithReport(query, { user });
          if (/searched first/.test(report.reason)) largeFirst += 1;
          if (/searched first.*sifted the first page/.test(report.reason)) sifted += 1;
          expect(documents.map((d) => d.id)).toEqual(await expected(sees, query));
        },
      ),
      { numRuns: 20 },
    );
    expect(largeFirst).toBeGreaterThan(0);
    expect(sifted).toBeGreaterThan(0);
  }, 60_000);
});

describe("RoundTrips", () => {
  /** A deployment whose first retriever measured checks of 50 ms and a larger search of 10, and the next retriever made. */
  function measuredByAnother() {
    const deployment = new RoundTrips();
    const first = new RoundTrips(deployment);
    for (let i = 0; i < 3; i++) first.checked(50);
    first.searchedLargePage(10, 75);
    return { deployment, next: new RoundTrips(deployment) };
  }

  it("says to search the larger page first only once a check's median is longer than the larger search's", () => {
    const trips = new RoundTrips();
    expect(trips.largePageFirst(75)).toBeUndefined();
    trips.searchedLargePage(12, 75);
    trips.checked(30);
    trips.checked(30);
    // Two checks are too few to go by.
    expect(trips.largePageFirst(75)).toBeUndefined();
    trips.checked(2);
    expect(trips.largePageFirst(75)).toEqual({ checkMs: 30, searchMs: 12 });
    trips.searchedLargePage(40, 75);
    trips.searchedLargePage(45, 75);
    expect(trips.largePageFirst(75)).toBeUndefined();
  });

  it("goes by the latest 16 measurements", () => {
    const trips = new RoundTrips();
    trips.searchedLargePage(10, 75);
    for (let i = 0; i < 16; i++) trips.checked(50);
    expect(trips.largePageFirst(75)).toEqual({ checkMs: 50, searchMs: 10 });
    for (let i = 0; i < 9; i++) trips.checked(1);
    expect(trips.largePageFirst(75)).toBeUndefined();
  });

  it("goes by a deployment's measurements until it has its own, and by larger searches of the same size only", () => {
    // What one tenant's retriever measured, the next one made goes by from its first stranger on.
    const { deployment, next } = measuredByAnother();
    expect(next.largePageFirst(75)).toEqual({ checkMs: 50, searchMs: 10 });
    // No search of a page of 150 measured anywhere: nothing to go by for another k.
    expect(next.largePageFirst(150)).toBeUndefined();
    // Its own larger search, slower than the checks, outweighs the deployment's.
    next.searchedLargePage(80, 75);
    expect(next.largePageFirst(75)).toBeUndefined();
    // And its own checks, once enough: quicker than the deployment's.
    for (let i = 0; i < 3; i++) next.checked(5);
    expect(next.largePageFirst(75)).toBeUndefined();
    // Both fed the deployment too: checks of 50 and 5 ms (median 27.5) against searches of 10 and 80 (45).
    expect(new RoundTrips(deployment).largePageFirst(75)).toBeUndefined();
    deployment.checked(60);
    expect(new RoundTrips(deployment).largePageFirst(75)).toEqual({ checkMs: 50, searchMs: 45 });
  });

  it("goes by its own checks once it has enough, over the deployment's", () => {
    const { next } = measuredByAnother();
    expect(next.largePageFirst(75)).toEqual({ checkMs: 50, searchMs: 10 });
    // Its own checks of 5 ms, quicker than the deployment's larger search of 10: the best k × 3 first.
    for (let i = 0; i < 3; i++) next.checked(5);
    expect(next.largePageFirst(75)).toBeUndefined();
  });

  it("does not count a check without a larger search measured", () => {
    const trips = new RoundTrips();
    for (let i = 0; i < 5; i++) trips.checked(100);
    expect(trips.largePageFirst(75)).toBeUndefined();
  });
});
