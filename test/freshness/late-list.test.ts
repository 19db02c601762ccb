// An allow list and a check of the same record whose answers come back out of order, over the real
// emulator: a list asked for before a revocation, held up on the way back, names the record; a
// check asked for after the revocation denies it and is cached. The list is the older word: with
// caching on (freshnessMs > 0, no follower), a later query took the cached list for the answer and
// returned the revoked file over the newer cached denial, as a late allow answer did before the
// decision cache refused it (late-answer.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccessControl, type AllowList, ManagedSyncAccessControl } from "../../src/access/index.js";
import type { CorpusSpec } from "../../src/emulator/index.js";
import { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import { gate } from "../gate.js";
import { textFor } from "../retrieval/helpers/corpus.js";
import { ingestFiles, startWorld, type World } from "../retrieval/helpers/emulator-world.js";
import { until } from "../until.js";

const ANA = "ana@northwind.test";

function corpus(): CorpusSpec {
  const files: Record<string, string> = {
    "drive/Plans/roadmap.md": "roadmap",
    "drive/Plans/budget.md": "budget",
  };
  // Past the first query's larger page (k × 15): the race then waits for the list.
  for (let i = 0; i < 98; i++) files[`drive/Docs/doc-${i}.md`] = `doc ${i}`;
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test" }, { email: ANA }],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [{ integration: "googledrive", root: "drive", owner: "maya@northwind.test" }],
        },
      ],
      sharing: {
        "drive/Plans/roadmap.md": { grants: [{ user: ANA, role: "reader" }] },
        "drive/Plans/budget.md": { grants: [{ user: ANA, role: "reader" }] },
      },
    },
    files,
  };
}

/**
 * The real Permissions API port, with list answers the test holds on their way back, and checks
 * the test holds before they are sent.
 */
class Held implements AccessControl {
  holdList: Promise<void> | undefined;
  holdCheck: Promise<void> | undefined;
  listed = 0;
  waiting = 0;
  checked = 0;

  constructor(readonly inner: AccessControl) {}

  async batchCheck(...args: Parameters<AccessControl["batchCheck"]>) {
    const hold = this.holdCheck;
    this.holdCheck = undefined;
    if (hold) {
      this.waiting += 1;
      await hold;
    }
    const answer = await this.inner.batchCheck(...args);
    this.checked += 1;
    return answer;
  }

  async listObjects(...args: Parameters<AccessControl["listObjects"]>): Promise<AllowList> {
    const hold = this.holdList;
    this.holdList = undefined;
    const answer = await this.inner.listObjects(...args);
    this.listed += 1;
    if (hold) await hold;
    return answer;
  }
}

let world: World;

beforeAll(async () => {
  world = await startWorld(corpus(), "northwind");
  await ingestFiles(world, (_file, index) => [textFor(index, 10)]);
});

afterAll(async () => {
  await world?.close();
});

describe("an allow list that arrives after a newer denial of one of its records", () => {
  it("does not admit the record over the denial in later queries", { timeout: 30_000 }, async () => {
    const roadmap = [...world.files.values()].find((f) => f.path === "Plans/roadmap.md")!;
    const access = new Held(new ManagedSyncAccessControl({ permissions: world.client.permissions }));
    // Cached evidence is used on age alone for a minute (`age` freshness, no follower).
    const retriever = new PermissionAwareRetriever({
      store: world.store,
      embeddings: world.embeddings,
      access,
      tenant: "northwind",
      syncIds: [roadmap.syncId],
      k: 5,
      freshnessMs: 60_000,
      decisionCacheTtlMs: 60_000,
      allowSetTtlMs: 60_000,
    });
    const ids = (result: { documents: { metadata: { recordId: string } }[] }) =>
      result.documents.map((d) => d.metadata.recordId);

    // A, a stranger's first query: its list probe is answered (the roadmap listed) and held on
    // its way back; its round's check of the best page is held before it is sent (the round then
    // checks its larger page too: the probe is not back).
    const list = gate();
    const check = gate();
    access.holdList = list.wait;
    access.holdCheck = check.wait;
    const a = retriever.retrieveWithReport("roadmap", { user: ANA });
    await until(() => access.listed === 1 && access.waiting === 1);
    // The roadmap is unshared; the check goes out after that: denied, and cached.
    await world.admin("POST", `/syncs/${roadmap.syncId}/unshare`, {
      path: "Plans/roadmap.md",
      principal: { user: ANA },
    });
    check.open();
    await until(() => access.checked === 2);
    // The list arrives last (and is cached): the older word. A itself goes by its newer denial.
    list.open();
    const first = await a;
    expect(ids(first)).not.toContain(roadmap.id);

    const next = await retriever.retrieveWithReport("roadmap", { user: ANA });
    expect(next.report.strategy).toBe("pre");
    expect(ids(next)).not.toContain(roadmap.id);
  });
});
