import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/emulator/index.js";
import { ingest } from "../../src/ingest/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { DIMENSIONS, type Harness, smallCorpus, snapshot, startHarness, TENANT } from "./harness.js";
import { withWriteSteps } from "./kill-points.js";

const CHILD = join(import.meta.dirname, "crash-child.ts");
const PAGE_SIZE = 3;
const TRIALS = 2;

/** A drive with enough records for a few dozen kill points at 3 records a page. */
function crashCorpus() {
  const extra: Record<string, string> = {};
  for (let i = 0; i < 12; i++) {
    extra[`drive/Notes/Note ${String(i).padStart(2, "0")}.md`] =
      `# Note ${i}\n\n${"Meeting notes about topic ".repeat(40 + i)}${i}\n`;
  }
  return smallCorpus(extra);
}

/** Runs the child ingest until it SIGKILLs itself at `killAt`; resolves with the signal it died of. */
async function runChild(args: object): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(args)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += String(d);
  });
  child.stderr.on("data", (d) => {
    output += String(d);
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, s) => resolve(s)),
  );
  return { signal, output };
}

describe("crash safety: SIGKILL the ingest at random points, rerun, compare with a clean run", () => {
  let h: Harness;
  const dirs: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ corpus: crashCorpus() });
  });
  afterAll(async () => {
    await h.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("ends with the same chunks, record versions and cursors as an uninterrupted run", {
    timeout: 180_000,
  }, async () => {
    // The clean run counts its steps (progress events and store writes): the kill points are drawn from them.
    let steps = 0;
    const clean = await h.run({
      pageSize: PAGE_SIZE,
      store: withWriteSteps(h.store, () => steps++),
      onProgress: () => steps++,
    });
    expect(clean.ok).toBe(true);
    const expected = await snapshot(h.store, Object.values(h.syncIds));
    expect(expected.chunks.length).toBeGreaterThan(20);

    const token = await h.emulator.tokenFor(TENANT);
    const random = seededRandom(20240611);
    const killPoints = Array.from({ length: TRIALS }, () => 1 + Math.floor(random() * steps));
    // Trials run side by side, each in its own store folder: killed once, then rerun to the end.
    await Promise.all(
      killPoints.map(async (killAt) => {
        const dir = await mkdtemp(join(tmpdir(), "clearance-crash-"));
        dirs.push(dir);
        const child = await runChild({
          url: h.emulator.url,
          token,
          storeDir: dir,
          tenant: TENANT,
          dimensions: DIMENSIONS,
          pageSize: PAGE_SIZE,
          killAt,
        });
        expect(child.signal, child.output).toBe("SIGKILL");
        expect(child.output).toContain(`${killAt} `);

        const store = await LanceChunkStore.open({ dir, dimensions: DIMENSIONS });
        try {
          const rerun = await ingest({
            client: h.client,
            store,
            embeddings: h.embeddings,
            tenant: TENANT,
            pageSize: PAGE_SIZE,
            holder: "crash-test",
          });
          expect(rerun.ok).toBe(true);
          const actual = await snapshot(store, Object.values(h.syncIds));
          expect(actual.chunks.length).toBe(new Set(actual.chunks.map((c) => c.id)).size);
          expect(actual).toEqual(expected);
        } finally {
          await store.close();
        }
      }),
    );
  });
});
