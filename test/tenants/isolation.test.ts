import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatResponseBody, createChatHandler } from "../../src/chat/index.js";
import { HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { createManagedSyncRetriever } from "../../src/retrieval/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { ingestTenants, jwtIdentity, TenantClients, TenantRetrievers } from "../../src/tenants/index.js";
import { startWebhookIngest, type WebhookIngest } from "../../src/webhooks/index.js";
import { serve } from "../webhooks/harness.js";
import { COMPANIES, CONTRACTOR, companiesCorpus, FILES } from "./helpers/companies.js";

// The isolation property over the real emulator and the embedded store: three companies in one
// store with the same file names, the same record ids and the same person (a contractor in all
// three). Whatever anyone asks, whatever sharing changes and webhook invalidations interleave, no
// answer, citation, report field or error carries another tenant's data, and a valid identity of
// one tenant can never be made to read another's. Shares and edits reach Clearance as the real
// webhooks the emulator sends (one URL for every tenant), processed by the webhook ingest.

const DIMENSIONS = 64;
const ISSUER = "https://login.example.test";
const PATHS = Object.keys(FILES) as (keyof typeof FILES)[];
const TENANTS = COMPANIES.map((c) => c.tenant);

let emulator: Emulator;
let store: LanceChunkStore;
let dir: string;
let spoolDir: string;
let webhooks: WebhookIngest;
let hooks: { url: string; close: () => Promise<void> };
let chat: (request: Request) => Promise<Response>;
let retrievers: TenantRetrievers;
const idp = await generateKeyPair("ES256");
const forger = await generateKeyPair("ES256");
/** Per tenant: its sync id and each file's record id (the same ids in every tenant). */
const layout = new Map<string, { syncId: string; recordIds: Map<string, string> }>();
/** Who may read which file, per tenant: what the emulator's sharing says, kept in step. */
const readers = new Map<string, Map<string, Set<string>>>();

beforeAll(async () => {
  emulator = await startEmulator({ corpus: companiesCorpus(), port: 0 });
  dir = await mkdtemp(join(tmpdir(), "clearance-isolation-"));
  store = await LanceChunkStore.open({ dir, dimensions: DIMENSIONS });
  const embeddings = new HashingEmbeddings({ dimensions: DIMENSIONS });
  const clients = new TenantClients({
    baseUrl: emulator.url,
    credentials: { signingKey: emulator.signingKeyPem!, projectId: emulator.projectId },
  });
  const ingested = await ingestTenants({
    tenants: TENANTS,
    clientFor: (t) => clients.forTenant(t),
    store,
    embeddings,
    holder: "isolation",
  });
  expect(ingested.ok).toBe(true);
  for (const company of COMPANIES) {
    const sync = emulator.state.syncsOf(company.tenant)[0]!;
    const recordIds = new Map(PATHS.map((p) => [p, sync.tree.getByPath(p)!.id]));
    layout.set(company.tenant, { syncId: sync.id, recordIds });
    readers.set(company.tenant, new Map(PATHS.map((p) => [p, new Set([company.owner, ...company.readers])])));
  }
  // The premise of the test: record ids collide across tenants; only the tenant tells them apart.
  expect(new Set(TENANTS.map((t) => layout.get(t)!.recordIds.get(PATHS[0]!))).size).toBe(1);

  retrievers = new TenantRetrievers({
    // Fewer retrievers than tenants: eviction and re-creation happen during the property too.
    maxTenants: 2,
    isKnown: (tenant) => TENANTS.includes(tenant),
    create: (tenant) =>
      createManagedSyncRetriever({
        client: clients.forTenant(tenant),
        store,
        embeddings,
        tenant,
        k: 6,
        strategy: "auto",
      }),
  });
  // One webhook URL for the whole project, as in `serve --webhooks`: each event goes to its
  // tenant's client and store partition, and its invalidations to that tenant's retriever.
  spoolDir = await mkdtemp(join(tmpdir(), "clearance-isolation-spool-"));
  webhooks = await startWebhookIngest({
    spoolDir,
    store,
    embeddings,
    tenants: { isKnown: (tenant) => TENANTS.includes(tenant) },
    clientFor: (tenant) => clients.forTenant(tenant),
    secret: "s3cret",
    onPermissionChange: (tenant, syncId, recordId) => retrievers.onPermissionChange(tenant, syncId, recordId),
    backoff: { baseMs: 20, maxMs: 200 },
  });
  hooks = await serve((app) => app.post("/hooks", (c) => webhooks.handler(c.req.raw)));
  emulator.webhooks.setUrl(`${hooks.url}/hooks?secret=s3cret`);
  chat = createChatHandler({
    retrievers,
    identify: jwtIdentity({
      key: idp.publicKey,
      issuer: ISSUER,
      audience: "clearance",
      tenantClaim: "org_id",
    }),
  });
});

afterAll(async () => {
  emulator?.webhooks.setUrl(undefined);
  await hooks?.close();
  await webhooks?.close();
  await store?.close();
  await emulator?.close();
  for (const folder of [dir, spoolDir]) if (folder) await rm(folder, { recursive: true, force: true });
});

const tokenOf = (claims: Record<string, unknown>, key: CryptoKey = idp.privateKey) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256" })
    .setIssuer(ISSUER)
    .setAudience("clearance")
    .setExpirationTime("5m")
    .sign(key);

async function admin(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${emulator.url}/__admin${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${emulator.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${await response.text()}`);
}

/**
 * Everything in a response that names another tenant (company names, sync ids, tenant ids),
 * after removing what the caller sent itself (the question and their email are echoed back).
 */
function foreignTraces(response: string, tenant: string, echoed: readonly string[] = []): string[] {
  let text = response;
  for (const own of echoed) text = text.replaceAll(JSON.stringify(own).slice(1, -1), "");
  const traces: string[] = [];
  for (const other of COMPANIES.filter((c) => c.tenant !== tenant)) {
    for (const needle of [other.name, other.tenant, layout.get(other.tenant)!.syncId]) {
      if (text.toLowerCase().includes(needle.toLowerCase())) traces.push(needle);
    }
  }
  return traces;
}

type Swap = "none" | "tenant-header" | "forged-claim" | "no-tenant-claim";

interface Ask {
  kind: "ask";
  tenant: string;
  user: string;
  question: string;
  stream: boolean;
  swap: Swap;
  other: string;
}
interface Share {
  kind: "share";
  tenant: string;
  path: keyof typeof FILES;
  user: string;
  grant: boolean;
}
interface Edit {
  kind: "edit";
  tenant: string;
  path: keyof typeof FILES;
  revision: number;
}

const people = [...new Set(COMPANIES.flatMap((c) => [c.owner, ...c.readers]))];
const questions = [
  ...COMPANIES.flatMap((c) => [`What does ${c.name} pay engineers?`, `${c.name} roadmap`]),
  "salary bands",
  "pricing discount",
  "What ships in Q3?",
];

const askArb: fc.Arbitrary<Ask> = fc.record({
  kind: fc.constant("ask" as const),
  tenant: fc.constantFrom(...TENANTS),
  user: fc.constantFrom(...people),
  question: fc.constantFrom(...questions),
  stream: fc.boolean(),
  swap: fc.constantFrom<Swap>("none", "none", "tenant-header", "forged-claim", "no-tenant-claim"),
  other: fc.constantFrom(...TENANTS),
});
const shareArb: fc.Arbitrary<Share> = fc.record({
  kind: fc.constant("share" as const),
  tenant: fc.constantFrom(...TENANTS),
  path: fc.constantFrom(...PATHS),
  user: fc.constantFrom(CONTRACTOR, "ana@northwind.test", "raj@contoso.test"),
  grant: fc.boolean(),
});
const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constant("edit" as const),
  tenant: fc.constantFrom(...TENANTS),
  path: fc.constantFrom(...PATHS),
  revision: fc.integer({ min: 1, max: 1_000 }),
});

/** The emulator's webhooks for a change, delivered and processed. */
async function settle(): Promise<void> {
  await emulator.webhooks.idle();
  await webhooks.idle();
}

async function apply(step: Share | Edit): Promise<void> {
  const { syncId } = layout.get(step.tenant)!;
  const company = COMPANIES.find((c) => c.tenant === step.tenant)!;
  if (step.kind === "edit") {
    // The same path and record id exist in every tenant: the event's user.id alone says whose it is.
    const text = `${FILES[step.path](company.name)}\n${company.name} revision ${step.revision}.\n`;
    const response = await fetch(
      `${emulator.url}/__admin/syncs/${syncId}/files?path=${encodeURIComponent(step.path)}`,
      { method: "PUT", headers: { authorization: `Bearer ${emulator.adminToken}` }, body: text },
    );
    if (!response.ok) throw new Error(`edit ${step.path}: ${response.status} ${await response.text()}`);
  }
  if (step.kind === "share") {
    if (step.grant)
      await admin(`/syncs/${syncId}/share`, { path: step.path, grant: { user: step.user, role: "reader" } });
    else await admin(`/syncs/${syncId}/unshare`, { path: step.path, principal: { user: step.user } });
    const set = readers.get(step.tenant)!.get(step.path)!;
    if (step.grant) set.add(step.user);
    else if (step.user !== company.owner) set.delete(step.user);
  }
  // The emulator sends record_updated for the edit or the sharing change; the receiver applies it.
  await settle();
  expect(webhooks.metrics()).toMatchObject({ deadLettered: 0 });
  // Every tenant's chunks still name only that tenant's company.
  for (const tenant of TENANTS) {
    const texts = await textsOf(tenant);
    expect(texts.length).toBe(PATHS.length);
    expect(texts.flatMap((t) => foreignTraces(t, tenant))).toEqual([]);
  }
}

async function textsOf(tenant: string): Promise<string[]> {
  const total = await store.count({ tenant });
  const probe = Array.from({ length: DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0));
  return (await store.search(probe, { tenant, limit: total })).map((hit) => hit.chunk.text);
}

async function ask(step: Ask): Promise<void> {
  const claims: Record<string, unknown> = { email: step.user, org_id: step.tenant };
  if (step.swap === "no-tenant-claim") delete claims.org_id;
  if (step.swap === "forged-claim") claims.org_id = step.other;
  const token = await tokenOf(claims, step.swap === "forged-claim" ? forger.privateKey : idp.privateKey);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    authorization: `Bearer ${token}`,
  };
  // A header naming another tenant means nothing next to a verified token.
  if (step.swap === "tenant-header") headers["x-clearance-tenant"] = step.other;
  const response = await chat(
    new Request("http://clearance.test/api/chat", {
      method: "POST",
      headers,
      body: JSON.stringify({ question: step.question, stream: step.stream }),
    }),
  );
  const text = await response.text();
  if (step.swap === "forged-claim" || step.swap === "no-tenant-claim") {
    expect(response.status, text).toBe(401);
    expect(foreignTraces(text, step.tenant, [step.question, step.user])).toEqual([]);
    return;
  }
  expect(response.status, text).toBe(200);
  expect(foreignTraces(text, step.tenant, [step.question, step.user]), text).toEqual([]);
  const { syncId, recordIds } = layout.get(step.tenant)!;
  const allowed = new Set(
    PATHS.filter((p) => readers.get(step.tenant)!.get(p)!.has(step.user)).map((p) => recordIds.get(p)!),
  );
  const body = step.stream ? fromSse(text) : (JSON.parse(text) as ChatResponseBody);
  expect(body.report.tenant).toBe(step.tenant);
  if (!step.stream) expect((body as ChatResponseBody).tenant).toBe(step.tenant);
  for (const citation of body.citations) {
    expect(citation.syncId).toBe(syncId);
    // Same record ids in every tenant: allowed here is allowed in THIS tenant's sharing only.
    expect(allowed.has(citation.recordId), `${step.user} in ${step.tenant} got ${citation.name}`).toBe(true);
  }
}

function fromSse(text: string): Pick<ChatResponseBody, "report" | "citations"> {
  const events = text
    .split("\n\n")
    .filter((b) => b.trim() !== "")
    .map((b) => ({
      event: /^event: (.*)$/m.exec(b)?.[1],
      data: JSON.parse(/^data: (.*)$/m.exec(b)?.[1] ?? "null"),
    }));
  expect(events.some((e) => e.event === "done")).toBe(true);
  return {
    report: events.find((e) => e.event === "report")!.data,
    citations: events.filter((e) => e.event === "citation").map((e) => e.data),
  };
}

describe("tenant isolation", () => {
  it("no response ever carries another tenant's data, under interleaved asks, shares and webhook-applied edits", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ arbitrary: askArb, weight: 3 }, shareArb, editArb), {
          minLength: 1,
          maxLength: 8,
        }),
        async (steps) => {
          for (const step of steps) {
            if (step.kind === "ask") await ask(step);
            else await apply(step);
          }
        },
      ),
      { numRuns: 25, seed: 20261206, endOnFailure: true },
    );
    // The edits and shares above really went through the webhook ingest.
    expect(webhooks.metrics()).toMatchObject({ deadLettered: 0 });
    expect(webhooks.metrics().processed).toBeGreaterThan(0);
  });

  it("the contractor of all three companies reads each company's file only in that company", async () => {
    for (const tenant of TENANTS) {
      await ask({
        kind: "ask",
        tenant,
        user: CONTRACTOR,
        question: "salary bands",
        stream: false,
        swap: "none",
        other: tenant,
      });
    }
  });

  it("a valid identity for tenant A is never answered from B: header swapped, claim forged, claim missing", async () => {
    const [a, b] = TENANTS as [string, string];
    for (const swap of ["tenant-header", "forged-claim", "no-tenant-claim"] as const) {
      await ask({
        kind: "ask",
        tenant: a,
        user: CONTRACTOR,
        question: "Contoso salary bands",
        stream: false,
        swap,
        other: b,
      });
    }
    // An identity of a tenant this deployment does not serve: 403, and nothing of anyone's.
    const token = await tokenOf({ email: CONTRACTOR, org_id: "mallory" });
    const response = await chat(
      new Request("http://clearance.test/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ question: "salary bands" }),
      }),
    );
    expect(response.status).toBe(403);
    expect(foreignTraces(await response.text(), "mallory")).toEqual([]);
  });
});
