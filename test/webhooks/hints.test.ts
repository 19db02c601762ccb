import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaseName } from "../../src/ingest/index.js";
import { startWorld, TENANT, type World } from "./harness.js";

/** Events are hints, not truth: the receiver re-fetches, checks and waits for running ingests. */
describe("webhook events are hints", () => {
  let world: World;

  let listCalls = 0;

  beforeAll(async () => {
    world = await startWorld({ webhooks: { maxAttempts: 3, syncRefreshMinMs: 1_000 } });
    const list = world.client.syncs.list.bind(world.client.syncs);
    world.client.syncs.list = (...args) => {
      listCalls++;
      return list(...args);
    };
    world.sender.announceSyncs();
    await world.settle();
  });

  afterAll(async () => {
    await world?.close();
  });

  const post = (body: object) =>
    fetch(world.webhookUrl, { method: "POST", body: JSON.stringify(body) }).then((r) => r.status);
  const hint = (event: string, syncId: string, recordId: string) => ({
    event,
    sync: "googledrive",
    syncInstanceId: syncId,
    user: { id: TENANT },
    data: { recordId, model: "files" },
  });
  const handbook = () => world.emulator.state.nodeAt(world.syncIds.drive, "HR/Handbook.md").id;
  const chunks = (recordId: string) => world.store.count({ tenant: TENANT, recordIds: [recordId] });

  it("ignores a record_deleted for a record the API still has", async () => {
    const id = handbook();
    const before = await chunks(id);
    expect(before).toBeGreaterThan(0);
    expect(await post(hint("record_deleted", world.syncIds.drive, id))).toBe(202);
    await world.settle();
    expect(await chunks(id)).toBe(before);
  });

  it("never deletes a record through a hint naming another of the user's syncs", async () => {
    const id = handbook();
    const before = await chunks(id);
    expect(await post(hint("record_deleted", world.syncIds.sharepoint, id))).toBe(202);
    await world.settle();
    expect(await chunks(id)).toBe(before);
    expect(world.webhooks.metrics().deadLettered).toBe(0);
  });

  it("dead-letters an event naming a sync the user does not have, touching nothing", async () => {
    const total = await world.store.count({ tenant: TENANT });
    expect(await post(hint("record_deleted", "not-a-sync", handbook()))).toBe(202);
    await world.settle();
    expect(world.webhooks.metrics().deadLettered).toBe(1);
    expect(await world.store.count({ tenant: TENANT })).toBe(total);
  });

  it("a flood of forged sync ids costs one sync-list call, and each event is dead-lettered once", async () => {
    const deadBefore = world.webhooks.metrics().deadLettered;
    const callsBefore = listCalls;
    const sent = performance.now();
    const forged = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(hint("record_updated", `forged-sync-${i}`, `r${i}`))),
    );
    const spanMs = performance.now() - sent;
    expect(forged.every((status) => status === 202)).toBe(true);
    await world.settle();
    const m = world.webhooks.metrics();
    expect(m.deadLettered - deadBefore).toBe(40);
    // One refresh, requested after the events were accepted, proves them all unknown; at most one
    // refresh per syncRefreshMinMs (1 s) while they keep coming. Before: one call per forged id.
    console.log(
      `40 forged sync ids, accepted within ${spanMs.toFixed(0)} ms: ${listCalls - callsBefore} GET /api/syncs`,
    );
    expect(listCalls - callsBefore).toBeGreaterThanOrEqual(1);
    expect(listCalls - callsBefore).toBeLessThanOrEqual(1 + Math.floor(spanMs / 1_000));
    const dead = await readdir(join(world.spoolDir, "dead"));
    const reasons = await Promise.all(
      dead.map(
        async (name) => JSON.parse(await readFile(join(world.spoolDir, "dead", name), "utf8")).lastError,
      ),
    );
    expect(reasons.filter((r: string) => r.startsWith("WEBHOOK_UNKNOWN_SYNC"))).toHaveLength(41);
  });

  it("still finds a sync created a moment after its list was read", async () => {
    const deadBefore = world.webhooks.metrics().deadLettered;
    const { sync } = world.emulator.state.enableSync(TENANT, {
      integration: "dropbox",
      pipeline: "files",
      configurationName: "default",
    });
    const node = world.emulator.state.putFile(
      sync.id,
      "Fresh/Kickoff.md",
      new TextEncoder().encode("Kickoff.\n"),
    );
    await world.settle();
    expect(await chunks(node.id)).toBe(1);
    expect(world.webhooks.metrics().deadLettered).toBe(deadBefore);
  });

  it("waits while a cron ingest holds the sync's lease, then applies the change", async () => {
    const name = leaseName(TENANT, world.syncIds.drive);
    // Counted from here: earlier tests' events were deferred too (the counter is the receiver's).
    const deferredBefore = world.webhooks.metrics().deferred;
    expect(await world.store.acquireLease(name, "cron", 60_000)).toBe(true);
    const node = world.emulator.state.putFile(
      world.syncIds.drive,
      "HR/Leave.md",
      new TextEncoder().encode("Leave policy.\n"),
    );
    await world.sender.idle();
    // The event has been tried twice and put off both times, however slowly the machine runs.
    while (world.webhooks.metrics().deferred - deferredBefore < 2) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await chunks(node.id)).toBe(0);
    expect(world.webhooks.metrics().pending).toBeGreaterThan(0);
    await world.store.releaseLease(name, "cron");
    await world.settle();
    expect(await chunks(node.id)).toBe(1);
    expect(world.webhooks.metrics().failed).toBe(41); // only the dead-lettered events above ever failed
  });
});
