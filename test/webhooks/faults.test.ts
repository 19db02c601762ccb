import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/emulator/index.js";
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
    expect(m.deadLettered, await deadLetters(world.spoolDir)).toBe(0);
    expect(await snapshot(world.store, Object.values(world.syncIds))).toEqual(await cleanSnapshot(world));
  });

  it("after random operation sequences under three fault seeds", async () => {
    const { state } = world.emulator;
    const drive = world.syncIds.drive;
    const people = ["leo@northwind.test", "ana@northwind.test"];
    for (const seed of [11, 12, 13]) {
      world.sender.setFaults({ delayMs: 100, duplicateRate: 0.3, reorderWindow: 6, seed });
      const random = seededRandom(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const files = () =>
        [...state.requireSync(drive).tree.nodes()].filter((n) => n.type === "file").map((n) => n.path);
      for (let step = 0; step < 25; step++) {
        const op = random();
        const existing = files();
        if (op < 0.35 || existing.length === 0) {
          state.putFile(
            drive,
            `Random/${seed}/f${Math.floor(random() * 8)}.md`,
            bytes(`seed ${seed} step ${step}\n`),
          );
        } else if (op < 0.55) {
          state.putFile(drive, pick(existing), bytes(`edited at ${seed}/${step}\n`));
        } else if (op < 0.7) {
          state.remove(drive, pick(existing));
        } else if (op < 0.8) {
          const from = pick(existing);
          if (!files().includes(`Moved/${seed}-${step}.md`))
            state.move(drive, from, `Moved/${seed}-${step}.md`);
        } else if (op < 0.9) {
          state.share(drive, pick(existing), {
            principal: { type: "user", email: pick(people) },
            role: "reader",
          });
        } else {
          state.unshare(drive, pick(existing), { type: "user", email: pick(people) });
        }
      }
      await world.settle();
      expect(await snapshot(world.store, Object.values(world.syncIds))).toEqual(await cleanSnapshot(world));
    }
    expect(world.webhooks.metrics(), await deadLetters(world.spoolDir)).toMatchObject({
      pending: 0,
      deadLettered: 0,
    });
  });
});

const bytes = (s: string) => new TextEncoder().encode(s);

/** What the spool's dead letters say, so a failing run names why an event was given up on. */
async function deadLetters(spoolDir: string): Promise<string> {
  const dir = join(spoolDir, "dead");
  const names = await readdir(dir).catch(() => []);
  const texts = await Promise.all(names.map((name) => readFile(join(dir, name), "utf8").catch(() => "")));
  return `dead letters: ${names.map((name, i) => `${name}: ${texts[i]!.slice(0, 600)}`).join("\n") || "none"}`;
}
