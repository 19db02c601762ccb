import { type RunnableConfig, RunnableLambda } from "@langchain/core/runnables";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { HashingEmbeddings } from "../../src/embeddings/index.js";
import {
  createRetrieverTool,
  PermissionAwareRetriever,
  type PermissionAwareRetrieverFields,
  RETRIEVAL_REPORT_EVENT,
  type RetrievalReport,
  type RetrievalResult,
} from "../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../src/store/index.js";
import { TenantRetrievers } from "../../src/tenants/index.js";
import { embeddings as makeEmbeddings, tempStore, textFor, upsertRecords } from "./helpers/corpus.js";
import { FakeAccessControl } from "./helpers/fake-access.js";

let store: LanceChunkStore;
let embeddings: HashingEmbeddings;
let dispose: () => Promise<void>;
const access = new FakeAccessControl();
const USER = "ana@acme.test";

beforeAll(async () => {
  ({ store, dispose } = await tempStore());
  embeddings = makeEmbeddings();
  const records = Array.from({ length: 120 }, (_, r) => ({
    tenant: "acme",
    syncId: "drive",
    recordId: `rec-${r}`,
    // Pairs of near-duplicate chunks, so MMR has something to spread out.
    texts: [textFor(r), textFor(r), textFor(r + 1_000)],
  }));
  await upsertRecords(store, embeddings, records);
  for (let r = 0; r < 120; r += 3) access.grant(USER, "drive", `rec-${r}`);
});

afterAll(async () => {
  await dispose();
});

const make = (extra: Partial<PermissionAwareRetrieverFields> = {}) =>
  new PermissionAwareRetriever({
    store,
    embeddings,
    access,
    tenant: "acme",
    syncIds: ["drive"],
    k: 4,
    ...extra,
  });

describe("LangChain integration", () => {
  it("emits the report as a custom callback event", async () => {
    const reports: RetrievalReport[] = [];
    const docs = await make().invoke("budget roadmap", {
      configurable: { user: USER },
      callbacks: [
        {
          handleCustomEvent(name: string, data: unknown) {
            if (name === RETRIEVAL_REPORT_EVENT) reports.push(data as RetrievalReport);
          },
        },
      ],
    });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ subject: USER, k: 4, returned: docs.length });
    expect(docs).toHaveLength(4);
  });

  it("picks the user up from the config of an enclosing chain", async () => {
    const retriever = make();
    const chain = RunnableLambda.from(async (question: string, config) => retriever.invoke(question, config));
    const docs = await chain.invoke("security incident", { configurable: { user: USER } });
    expect(docs).toHaveLength(4);
    for (const doc of docs)
      expect(access.allows(USER, doc.metadata.syncId, doc.metadata.recordId)).toBe(true);
    await expect(chain.invoke("security incident")).rejects.toMatchObject({ code: "NO_SUBJECT" });
  });

  it("carries what a citation needs in Document metadata", async () => {
    const [doc] = await make().forUser(USER).invoke("budget");
    expect(doc?.metadata).toMatchObject({
      recordId: expect.stringMatching(/^rec-/),
      syncId: "drive",
      chunkIndex: expect.any(Number),
      score: expect.any(Number),
      name: expect.stringMatching(/\.md$/),
      url: expect.stringMatching(/^https:/),
    });
    expect(doc?.id).toBe(doc?.metadata.chunkId);
  });

  it("honours an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort(new Error("caller gave up"));
    await expect(
      make().invoke("budget", { configurable: { user: USER }, signal: controller.signal }),
    ).rejects.toThrow();
  });
});

describe("MMR", () => {
  it("refuses an mmr.fetchK past k's own bound, saying what it takes", () => {
    // fetchK is the enforced search's k: 20,000 made a pre-filter page of 20,000, past the store's 10,000.
    expect(() => make({ searchType: "mmr", mmr: { fetchK: 20_000 } })).toThrow(
      /mmr\.fetchK must be an integer from 1 to 1000 \(got 20000\)/,
    );
    expect(() => make({ searchType: "mmr", mmr: { fetchK: 1_000 } })).not.toThrow();
  });

  it("diversifies among allowed candidates only", async () => {
    const plain = await make({ k: 6 }).retrieveWithReport("budget roadmap hiring", { user: USER });
    const mmr = await make({ k: 6, searchType: "mmr", mmr: { fetchK: 30, lambda: 0.3 } }).retrieveWithReport(
      "budget roadmap hiring",
      { user: USER },
    );
    expect(mmr.documents).toHaveLength(6);
    expect(mmr.report).toMatchObject({ k: 6, returned: 6 });
    for (const doc of mmr.documents) expect(access.allows(USER, "drive", doc.metadata.recordId)).toBe(true);
    const distinct = (docs: typeof plain.documents) => new Set(docs.map((d) => d.pageContent)).size;
    expect(distinct(mmr.documents)).toBeGreaterThan(distinct(plain.documents));
    expect(mmr.report.candidatesScanned).toBeGreaterThanOrEqual(30);
  });
});

describe("agent tool", () => {
  it("searches as the run's configurable.user through the same enforcement", async () => {
    const search = createRetrieverTool(make());
    const message = await search.invoke(
      { id: "call-1", name: search.name, args: { query: "budget" }, type: "tool_call" },
      { configurable: { user: USER } },
    );
    const artifact = message.artifact as RetrievalResult;
    expect(artifact.documents).toHaveLength(4);
    for (const doc of artifact.documents)
      expect(access.allows(USER, "drive", doc.metadata.recordId)).toBe(true);
    expect(String(message.content)).toContain("[1]");
  });

  it("says when fewer than k came back, and refuses without a user", async () => {
    const search = createRetrieverTool(make());
    const few = await search.invoke(
      { id: "call-2", name: search.name, args: { query: "budget" }, type: "tool_call" },
      { configurable: { user: "nobody@acme.test" } },
    );
    expect(String(few.content)).toMatch(/0 of 4 passages/);
    await expect(search.invoke({ query: "budget" })).rejects.toMatchObject({ code: "NO_SUBJECT" });
  });

  it("reads the person (and tenant) from a LangChain v1 agent's runtime context", async () => {
    const search = createRetrieverTool(make());
    // What langchain's ToolNode passes: the LangGraph config with the run's `context`.
    const call = (context: Record<string, unknown>) =>
      search.invoke({ id: "call-3", name: search.name, args: { query: "budget" }, type: "tool_call" }, {
        context,
      } as RunnableConfig);
    const message = await call({ user: USER });
    const artifact = message.artifact as RetrievalResult;
    expect(artifact.documents).toHaveLength(4);
    for (const doc of artifact.documents)
      expect(access.allows(USER, "drive", doc.metadata.recordId)).toBe(true);
    expect((await call({ user: USER, tenant: "acme" })).artifact.documents).toHaveLength(4);
    // One tenant's tool never searches for a run that names another tenant.
    await expect(call({ user: USER, tenant: "globex" })).rejects.toMatchObject({ code: "TENANT_MISMATCH" });
  });

  // `member` says the caller is a verified member of the tenant (the tenant record policy allows
  // on it). Picked field by field, a run whose context named the user and whose configurable said
  // `member` (or another tenant) searched as a caller neither source vouched for.
  it("takes the whole caller from the source that names the user: no member or tenant from the other", async () => {
    const retriever = make();
    const asked = vi.spyOn(retriever, "retrieveWithReport");
    const search = createRetrieverTool(retriever);
    const call = (config: Record<string, unknown>) =>
      search.invoke(
        { id: "call-5", name: search.name, args: { query: "budget" }, type: "tool_call" },
        config as RunnableConfig,
      );
    await call({ context: { user: USER }, configurable: { member: true } });
    expect(asked.mock.calls[0]?.[1]).not.toHaveProperty("member");
    await call({ context: { member: true }, configurable: { user: USER } });
    expect(asked.mock.calls[1]?.[1]).not.toHaveProperty("member");
    // Another tenant named beside the context's user is not taken for the user's.
    await call({ context: { user: USER }, configurable: { tenant: "globex" } });
    expect(asked).toHaveBeenCalledTimes(3);
    // The caller's own source still says it all.
    await call({ context: { user: USER, member: true } });
    expect(asked.mock.calls[3]?.[1]).toMatchObject({ user: USER, member: true });
    await expect(call({ configurable: { user: USER, tenant: "globex" } })).rejects.toMatchObject({
      code: "TENANT_MISMATCH",
    });
    asked.mockRestore();
  });

  it("serves the run's tenant from per-tenant retrievers, and refuses a run without one", async () => {
    const search = createRetrieverTool(
      new TenantRetrievers({ create: () => make(), isKnown: (t) => t === "acme" }),
    );
    const invoke = (config: RunnableConfig) =>
      search.invoke(
        { id: "call-4", name: search.name, args: { query: "budget" }, type: "tool_call" },
        config,
      );
    const viaContext = await invoke({ context: { user: USER, tenant: "acme" } } as RunnableConfig);
    expect((viaContext.artifact as RetrievalResult).documents).toHaveLength(4);
    const viaConfigurable = await invoke({ configurable: { user: USER, tenant: "acme" } });
    expect((viaConfigurable.artifact as RetrievalResult).report.tenant).toBe("acme");
    await expect(invoke({ context: { user: USER } } as RunnableConfig)).rejects.toMatchObject({
      code: "NO_TENANT",
    });
    await expect(
      invoke({ context: { user: USER, tenant: "globex" } } as RunnableConfig),
    ).rejects.toMatchObject({
      code: "TENANT_UNKNOWN",
    });
  });
});
