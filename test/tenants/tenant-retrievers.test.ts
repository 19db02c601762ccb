import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatResponseBody, createChatHandler } from "../../src/chat/index.js";
import { HashingEmbeddings } from "../../src/embeddings/index.js";
import { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import { chunkId, LanceChunkStore } from "../../src/store/index.js";
import {
  devHeaderIdentity,
  NoTenantError,
  singleTenant,
  TenantRetrievers,
  UnknownTenantError,
} from "../../src/tenants/index.js";
import { FakeAccessControl } from "../chat/helpers/fake-access.js";
import { chatRequest } from "../chat/helpers/world.js";

// A full collection (gc() is not exposed in the test workers unless asked for).
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

// Two companies in one store with the same record ids, the same file names and the same person
// (a contractor working for both): only the tenant tells their chunks apart.
const SYNC = "sync-drive";
const SAME_PERSON = "pat@contractor.test";
const TENANTS = { northwind: "Northwind", contoso: "Contoso" } as const;
type Tenant = keyof typeof TENANTS;
const RECORDS = ["rec-plan", "rec-salaries"] as const;

let dir: string;
let store: LanceChunkStore;
const embeddings = new HashingEmbeddings({ dimensions: 64 });
const access: Record<Tenant, FakeAccessControl> = {
  northwind: new FakeAccessControl().grant(SAME_PERSON, "rec-plan").grant(SAME_PERSON, "rec-salaries"),
  contoso: new FakeAccessControl().grant(SAME_PERSON, "rec-plan").grant(SAME_PERSON, "rec-salaries"),
};
const created: string[] = [];
const create = (tenant: string) => {
  created.push(tenant);
  return new PermissionAwareRetriever({
    store,
    embeddings,
    access: access[tenant as Tenant] ?? new FakeAccessControl(),
    tenant,
    k: 4,
    strategy: "post",
    // Trust cached decisions for a minute, so only an invalidation can make a revocation show.
    freshnessMs: 60_000,
    decisionCacheTtlMs: 60_000,
  });
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "clearance-tenants-"));
  store = await LanceChunkStore.open({ dir, dimensions: 64 });
  const rows = Object.entries(TENANTS).flatMap(([tenant, company]) =>
    RECORDS.map((recordId) => ({ tenant, company, recordId })),
  );
  const texts = rows.map(
    (r) => `${r.company} ${r.recordId === "rec-plan" ? "plan for next year" : "salary bands"}`,
  );
  const vectors = await embeddings.embedDocuments(texts);
  await store.upsert(
    rows.map((row, i) => ({
      id: chunkId({
        tenant: row.tenant,
        syncId: SYNC,
        recordId: row.recordId,
        chunkIndex: 0,
        contentHash: "h",
      }),
      tenant: row.tenant,
      syncId: SYNC,
      recordId: row.recordId,
      chunkIndex: 0,
      contentHash: "h",
      text: texts[i]!,
      vector: vectors[i]!,
      metadata: {
        integration: "googledrive",
        externalId: row.recordId,
        name: `${row.recordId}.md`,
        mimeType: "text/markdown",
        updatedAt: "2026-01-01T00:00:00.000Z",
      },
    })),
  );
});

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const textsOf = (docs: { pageContent: string }[]) => docs.map((d) => d.pageContent);

/**
 * Revokes the salaries file from the person in northwind's Permissions API, sends its invalidation
 * through `retrievers`, and expects `ask` (a query by whatever the caller holds) no longer to return it.
 */
async function expectRevocationReaches(retrievers: TenantRetrievers, ask: () => Promise<string[]>) {
  const revoked = new FakeAccessControl().grant(SAME_PERSON, "rec-plan");
  Object.assign(access.northwind, { batchCheck: revoked.batchCheck.bind(revoked) });
  try {
    retrievers.onPermissionChange("northwind", SYNC, "rec-salaries");
    expect(await ask()).not.toContain("Northwind salary bands");
  } finally {
    delete (access.northwind as { batchCheck?: unknown }).batchCheck;
  }
}

describe("TenantRetrievers", () => {
  it("creates each tenant's retriever once, on first use, and searches only that tenant's chunks", async () => {
    created.length = 0;
    const retrievers = new TenantRetrievers({ create });
    const north = await retrievers.forTenant("northwind").retrieveWithReport("plan", { user: SAME_PERSON });
    const cont = await retrievers.forTenant("contoso").retrieveWithReport("plan", { user: SAME_PERSON });
    expect(textsOf(north.documents).every((t) => t.startsWith("Northwind"))).toBe(true);
    expect(textsOf(cont.documents).every((t) => t.startsWith("Contoso"))).toBe(true);
    expect(north.documents).toHaveLength(2);
    expect(north.report.tenant).toBe("northwind");
    expect(cont.report.tenant).toBe("contoso");
    retrievers.forTenant("northwind");
    expect(created).toEqual(["northwind", "contoso"]);
  });

  it("holds at most maxTenants retrievers: memory stays flat however many tenants ever asked", () => {
    created.length = 0;
    const retrievers = new TenantRetrievers({ create, maxTenants: 2 });
    for (let i = 0; i < 50; i++) retrievers.forTenant(`t${i}`);
    expect(retrievers.heldTenants()).toEqual(["t49", "t48"]);
    expect(created).toHaveLength(50);
    // A dropped tenant comes back cold (a new retriever, empty caches), never another's.
    const again = retrievers.forTenant("t0");
    expect(again.tenant).toBe("t0");
    expect(created).toHaveLength(51);
    expect(() => new TenantRetrievers({ create, maxTenants: 0 })).toThrowError(/maxTenants/);
  });

  it("writes an evicted tenant's learnt allow rates at once, and every held tenant's on flushKnowledge()", async () => {
    const flushed: string[] = [];
    const retrievers = new TenantRetrievers({
      maxTenants: 1,
      create: (tenant) => {
        const retriever = create(tenant);
        retriever.flushKnowledge = async () => {
          flushed.push(tenant);
        };
        return retriever;
      },
    });
    retrievers.forTenant("northwind");
    retrievers.forTenant("contoso");
    expect(flushed).toEqual(["northwind"]);
    await retrievers.flushKnowledge();
    expect(flushed).toEqual(["northwind", "contoso"]);
  });

  it("flushKnowledge() also waits for an evicted tenant's write still in progress (the store closes after it)", async () => {
    let finishEvicted = () => {};
    const retrievers = new TenantRetrievers({
      maxTenants: 1,
      create: (tenant) => {
        const retriever = create(tenant);
        retriever.flushKnowledge = () =>
          tenant === "northwind"
            ? new Promise<void>((resolve) => {
                finishEvicted = resolve;
              })
            : Promise.resolve();
        return retriever;
      },
    });
    retrievers.forTenant("northwind");
    retrievers.forTenant("contoso"); // evicts northwind: its write starts and is still going
    let done = false;
    const flushing = retrievers.flushKnowledge().then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    finishEvicted();
    await flushing;
    expect(done).toBe(true);
  });

  it("refuses an unknown tenant, an empty one, and a factory that returns another tenant's retriever", () => {
    const retrievers = new TenantRetrievers({ create, isKnown: (t) => t in TENANTS });
    expect(() => retrievers.forTenant("mallory")).toThrowError(UnknownTenantError);
    expect(() => retrievers.forTenant(" ")).toThrowError(NoTenantError);
    const wrong = new TenantRetrievers({ create: () => create("northwind") });
    expect(() => wrong.forTenant("contoso")).toThrowError(/returned a retriever for tenant northwind/);
    expect(wrong.heldTenants()).toEqual([]);
  });

  it("stops serving a tenant removed since its retriever was made, and drops that retriever", () => {
    const served = new Set(["northwind", "contoso"]);
    const retrievers = new TenantRetrievers({ create, isKnown: (t) => served.has(t) });
    retrievers.forTenant("contoso");
    served.delete("contoso");
    expect(() => retrievers.forTenant("contoso")).toThrowError(UnknownTenantError);
    expect(retrievers.heldTenants()).toEqual([]);
    expect(retrievers.forTenant("northwind").tenant).toBe("northwind");
  });

  it("onPermissionChange reaches that tenant's caches only", async () => {
    const retrievers = new TenantRetrievers({ create });
    const ask = async (tenant: Tenant) =>
      textsOf(
        (await retrievers.forTenant(tenant).retrieveWithReport("salary bands", { user: SAME_PERSON }))
          .documents,
      );
    // Warm both tenants' decision caches, then revoke the salaries file in both sources.
    expect(await ask("northwind")).toContain("Northwind salary bands");
    expect(await ask("contoso")).toContain("Contoso salary bands");
    const revoked = { northwind: new FakeAccessControl().grant(SAME_PERSON, "rec-plan") };
    Object.assign(access.northwind, { batchCheck: revoked.northwind.batchCheck.bind(revoked.northwind) });
    Object.assign(access.contoso, { batchCheck: revoked.northwind.batchCheck.bind(revoked.northwind) });
    try {
      retrievers.onPermissionChange("contoso", SYNC, "rec-salaries");
      expect(await ask("contoso")).not.toContain("Contoso salary bands");
      // Northwind's cache was not told yet: only its own invalidation clears it.
      expect(await ask("northwind")).toContain("Northwind salary bands");
      retrievers.onPermissionChange("northwind", SYNC, "rec-salaries");
      expect(await ask("northwind")).not.toContain("Northwind salary bands");
      // A tenant with no held retriever has nothing cached: a no-op, not an error.
      retrievers.onPermissionChange("never-asked", SYNC, "rec-salaries");
      expect(retrievers.peek("never-asked")).toBeUndefined();
    } finally {
      delete (access.northwind as { batchCheck?: unknown }).batchCheck;
      delete (access.contoso as { batchCheck?: unknown }).batchCheck;
    }
  });

  it("an evicted retriever a caller still holds (a chat request condensing its question) still gets its tenant's invalidations", async () => {
    const retrievers = new TenantRetrievers({ create, maxTenants: 1 });
    const held = retrievers.forTenant("northwind");
    const ask = async () =>
      textsOf((await held.retrieveWithReport("salary bands", { user: SAME_PERSON })).documents);
    expect(await ask()).toContain("Northwind salary bands");
    // Another tenant's request drops northwind's retriever from the LRU; the caller still has it.
    retrievers.forTenant("contoso");
    expect(retrievers.peek("northwind")).toBeUndefined();
    await expectRevocationReaches(retrievers, ask);
  });

  it("an evicted retriever's forUser view a caller still holds (the documented forTenant(t).forUser(u)) still gets its tenant's invalidations, after a garbage collection", async () => {
    const retrievers = new TenantRetrievers({ create, maxTenants: 1 });
    // The caller holds the view only: nothing else refers to the retriever it came from.
    const probe = new WeakRef(retrievers.forTenant("northwind"));
    const view = probe.deref()!.forUser(SAME_PERSON);
    const ask = async () => textsOf((await view.retrieveWithReport("salary bands", {})).documents);
    expect(await ask()).toContain("Northwind salary bands");
    retrievers.forTenant("contoso");
    expect(retrievers.peek("northwind")).toBeUndefined();
    // A WeakRef's target survives until the current job ends: collect on later turns, until the
    // retriever is gone (it never is once its views hold it).
    for (let i = 0; i < 20 && probe.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
    }
    await expectRevocationReaches(retrievers, ask);
  });

  it("is a LangChain retriever: configurable { tenant, user } picks the tenant, no tenant throws", async () => {
    const retrievers = new TenantRetrievers({ create });
    const docs = await retrievers.invoke("plan", { configurable: { tenant: "contoso", user: SAME_PERSON } });
    expect(textsOf(docs).every((t) => t.startsWith("Contoso"))).toBe(true);
    expect(docs.length).toBeGreaterThan(0);
    await expect(retrievers.invoke("plan", { configurable: { user: SAME_PERSON } })).rejects.toThrow(
      NoTenantError,
    );
    await expect(retrievers._getRelevantDocuments("plan")).rejects.toThrow(NoTenantError);
  });
});

describe("the chat handler over TenantRetrievers", () => {
  const people = [
    { email: SAME_PERSON, tenant: "northwind" },
    { email: SAME_PERSON, tenant: "contoso" },
    { email: "ana@northwind.test", tenant: "northwind" },
  ];
  const chat = createChatHandler({
    retrievers: new TenantRetrievers({ create, isKnown: (t) => t in TENANTS }),
    identify: devHeaderIdentity({ people }),
  });
  const ask = (headers: Record<string, string>) => chat(chatRequest({ question: "salary bands" }, headers));

  it("answers each identity from its own tenant, naming it in the response and the report", async () => {
    for (const tenant of ["northwind", "contoso"] as const) {
      const response = await ask({ "x-clearance-tenant": tenant, "x-clearance-user": SAME_PERSON });
      expect(response.status).toBe(200);
      const body = (await response.json()) as ChatResponseBody;
      expect(body.tenant).toBe(tenant);
      expect(body.report.tenant).toBe(tenant);
      const other = tenant === "northwind" ? "Contoso" : "Northwind";
      expect(JSON.stringify(body)).not.toContain(other);
    }
  });

  it("401 without a tenant (never a default), and for a person swapped into a tenant they are not in", async () => {
    expect((await ask({ "x-clearance-user": SAME_PERSON })).status).toBe(401);
    expect(
      (await ask({ "x-clearance-tenant": "contoso", "x-clearance-user": "ana@northwind.test" })).status,
    ).toBe(401);
  });

  it("tells the retriever the identity was verified as a member of its tenant (tenant-wide records)", async () => {
    const contexts: unknown[] = [];
    const fake = access.northwind;
    const spying = {
      batchCheck: (
        subject: string,
        objects: Parameters<FakeAccessControl["batchCheck"]>[1],
        ...rest: unknown[]
      ) => {
        contexts.push(rest[2]); // (relation, signal, context)
        return fake.batchCheck(subject, objects);
      },
      listObjects: (subject: string) => fake.listObjects(subject),
    };
    const handler = createChatHandler({
      retriever: new PermissionAwareRetriever({
        store,
        embeddings,
        access: spying,
        tenant: "northwind",
        strategy: "post",
      }),
      identify: devHeaderIdentity(),
    });
    const response = await handler(
      chatRequest(
        { question: "plan" },
        { "x-clearance-tenant": "northwind", "x-clearance-user": SAME_PERSON },
      ),
    );
    expect(response.status).toBe(200);
    expect(contexts.length).toBeGreaterThan(0);
    expect(contexts.every((c) => (c as { member?: boolean } | undefined)?.member === true)).toBe(true);
  });

  it("single-tenant use: { retriever } serves its own tenant and refuses others with 403", async () => {
    const single = createChatHandler({
      retriever: create("northwind"),
      identify: devHeaderIdentity(),
    });
    const ok = await single(
      chatRequest(
        { question: "plan" },
        { "x-clearance-tenant": "northwind", "x-clearance-user": SAME_PERSON },
      ),
    );
    expect(ok.status).toBe(200);
    const other = await single(
      chatRequest({ question: "plan" }, { "x-clearance-tenant": "contoso", "x-clearance-user": SAME_PERSON }),
    );
    expect(other.status).toBe(403);
    expect(() => singleTenant(create("northwind")).forTenant("contoso")).toThrowError(UnknownTenantError);
    expect(() => createChatHandler({ identify: devHeaderIdentity() })).toThrowError(
      /exactly one of retriever/,
    );
  });
});
