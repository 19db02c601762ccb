import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HashingEmbeddings } from "../../src/embeddings/index.js";
import { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../src/store/index.js";
import { numberedRecords, storeWithRecords } from "./helpers/corpus.js";
import { FakeAccessControl } from "./helpers/fake-access.js";

// A list and a check both asked during one query can disagree: the list was requested first, a
// revocation came, then the check. The check is the later evidence; the list must not overrule it.

const SYNC = "sync-drive";
const RECORDS = 400;
const K = 5;
const QUERY = "budget roadmap";
const PERSON = "ana@acme.test";

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
 * Makes the person's list, asked for at the query's start, answer only once the round's check has:
 * `beforeCheck` runs as the check is sent (a revocation between the two), which then takes
 * `checkDelayMs`. What the list answered is kept in `listed`.
 */
function listAfterCheck(
  access: FakeAccessControl,
  options: { beforeCheck?: () => void; checkDelayMs?: number } = {},
): { listed: readonly string[] } {
  const seen: { listed: readonly string[] } = { listed: [] };
  let checked!: () => void;
  const afterCheck = new Promise<void>((resolve) => {
    checked = resolve;
  });
  const check = access.batchCheck.bind(access);
  access.batchCheck = async (...args) => {
    options.beforeCheck?.();
    if (options.checkDelayMs) await sleep(options.checkDelayMs);
    const answer = await check(...args);
    checked();
    return answer;
  };
  const list = access.listObjects.bind(access);
  access.listObjects = async (subject, relation, syncId) => {
    const answer = await list(subject, relation, syncId);
    seen.listed = answer.recordIds;
    await afterCheck;
    await sleep(5);
    return answer;
  };
  return seen;
}

/** A retriever of the person's tenant over `access`, at k. */
function retrieverOver(access: FakeAccessControl): PermissionAwareRetriever {
  return new PermissionAwareRetriever({ store, embeddings, access, tenant: "acme", syncIds: [SYNC], k: K });
}

describe("a stranger's first query whose lists and check disagree", () => {
  // "pre": the lists pre-filter the search (the page holds fewer than k they admit); "sift": the
  // page holds k - 1 records the check allows and the target, so the lists' sift of it is k.
  it.each(["pre", "sift"] as const)(
    "never returns a record its own check denied, though a list requested earlier in the query admits it (%s)",
    async (path) => {
      const page = await store.search(await embeddings.embedQuery(QUERY), { tenant: "acme", limit: K * 3 });
      const inPage = [...new Set(page.map((hit) => hit.chunk.recordId))];
      const target = inPage[0]!;
      const access = new FakeAccessControl(10_000);
      if (path === "pre") {
        for (let r = 0; r < RECORDS; r++) if (r % 10 === 3) access.grant(PERSON, SYNC, `rec-${r}`);
      } else {
        for (const recordId of inPage.slice(1, K)) access.grant(PERSON, SYNC, recordId);
      }
      access.grant(PERSON, SYNC, target);
      // The list is asked for at the query's start and answers after the check: it still lists the
      // target, which is revoked just before the page's check (and so denied by it).
      const list = listAfterCheck(access, {
        beforeCheck: () => access.revoke(PERSON, SYNC, target),
        checkDelayMs: 30,
      });
      const { documents, report } = await retrieverOver(access).retrieveWithReport(QUERY, { user: PERSON });
      // The path in question ran: the round checked the page first, then the lists decided.
      expect(list.listed).toContain(target);
      expect(report.strategy).toBe("race→pre");
      // The round found fewer than k in its page (the target denied), so the lists took over.
      expect(report.reason).toMatch(
        path === "pre" ? /pre-filtered by the allow lists/ : /the first round found 4 of 5/,
      );
      expect(report.returned).toBe(K);
      expect(documents.map((d) => d.metadata.recordId)).not.toContain(target);
    },
  );
});

describe("a stranger's first query whose check could not answer for a record a list admits", () => {
  // Only a denial newer than the list overrules it. A per-item error in the round's check is no
  // answer at all: the list asked for during the query decides, as it did before the round was
  // checked first. Dropping the record left fewer than min(k, readable) with `exhausted` true.
  it("returns the record the list admits though the round's check errored on it (sift, then pre-filter)", async () => {
    const page = await store.search(await embeddings.embedQuery(QUERY), { tenant: "acme", limit: K * 3 });
    const target = page[0]!.chunk.recordId;
    const access = new FakeAccessControl(10_000);
    // The person may read one record (3 chunks, fewer than k): the answer is exactly its chunks.
    access.grant(PERSON, SYNC, target);
    access.erroring.add(target);
    // The list (asked for at the query's start) answers after the check, so the check errs first.
    listAfterCheck(access);
    const { documents, report } = await retrieverOver(access).retrieveWithReport(QUERY, { user: PERSON });
    // The path in question ran: the round's check erred on the target, then the lists decided.
    expect(report.itemErrors).toBe(1);
    expect(report.strategy).toBe("race→pre");
    expect(documents.map((d) => d.metadata.recordId)).toEqual([target, target, target]);
    expect(report.returned).toBe(3);
  });
});
