// `budget.maxMs` bounds the query, over the real emulator: a permission call still in flight when
// it runs out (the emulator delays it: fault injection) is cancelled, and the query ends with what
// it had confirmed, `budgetHit: "time"`, `exhausted: false`. Never a candidate the cancelled call
// was to decide. Before, maxMs was looked at only when a round started: a slow check, a slow second
// round or a slow re-verification ran the query as long as the Permissions API took.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CorpusSpec } from "../../src/emulator/index.js";
import {
  type CandidateSource,
  createManagedSyncRetriever,
  type RetrievalSettingsInput,
  vectorSource,
} from "../../src/retrieval/index.js";
import type { ScoredChunk } from "../../src/store/index.js";
import { textFor } from "./helpers/corpus.js";
import { ingestFiles, startWorld, type World } from "./helpers/emulator-world.js";

const QUERY = "budget roadmap";
const PEOPLE = ["slow-round", "slow-reverify", "slow-first"].map((name) => `${name}@northwind.test`);
const [SLOW_ROUND, SLOW_REVERIFY, SLOW_FIRST] = PEOPLE as [string, string, string];
/** Far past maxMs, and within the client's timeout: without the budget, the call just comes back late. */
const SLOW_MS = 12_000;
const MAX_MS = 3_000;

function corpus(): CorpusSpec {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`drive/Docs/doc-${i}.md`] = `doc ${i}`;
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test" }, ...PEOPLE.map((email) => ({ email }))],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [{ integration: "googledrive", root: "drive", owner: "maya@northwind.test" }],
        },
      ],
      sharing: {},
    },
    files,
  };
}

let world: World;
/** The tenant's chunks for QUERY, best first (one chunk per file). */
let ranked: ScoredChunk[];

beforeAll(async () => {
  world = await startWorld(corpus(), "northwind", { timeoutMs: 30_000, retries: 0 });
  await ingestFiles(world, (_file, index) => [textFor(index * 3, 10)]);
  const vector = await world.embeddings.embedQuery(QUERY);
  ranked = await vectorSource(world.store, "northwind", vector)({ limit: 40, offset: 0 });
  const grants: [string, number[]][] = [
    // Two in the first post-filter round's page of k × 3 = 15, three in the second.
    [SLOW_ROUND, [0, 1, 20, 21, 22]],
    [SLOW_REVERIFY, [0, 1]],
    [SLOW_FIRST, [0, 1, 2, 3, 4, 5]],
  ];
  for (const [user, ranks] of grants) {
    for (const rank of ranks) {
      const { syncId, recordId } = ranked[rank]!.chunk;
      const path = [...world.files.values()].find((f) => f.id === recordId)!.path;
      await world.admin("POST", `/syncs/${syncId}/share`, { path, grant: { user, role: "reader" } });
    }
  }
});

afterEach(() => {
  world.emu.faults.clear();
});

afterAll(async () => {
  await world?.close();
});

function retriever(settings: RetrievalSettingsInput) {
  return createManagedSyncRetriever({
    client: world.client,
    store: world.store,
    embeddings: world.embeddings,
    tenant: "northwind",
    k: 5,
    budget: { maxMs: MAX_MS },
    ...settings,
  });
}

/** Every permission request from now on answers SLOW_MS late (`pathPattern`: which ones). */
function slowPermissions(pathPattern = "^/api/permissions/"): void {
  world.emu.faults.set({ rateSlow: 1, slowMs: SLOW_MS, pathPattern });
}

const rankOf = (recordId: string) => ranked.findIndex((hit) => hit.chunk.recordId === recordId);

describe("the time budget (maxMs) bounds a query", () => {
  it("cancels a slow second round's check: the answer is the first round's allowed chunks", async () => {
    const r = retriever({ strategy: "post" });
    const inner = vectorSource(world.store, "northwind", await world.embeddings.embedQuery(QUERY));
    let pages = 0;
    // The second page's check is the slow one: the delay starts as that page is handed over.
    const source: CandidateSource = async (page) => {
      pages += 1;
      if (pages === 2) slowPermissions();
      return inner(page);
    };
    const { documents, report } = await r.retrieveFromSource(source, { user: SLOW_ROUND });
    expect(pages).toBe(2);
    expect(documents.map((d) => rankOf(d.metadata.recordId))).toEqual([0, 1]);
    expect(report).toMatchObject({ returned: 2, exhausted: false, budgetHit: "time" });
    expect(report.reason).toMatch(/time budget \(maxMs, 3000 ms\) ran out/);
  });

  it("cancels a slow re-verification of a short answer: the answer stands, said not exhausted", async () => {
    const r = retriever({ strategy: "pre", reverifyShortAfterMs: 0 });
    const first = await r.retrieveWithReport(QUERY, { user: SLOW_REVERIFY });
    expect(first.report).toMatchObject({ returned: 2, exhausted: true });
    // The next short answer renews the cached list (re-verification): that request is the slow one.
    slowPermissions("/list-objects$");
    const { documents, report } = await r.retrieveWithReport(QUERY, { user: SLOW_REVERIFY });
    expect(documents.map((d) => rankOf(d.metadata.recordId))).toEqual([0, 1]);
    expect(report).toMatchObject({ returned: 2, exhausted: false, budgetHit: "time" });
    expect(report.reverified?.stoppedBy).toBe("time");
  });

  it("cancels a slow list fetch outside any round (pre-filter): nothing comes back, said not exhausted", async () => {
    slowPermissions("/list-objects$");
    const { documents, report } = await retriever({ strategy: "pre" }).retrieveWithReport(QUERY, {
      user: SLOW_FIRST,
    });
    expect(documents).toEqual([]);
    expect(report).toMatchObject({ returned: 0, exhausted: false, budgetHit: "time" });
    expect(report.reason).toMatch(/ran out during the query/);
  });

  it("cancels a stranger's slow first check and list: nothing unconfirmed comes back", async () => {
    slowPermissions();
    const { documents, report } = await retriever({}).retrieveWithReport(QUERY, { user: SLOW_FIRST });
    expect(documents).toEqual([]);
    expect(report).toMatchObject({ returned: 0, exhausted: false, budgetHit: "time" });
  });
});
