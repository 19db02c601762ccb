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
import { COMPANIES, CONTRACTOR, companiesCorpus, FILES } from "./helpers/companies.js";

// The isolation property over the real emulator and the embedded store: three companies in one
// store with the same file names, the same record ids and the same person (a contractor in all
// three). Whatever anyone asks, whatever sharing changes and webhook invalidations interleave, no
// answer, citation, report field or error carries another tenant's data, and a valid identity of
// one tenant can never be made to read another's.

const DIMENSIONS = 64;
const ISSUER = "https://login.example.test";
const PATHS = Object.keys(FILES) as (keyof typeof FILES)[];
const TENANTS = COMPANIES.map((c) => c.tenant);

let emulator: Emulator;
let store: LanceChunkStore;
let dir: string;
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
  await store?.close();
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
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
interface Event {
  kind: "event";
  tenant: string;
  path: keyof typeof FILES;
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
const eventArb: fc.Arbitrary<Event> = fc.record({
  kind: fc.constant("event" as const),
  tenant: fc.constantFrom(...TENANTS),
  path: fc.constantFrom(...PATHS),
});

async function apply(step: Share | Event): Promise<void> {
  const { syncId, recordIds } = layout.get(step.tenant)!;
  if (step.kind === "share") {
    if (step.grant)
      await admin(`/syncs/${syncId}/share`, { path: step.path, grant: { user: step.user, role: "reader" } });
    else await admin(`/syncs/${syncId}/unshare`, { path: step.path, principal: { user: step.user } });
    const set = readers.get(step.tenant)!.get(step.path)!;
    const company = COMPANIES.find((c) => c.tenant === step.tenant)!;
    if (step.grant) set.add(step.user);
    else if (step.user !== company.owner) set.delete(step.user);
  }
  // What the webhook receiver does for a sharing_changed event of this tenant.
  retrievers.onPermissionChange(step.tenant, syncId, recordIds.get(step.path)!);
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
  it("no response ever carries another tenant's data, under interleaved asks, shares and events", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ arbitrary: askArb, weight: 3 }, shareArb, eventArb), {
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
