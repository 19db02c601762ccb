// Issue 11 item 3: evidence is as fresh as the moment its request was SENT. A list or decision
// requested before a revocation must never pass for fresh in a query that began after it, nor
// re-enter a cache that an invalidation has already cleared.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AllowList, BatchCheckResult, ObjectRef, Relation } from "../../src/access/index.js";
import type { HashingEmbeddings } from "../../src/embeddings/index.js";
import {
  type CandidateSource,
  PermissionAwareRetriever,
  type PermissionAwareRetrieverFields,
  vectorSource,
} from "../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../src/store/index.js";
import { gate } from "../gate.js";
import { numberedRecords, storeWithRecords } from "./helpers/corpus.js";
import { FakeAccessControl } from "./helpers/fake-access.js";

const SYNC = "sync-drive";
const RECORDS = 12;
const USER = "ana@acme.test";
const VICTIM = "rec-5";

/**
 * The fake Permissions API, whose answers are computed when the request arrives (as the server
 * does) and can then be held back, as a slow network would.
 */
class HeldAccess extends FakeAccessControl {
  listHold: Promise<void> | undefined;
  batchHold: Promise<void> | undefined;

  override async listObjects(subject: string, relation: Relation, syncId: string): Promise<AllowList> {
    const answer = super.listObjects(subject, relation, syncId);
    const hold = this.listHold;
    if (hold) await hold;
    return answer;
  }

  override async batchCheck(
    subject: string,
    objects: readonly ObjectRef[],
    relation: Relation,
  ): Promise<BatchCheckResult> {
    const answer = super.batchCheck(subject, objects, relation);
    const hold = this.batchHold;
    if (hold) await hold;
    return answer;
  }
}

let store: LanceChunkStore;
let embeddings: HashingEmbeddings;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ store, embeddings, dispose } = await storeWithRecords(numberedRecords(RECORDS, SYNC)));
});

afterAll(async () => {
  await dispose();
});

function setup(extra: Partial<PermissionAwareRetrieverFields>) {
  const access = new HeldAccess();
  for (let r = 0; r < RECORDS; r++) access.grant(USER, SYNC, `rec-${r}`);
  const retriever = new PermissionAwareRetriever({
    store,
    embeddings,
    access,
    tenant: "acme",
    syncIds: [SYNC],
    k: RECORDS,
    ...extra,
  });
  return { access, retriever };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

const ids = (result: { documents: { metadata: { recordId: string } }[] }) =>
  result.documents.map((d) => d.metadata.recordId);

/** A candidate source that waits for `hold` before its first page. */
function heldSource(vector: number[], hold: Promise<void>): CandidateSource {
  const inner = vectorSource(store, "acme", vector);
  return async (page) => {
    await hold;
    return inner(page);
  };
}

describe("evidence is stamped with the time its request was sent", () => {
  it("a query that began after a revocation does not trust an allow list requested before it (joined in flight)", async () => {
    const { access, retriever } = setup({ strategy: "pre" });
    const held = gate();
    access.listHold = held.wait;
    const a = retriever.retrieveWithReport("budget", { user: USER });
    await until(() => access.listCalls === 1);
    access.revoke(USER, SYNC, VICTIM);
    // B starts after the revocation and joins A's list request, still in flight.
    const b = retriever.retrieveWithReport("budget", { user: USER });
    await new Promise((resolve) => setTimeout(resolve, 20));
    held.open();
    access.listHold = undefined;
    await a;
    const later = await b;
    expect(ids(later)).not.toContain(VICTIM);
    expect(later.report.verified).toBeGreaterThan(0);
    expect(later.report.revokedOnVerify).toBeGreaterThan(0);
    expect(later.documents).toHaveLength(RECORDS - 1);
  });

  it("a query that began after a revocation does not trust a decision another query requested before it", async () => {
    const { access, retriever } = setup({ strategy: "post" });
    const held = gate();
    access.batchHold = held.wait;
    const a = retriever.retrieveWithReport("budget", { user: USER });
    await until(() => access.batchCalls === 1);
    access.revoke(USER, SYNC, VICTIM);
    // D starts now, after the revocation, but reaches the decision cache only once A's answer is in.
    const dCandidates = gate();
    const d = retriever.retrieveFromSource(
      heldSource(await embeddings.embedQuery("budget"), dCandidates.wait),
      {
        user: USER,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    access.batchHold = undefined;
    held.open();
    expect(ids(await a)).toContain(VICTIM);
    dCandidates.open();
    const later = await d;
    expect(ids(later)).not.toContain(VICTIM);
    expect(later.documents).toHaveLength(RECORDS - 1);
  });

  it("a decision requested before an invalidation does not re-enter the cache after it (freshnessMs 60 s)", async () => {
    const { access, retriever } = setup({ strategy: "post", freshnessMs: 60_000 });
    const held = gate();
    access.batchHold = held.wait;
    const a = retriever.retrieveWithReport("budget", { user: USER });
    await until(() => access.batchCalls === 1);
    access.revoke(USER, SYNC, VICTIM);
    retriever.invalidateRecord(VICTIM, SYNC);
    access.batchHold = undefined;
    held.open();
    await a;
    const later = await retriever.retrieveWithReport("budget", { user: USER });
    expect(ids(later)).not.toContain(VICTIM);
  });

  it("an allow list requested before an invalidation does not re-enter the cache after it (freshnessMs 60 s)", async () => {
    const { access, retriever } = setup({ strategy: "pre", freshnessMs: 60_000 });
    const held = gate();
    access.listHold = held.wait;
    const a = retriever.retrieveWithReport("budget", { user: USER });
    await until(() => access.listCalls === 1);
    access.revoke(USER, SYNC, VICTIM);
    retriever.invalidateRecord(VICTIM, SYNC);
    access.listHold = undefined;
    held.open();
    await a;
    const later = await retriever.retrieveWithReport("budget", { user: USER });
    expect(ids(later)).not.toContain(VICTIM);
  });
});
