import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanSnapshot, snapshot, startWorld, type World } from "./harness.js";

describe("delayed, duplicated and reordered deliveries converge to a clean full ingest", () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({
      sender: { faults: { delayMs: 150, duplicateRate: 0.5, reorderWindow: 8, seed: 7 } },
      webhooks: { concurrency: 2, batchSize: 5 },
    });
    world.sender.announceSyncs();
    await world.settle();
  });

  afterAll(async () => {
    await world?.close();
  });

  it("after a burst of adds, edits, moves, deletes and sharing changes", async () => {
    const { state } = world.emulator;
    const drive = world.syncIds.drive;
    const bytes = (s: string) => new TextEncoder().encode(s);
    for (let i = 0; i < 12; i++) state.putFile(drive, `Burst/File ${i}.md`, bytes(`burst file ${i} alpha\n`));
    for (let i = 0; i < 12; i += 2)
      state.putFile(drive, `Burst/File ${i}.md`, bytes(`burst file ${i} beta\n`));
    for (let i = 0; i < 4; i++) state.remove(drive, `Burst/File ${i}.md`);
    // Deleted then created again at the same path: a new record; the old one must not come back.
    state.putFile(drive, "Burst/File 1.md", bytes("reborn\n"));
    state.move(drive, "Burst/File 5.md", "Moved/File 5 renamed.md");
    state.share(drive, "Burst", { principal: { type: "user", email: "leo@northwind.test" }, role: "reader" });
    state.unshare(drive, "Burst", { type: "user", email: "leo@northwind.test" });
    state.putFile(world.syncIds.sharepoint, "Notes/Notes.txt", bytes("pricing notes, second draft\n"));
    state.remove(drive, "HR");
    await world.settle();

    const stats = world.sender.stats();
    expect(stats.duplicated).toBeGreaterThan(0);
    expect(stats.failed).toBe(0);
    const m = world.webhooks.metrics();
    expect(m.duplicates + m.accepted).toBe(m.received - m.verifications);
    expect(m.pending).toBe(0);
    expect(m.deadLettered).toBe(0);
    expect(await snapshot(world.store, Object.values(world.syncIds))).toEqual(await cleanSnapshot(world));
  });
});
