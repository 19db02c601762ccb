import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator, WebhookSender } from "../../src/emulator/index.js";
import type { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { startWebhookIngest, type WebhookIngest, type WebhookTenants } from "../../src/webhooks/index.js";
import {
  cleanSnapshotOf,
  clientFor,
  DIMENSIONS,
  newEmbeddings,
  OTHER_TENANT,
  serve,
  snapshot,
  TENANT,
  tempDir,
  twoTenantCorpus,
} from "./harness.js";

const NEWCOMER = "globex";
const bytes = (s: string) => new TextEncoder().encode(s);

/**
 * One receiver for the whole project: Paragon sends every Connected User's webhooks to one URL,
 * and each event must land in its own tenant, over the real emulator and the embedded store.
 */
describe("one webhook URL, several tenants", () => {
  let emulator: Emulator;
  let store: LanceChunkStore;
  let webhooks: WebhookIngest;
  let sender: WebhookSender;
  let http: { url: string; close: () => Promise<void> };
  let storeDir: string;
  let spoolDir: string;
  const clients = new Map<string, ManagedSyncClient>();
  const listCalls = new Map<string, number>();
  const known = new Set([TENANT, OTHER_TENANT]);
  const discovered: string[] = [];
  const tenants: WebhookTenants = { isKnown: (tenant) => known.has(tenant) };
  const invalidations: { tenant: string; syncId: string; recordId: string }[] = [];

  const syncIdsOf = (tenant: string) => emulator.state.syncsOf(tenant).map((s) => s.id);
  const client = async (tenant: string) => {
    let found = clients.get(tenant);
    if (!found) {
      found = await clientFor(emulator, tenant);
      const list = found.syncs.list.bind(found.syncs);
      found.syncs.list = (...args) => {
        listCalls.set(tenant, (listCalls.get(tenant) ?? 0) + 1);
        return list(...args);
      };
      clients.set(tenant, found);
    }
    return found;
  };
  const settle = async () => {
    await sender.idle();
    await webhooks.idle();
  };
  const sameAsClean = async (tenant: string) =>
    expect(await snapshot(store, syncIdsOf(tenant), tenant)).toEqual(
      await cleanSnapshotOf(await clientFor(emulator, tenant), syncIdsOf(tenant), tenant),
    );

  beforeAll(async () => {
    emulator = await startEmulator({ corpus: twoTenantCorpus(), port: 0 });
    storeDir = await tempDir("tenants-store");
    spoolDir = await tempDir("tenants-spool");
    store = await LanceChunkStore.open({ dir: storeDir, dimensions: DIMENSIONS });
    webhooks = await startWebhookIngest({
      spoolDir,
      store,
      embeddings: newEmbeddings(),
      tenants,
      clientFor: client,
      secret: "s3cret",
      onPermissionChange: (tenant, syncId, recordId) => invalidations.push({ tenant, syncId, recordId }),
      backoff: { baseMs: 20, maxMs: 200 },
      deferMs: 50,
      syncRefreshMinMs: 200,
    });
    http = await serve((app) => app.post("/hooks", (c) => webhooks.handler(c.req.raw)));
    sender = new WebhookSender({ state: emulator.state, url: `${http.url}/hooks?secret=s3cret` });
  });

  afterAll(async () => {
    sender?.close();
    await http?.close();
    await webhooks?.close();
    await store?.close();
    await emulator?.close();
    for (const dir of [storeDir, spoolDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("routes each tenant's events to that tenant: both end equal to their own clean ingest", async () => {
    sender.announceSyncs();
    await settle();
    await sameAsClean(TENANT);
    await sameAsClean(OTHER_TENANT);

    // The same paths changed in both tenants, interleaved.
    const [northwindDrive] = syncIdsOf(TENANT).filter(
      (id) => emulator.state.requireSync(id).integration === "googledrive",
    );
    const [contosoDrive] = syncIdsOf(OTHER_TENANT);
    for (let i = 0; i < 6; i++) {
      emulator.state.putFile(northwindDrive!, `Shared/Plan ${i}.md`, bytes(`Northwind plan ${i}\n`));
      emulator.state.putFile(contosoDrive!, `Shared/Plan ${i}.md`, bytes(`Contoso plan ${i}\n`));
    }
    emulator.state.remove(northwindDrive!, "HR/Handbook.md");
    emulator.state.putFile(contosoDrive!, "HR/Handbook.md", bytes("Contoso handbook, second edition\n"));
    await settle();
    await sameAsClean(TENANT);
    await sameAsClean(OTHER_TENANT);

    // Every invalidation named the tenant that owns the sync.
    expect(invalidations.length).toBeGreaterThan(0);
    for (const { tenant, syncId } of invalidations) expect(syncIdsOf(tenant)).toContain(syncId);
    expect(webhooks.metrics()).toMatchObject({ pending: 0, deadLettered: 0 });
  });

  it("dead-letters an unknown tenant's events with the reason when discovery is off, asking nothing upstream", async () => {
    const { sync } = emulator.state.enableSync(NEWCOMER, {
      integration: "googledrive",
      pipeline: "files",
      configurationName: "default",
    });
    emulator.state.putFile(sync.id, "Welcome.md", bytes("Globex welcome pack\n"));
    await settle();
    expect(await store.count({ tenant: NEWCOMER })).toBe(0);
    expect(listCalls.get(NEWCOMER)).toBeUndefined();
    const dead = await readdir(join(spoolDir, "dead"));
    expect(dead.length).toBeGreaterThanOrEqual(2); // sync_complete + record_created
    for (const name of dead) {
      const letter = JSON.parse(await readFile(join(spoolDir, "dead", name), "utf8"));
      expect(letter).toMatchObject({ item: { tenant: NEWCOMER } });
      expect(letter.lastError).toMatch(/^WEBHOOK_UNKNOWN_TENANT: tenant globex is not configured/);
    }
    expect(webhooks.metrics().deadLettered).toBe(dead.length);
  });

  it("with discovery on, registers a tenant once its event proves valid, and never a forged one", async () => {
    tenants.discover = (tenant) => {
      discovered.push(tenant);
      known.add(tenant);
    };
    const before = webhooks.metrics().deadLettered;
    const [globexSync] = syncIdsOf(NEWCOMER);
    emulator.state.putFile(globexSync!, "Pricing.md", bytes("Globex pricing sheet\n"));
    // A forged event for a Connected User that does not exist, naming a made-up sync.
    const forged = await fetch(`${http.url}/hooks?secret=s3cret`, {
      method: "POST",
      body: JSON.stringify({
        event: "record_created",
        syncInstanceId: "made-up-sync",
        user: { id: "nobody" },
        data: { recordId: "r1", model: "files" },
      }),
    });
    expect(forged.status).toBe(202);
    await settle();
    expect(discovered).toEqual([NEWCOMER]);
    expect(await store.count({ tenant: NEWCOMER })).toBe(1);
    expect(await store.count({ tenant: "nobody" })).toBe(0);
    expect(webhooks.metrics().deadLettered).toBe(before + 1);
    // The other tenants were never touched by any of it.
    await sameAsClean(TENANT);
    await sameAsClean(OTHER_TENANT);
  });

  it("an event of one tenant naming another tenant's sync and record is dead-lettered, touching neither", async () => {
    const [contosoDrive] = syncIdsOf(OTHER_TENANT);
    const handbook = emulator.state.nodeAt(contosoDrive!, "HR/Handbook.md").id;
    const contosoChunks = await store.count({ tenant: OTHER_TENANT, recordIds: [handbook] });
    expect(contosoChunks).toBeGreaterThan(0);
    const before = webhooks.metrics().deadLettered;
    for (const event of ["record_deleted", "record_updated"]) {
      const sent = await fetch(`${http.url}/hooks?secret=s3cret`, {
        method: "POST",
        body: JSON.stringify({
          event,
          sync: "googledrive",
          syncInstanceId: contosoDrive,
          user: { id: TENANT },
          data: { recordId: handbook, model: "files" },
        }),
      });
      expect(sent.status).toBe(202);
    }
    await settle();
    expect(webhooks.metrics().deadLettered).toBe(before + 2);
    expect(await store.count({ tenant: OTHER_TENANT, recordIds: [handbook] })).toBe(contosoChunks);
    expect(await store.count({ tenant: TENANT, syncIds: [contosoDrive!] })).toBe(0);
    await sameAsClean(TENANT);
    await sameAsClean(OTHER_TENANT);
  });
});
