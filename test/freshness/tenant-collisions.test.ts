// The follower across tenants whose files share record ids and whose reader is the same person (a
// contractor of three companies), over the real emulator, client, LanceDB store and TenantRetrievers
// holding fewer retrievers than tenants (so they are evicted and made again between queries): a
// revocation in one tenant's sync, read by the follower, reaches that tenant's cached allows, asked
// for in any spelling of the email, and leaves the other tenants' answers as they were.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preciseNow } from "../../src/access/index.js";
import { HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { PermissionFollower } from "../../src/freshness/index.js";
import { createManagedSyncRetriever } from "../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../src/store/index.js";
import { ingestTenants, TenantClients, TenantRetrievers } from "../../src/tenants/index.js";
import { tempStore } from "../retrieval/helpers/corpus.js";
import { COMPANIES, CONTRACTOR, companiesCorpus } from "../tenants/helpers/companies.js";
import { caughtUp } from "./helpers/followed.js";

const TENANTS = COMPANIES.map((c) => c.tenant);
const ROADMAP = "Plans/Roadmap.md";

let emulator: Emulator;
let store: LanceChunkStore;
let dispose: () => Promise<void>;
let clients: TenantClients;
const embeddings = new HashingEmbeddings({ dimensions: 64 });

beforeAll(async () => {
  emulator = await startEmulator({ corpus: companiesCorpus(), port: 0 });
  ({ store, dispose } = await tempStore());
  clients = new TenantClients({
    baseUrl: emulator.url,
    credentials: { signingKey: emulator.signingKeyPem!, projectId: emulator.projectId },
  });
  const ingested = await ingestTenants({
    tenants: TENANTS,
    clientFor: (t) => clients.forTenant(t),
    store,
    embeddings,
    holder: "tenant-collisions",
  });
  expect(ingested.ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await dispose?.();
});

describe("a revocation in one tenant, read by the follower, where record ids and the reader collide across tenants", () => {
  it.each(["post", "pre"] as const)("reaches that tenant's cached allows only (%s)", async (strategy) => {
    const syncOf = (tenant: string) => emulator.state.syncsOf(tenant)[0]!;
    const roadmapId = syncOf(TENANTS[0]!).tree.getByPath(ROADMAP)!.id;
    // The premise: one record id in every tenant.
    for (const tenant of TENANTS) expect(syncOf(tenant).tree.getByPath(ROADMAP)!.id).toBe(roadmapId);
    let retrievers: TenantRetrievers | undefined;
    const follower = new PermissionFollower({
      readerFor: (tenant) => clients.forTenant(tenant).permissions,
      invalidate: (tenant, scope) => retrievers?.invalidate(tenant, scope),
      intervalMs: 50,
    });
    retrievers = new TenantRetrievers({
      maxTenants: 2,
      create: (tenant) =>
        createManagedSyncRetriever({
          client: clients.forTenant(tenant),
          store,
          embeddings,
          tenant,
          k: 6,
          strategy,
          freshnessMs: 60_000,
          changes: follower.forTenant(tenant),
        }),
    });
    const ask = async (tenant: string, user = CONTRACTOR, retriever = retrievers!.forTenant(tenant)) => {
      const { documents, report } = await retriever.retrieveWithReport("roadmap freight tracker", { user });
      return { ids: documents.map((d) => d.metadata.recordId), report };
    };
    const [changed, ...others] = TENANTS as [string, ...string[]];
    // Held by a caller (a chat request in progress) while the other tenants' queries evict it.
    const held = retrievers.forTenant(changed);
    try {
      for (const tenant of TENANTS) await ask(tenant); // starts following each tenant's sync
      await caughtUp(follower);
      await ask(changed, CONTRACTOR, held); // decided after the follower started
      const warm = await ask(changed, CONTRACTOR, held);
      expect(warm.report.freshness.unverified).toBeUndefined();
      expect(warm.report.permissionCalls).toBe(0);
      expect(warm.ids).toContain(roadmapId);
      for (const tenant of others) await ask(tenant);
      expect(retrievers.heldTenants()).not.toContain(changed);

      const response = await fetch(`${emulator.url}/__admin/syncs/${syncOf(changed).id}/unshare`, {
        method: "POST",
        headers: { authorization: `Bearer ${emulator.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ path: ROADMAP, principal: { user: CONTRACTOR } }),
      });
      expect(response.ok).toBe(true);
      await caughtUp(follower, preciseNow());

      for (const user of [CONTRACTOR, " Pat@Contractor.TEST "]) {
        for (const retriever of [held, retrievers.forTenant(changed)]) {
          const after = await ask(changed, user, retriever);
          expect(after.report.freshness.unverified).toBeUndefined();
          expect(after.ids).not.toContain(roadmapId);
        }
      }
      for (const tenant of others) expect((await ask(tenant)).ids).toContain(roadmapId);
    } finally {
      await follower.close();
      await fetch(`${emulator.url}/__admin/syncs/${syncOf(changed).id}/share`, {
        method: "POST",
        headers: { authorization: `Bearer ${emulator.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ path: ROADMAP, grant: { user: CONTRACTOR, role: "reader" } }),
      });
    }
  });
});
