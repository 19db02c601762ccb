import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { connect } from "@lancedb/lancedb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  LanceChunkStore,
  openChunkStore,
  STORE_SCHEMA_VERSION,
  StoreError,
  StoreSchemaError,
} from "../../src/store/index.js";
import { RowHints, readChunksByRef } from "../../src/store/lancedb/chunk-refs.js";
import { COMPACT_EVERY_WRITES } from "../../src/store/lancedb/compaction.js";
import { searchTuningOf } from "../../src/store/lancedb/store-options.js";
import { tuneAnnQuery } from "../../src/store/lancedb/vector-index.js";
import { warmUpQueries } from "../../src/store/lancedb/vector-query.js";
import { CONTRACT_DIMENSIONS, runChunkStoreContract } from "./contract.js";
import { makeChunk, near, randomUnit, seededRandom } from "./fixtures.js";
import { chunksTableOf } from "./store-internals.js";

runChunkStoreContract("LanceDB", async () => {
  const dir = await mkdtemp(join(tmpdir(), "clearance-lance-"));
  const open = () => LanceChunkStore.open({ dir, dimensions: CONTRACT_DIMENSIONS });
  return { store: await open(), openPeer: open, dispose: () => rm(dir, { recursive: true, force: true }) };
});

describe("LanceDB store specifics", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-lance-x-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lets two writers on one folder commit at once: conflicts are retried, nothing is lost", async () => {
    const path = join(dir, "writers");
    const [a, b] = await Promise.all([
      LanceChunkStore.open({ dir: path, dimensions: 8 }),
      LanceChunkStore.open({ dir: path, dimensions: 8 }),
    ]);
    const random = seededRandom(11);
    const batch = (writer: string, round: number) =>
      Array.from({ length: 20 }, (_, i) =>
        makeChunk({ recordId: `${writer}-${round}-${i}`, vector: randomUnit(random, 8) }),
      );
    // Upserts, stale deletes and compactions from both sides, interleaved as a cron run and a
    // webhook batch would be.
    await Promise.all(
      [a, b].flatMap((store, w) =>
        Array.from({ length: 4 }, async (_, round) => {
          await store.upsert(batch(`w${w}`, round));
          await store.deleteStaleChunks("tenant-a", "sync-1", [
            { recordId: `w${w}-${round}-0`, contentHash: "hash-1" },
          ]);
          await store.optimize();
        }),
      ),
    );
    expect(await a.count({ tenant: "tenant-a" })).toBe(2 * 4 * 20);
    await Promise.all([a.close(), b.close()]);
  });

  it("refuses a folder written before records were keyed by sync, saying to re-ingest", async () => {
    // test/fixtures/store-v1 was written by the previous release (layout 1: no stamp, records
    // keyed by tenant + record id). Reading it would silently mix up syncs; refusing is the upgrade path.
    const path = join(dir, "v1");
    await cp(join(import.meta.dirname, "../fixtures/store-v1"), path, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await LanceChunkStore.open({ dir: path, dimensions: 8 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreSchemaError);
      expect(error).toMatchObject({ code: "STORE_SCHEMA_MISMATCH", found: 1 });
      expect((error as Error).message).toMatch(/older Clearance.*re-ingest with `clearance ingest --full`/);
    }
  });

  it("stamps a new folder with its data layout and refuses a newer one", async () => {
    const path = join(dir, "stamped");
    const store = await LanceChunkStore.open({ dir: path, dimensions: 8 });
    expect(await store.getState("clearance:store", "schema")).toBe(String(STORE_SCHEMA_VERSION));
    await store.upsert([makeChunk({ recordId: "r1", vector: randomUnit(seededRandom(1), 8) })]);
    await store.close();
    // Reopening a stamped store with data is fine.
    await (await LanceChunkStore.open({ dir: path, dimensions: 8 })).close();
    const future = await LanceChunkStore.open({ dir: path, dimensions: 8 });
    await future.putState("clearance:store", "schema", String(STORE_SCHEMA_VERSION + 1));
    await future.close();
    await expect(LanceChunkStore.open({ dir: path, dimensions: 8 })).rejects.toThrow(/newer Clearance/);
  });

  it("lets calls in flight finish before close, so the folder can be removed right after", async () => {
    const path = join(dir, "closing");
    const store = await LanceChunkStore.open({ dir: path, dimensions: 8 });
    // Fire-and-forget, as learned allow rates are written after a query.
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.putState("allow-rate:t", `k${i}`, `v${i}`).then(
        () => "written",
        () => "failed",
      ),
    );
    await store.close();
    // Nothing may still be committing: removing the folder now must work and stay removed.
    await rm(path, { recursive: true });
    expect(new Set(await Promise.all(writes))).toEqual(new Set(["written"]));
    expect(existsSync(path)).toBe(false);
  });

  it("keeps the state table to a few fragments however many values are written, losing none", async () => {
    const path = join(dir, "state-compaction");
    const store = await LanceChunkStore.open({ dir: path, dimensions: 8 });
    // Each write commits a one-row fragment; 2.5 × COMPACT_EVERY_WRITES of them, a tenth overwritten.
    const writes = 2.5 * COMPACT_EVERY_WRITES;
    for (let i = 0; i < writes; i++) await store.putState("knowledge", `subject-${i % 225}`, `v${i}`);
    // close() waits for the background compaction the last write may have started.
    await store.close();
    const fragments = async () => {
      const db = await connect(path);
      const table = await db.openTable("state");
      const stats = await table.stats();
      table.close();
      db.close();
      return stats.fragmentStats.numFragments;
    };
    // Uncompacted, a write adds a fragment: 226 here.
    expect(await fragments()).toBeLessThanOrEqual(COMPACT_EVERY_WRITES / 2 + 2);

    const reopened = await LanceChunkStore.open({ dir: path, dimensions: 8 });
    const values = await reopened.listState("knowledge");
    expect(values.size).toBe(225);
    // Keys 0..24 were overwritten by writes 225..249: the last value wins through compaction.
    expect(values.get("subject-0")).toBe("v225");
    expect(values.get("subject-24")).toBe("v249");
    expect(values.get("subject-25")).toBe("v25");
    expect(await reopened.getState("knowledge", "subject-224")).toBe("v224");
    await reopened.optimize();
    await reopened.close();
    expect(await fragments()).toBe(1);
  });

  it("refuses to open a folder built for another vector size", async () => {
    const path = join(dir, "dims");
    await (await LanceChunkStore.open({ dir: path, dimensions: 16 })).close();
    const error = await LanceChunkStore.open({ dir: path, dimensions: 32 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: "STORE_DIMENSIONS_MISMATCH" });
    expect((error as Error).message).toContain("16-dimension");
  });

  it("opens with a chosen metadata cache size and rejects a size that is not positive", async () => {
    const path = join(dir, "cache");
    const store = await LanceChunkStore.open({ dir: path, dimensions: 8, metadataCacheMb: 1 });
    await store.putState("s", "k", "v");
    expect(await store.getState("s", "k")).toBe("v");
    await store.close();
    const error = await LanceChunkStore.open({ dir: path, dimensions: 8, metadataCacheMb: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "STORE_CACHE_INVALID" });
  });

  it("keeps returning k at 0.1% selectivity once the vector index exists", async () => {
    const random = seededRandom(3);
    const centers = Array.from({ length: 10 }, () => randomUnit(random, 32));
    const store = await LanceChunkStore.open({
      dir: join(dir, "indexed"),
      dimensions: 32,
      vectorIndexMinRows: 1_000,
    });
    const chunks = Array.from({ length: 3_000 }, (_, i) =>
      makeChunk({
        recordId: `rec-${Math.floor(i / 3)}`,
        chunkIndex: i % 3,
        vector: near(centers[Math.floor(i / 3) % 10]!, random, 0.5),
      }),
    );
    await store.upsert(chunks);
    await store.optimize();
    // Rows written after the index was built are still found (LanceDB scans unindexed rows too).
    await store.upsert([makeChunk({ recordId: "late", vector: centers[0]! })]);
    // Both the default (exact for small id sets) and pure ANN with prefilter must give k.
    const ann = await LanceChunkStore.open({
      dir: join(dir, "indexed"),
      dimensions: 32,
      exactFilterMaxRecordIds: 0,
    });
    // A large page through the index (re-ranked: the index is asked for twice as many).
    const page = await store.search(centers[0]!, { tenant: "tenant-a", limit: 600, offset: 100 });
    expect(page).toHaveLength(600);
    // A page to be sifted skips the re-rank: the same candidates, best first by the index's scores.
    const query = near(centers[4]!, random, 0.5);
    const exact = await store.search(query, { tenant: "tenant-a", limit: 150 });
    const sifted = await store.search(query, { tenant: "tenant-a", limit: 150, approximate: true });
    expect(sifted).toHaveLength(150);
    const inExact = new Set(exact.map((h) => h.chunk.id));
    expect(sifted.filter((h) => inExact.has(h.chunk.id)).length).toBeGreaterThanOrEqual(145);
    const scores = sifted.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const s of [store, ann]) {
      const hits = await s.search(centers[0]!, { tenant: "tenant-a", limit: 3, recordIds: ["rec-5"] });
      expect(hits.map((h) => h.chunk.recordId)).toEqual(["rec-5", "rec-5", "rec-5"]);
      const late = await s.search(centers[0]!, { tenant: "tenant-a", limit: 1 });
      expect(late[0]?.chunk.recordId).toBe("late");
    }
    await ann.close();
    await store.close();
  });

  it("warms its indexes before the first search, changing no answer (an empty store: nothing to do)", async () => {
    const empty = await LanceChunkStore.open({ dir: join(dir, "warm-empty"), dimensions: 8 });
    await empty.warmUp();
    expect(await empty.search(randomUnit(seededRandom(1), 8), { tenant: "t", limit: 3 })).toEqual([]);
    await empty.close();

    const random = seededRandom(9);
    const folder = join(dir, "warm");
    const writer = await LanceChunkStore.open({ dir: folder, dimensions: 8, vectorIndexMinRows: 500 });
    await writer.upsert(
      Array.from({ length: 600 }, (_, i) =>
        makeChunk({ recordId: `rec-${i}`, vector: randomUnit(random, 8) }),
      ),
    );
    await writer.optimize();
    await writer.close();
    const query = randomUnit(random, 8);
    const filtered = { tenant: "tenant-a", limit: 5, recordIds: ["rec-1", "rec-2", "rec-3"] };
    const cold = await LanceChunkStore.open({ dir: folder, dimensions: 8 });
    const expected = [
      await cold.search(query, { tenant: "tenant-a", limit: 5 }),
      await cold.search(query, filtered),
    ];
    await cold.close();

    const store = await LanceChunkStore.open({ dir: folder, dimensions: 8 });
    const table = chunksTableOf(store);
    const searches = vi.spyOn(table, "vectorSearch");
    const lookups = vi.spyOn(table, "query");
    await store.warmUp();
    // The vector index without and behind a prefilter, then the tenant, record and id indexes.
    expect(searches).toHaveBeenCalledTimes(2);
    expect(lookups.mock.calls.length).toBeGreaterThanOrEqual(3);
    searches.mockRestore();
    lookups.mockRestore();
    // What those queries load, by LanceDB's plans (no timing): the vector index, without and
    // behind the tenant and record indexes, then each scalar index.
    const plans = await Promise.all(
      warmUpQueries(table, { tuneAnnQuery }, searchTuningOf({ dir: folder, dimensions: 8 }), 8).map((query) =>
        query.explainPlan(),
      ),
    );
    expect(plans[0]).toContain("ANNSubIndex");
    expect(plans[1]).toMatch(/ANNSubIndex[\s\S]*ScalarIndexQuery.*tenant_idx.*record_id_idx/);
    for (const [i, index] of ["tenant_idx", "record_id_idx", "id_idx"].entries()) {
      expect(plans[2 + i]).toMatch(new RegExp(`ScalarIndexQuery.*${index}`));
    }
    expect([
      await store.search(query, { tenant: "tenant-a", limit: 5 }),
      await store.search(query, filtered),
    ]).toEqual(expected);
    await store.close();
  });

  it("reads a ref back after a compaction moved its row: by id, the ref's chunk and no other", async () => {
    const random = seededRandom(5);
    const store = await LanceChunkStore.open({ dir: join(dir, "compacted"), dimensions: 8 });
    const chunks = Array.from({ length: 60 }, (_, i) =>
      makeChunk({ recordId: `rec-${i}`, vector: randomUnit(random, 8) }),
    );
    // Several writes: several fragments, which the compaction below merges into new ones.
    for (let i = 0; i < 60; i += 10) await store.upsert(chunks.slice(i, i + 10));
    const query = chunks[0]!.vector as number[];
    const refs = (await store.searchRefs(query, { tenant: "tenant-a", limit: 60 })).map((x) => x.ref);
    const table = await (await connect(join(dir, "compacted"), { readConsistencyInterval: 0 })).openTable(
      "chunks",
    );
    const before = (await table
      .vectorSearch(query)
      .distanceType("cosine")
      .select(["id", "_distance"])
      .withRowId()
      .limit(60)
      .toArray()) as { id: string; _rowid: bigint }[];
    await store.deleteByRecord("tenant-a", "sync-1", ["rec-0", "rec-1", "rec-2"]);
    await store.upsert(chunks.slice(0, 2).map((c) => ({ ...c, text: "rewritten" })));
    await store.optimize();
    // The row ids the search saw no longer hold those chunks (LanceDB refuses the take), so what
    // is read comes from the lookup by id.
    const taken = await table
      .takeRowIds(before.map((row) => row._rowid))
      .select(["id"])
      .toArray()
      .catch(() => []);
    expect(taken.length).toBeLessThan(before.length);
    const read = await store.readChunks(refs);
    expect(read.size).toBe(59);
    expect(read.has(chunks[2]!.id)).toBe(false);
    expect(read.get(chunks[0]!.id)?.text).toBe("rewritten");
    for (const [id, chunk] of read) {
      const { vector: _, ...want } = chunks.find((c) => c.id === id)!;
      expect(chunk).toEqual(
        id === chunks[0]!.id || id === chunks[1]!.id ? { ...want, text: "rewritten" } : want,
      );
    }
    table.close();
    await store.close();
  });

  it("takes a hinted row only if it is the ref's chunk: a row id now holding another chunk falls back to the id", async () => {
    const random = seededRandom(6);
    const store = await LanceChunkStore.open({ dir: join(dir, "hints"), dimensions: 8 });
    const [a, b] = [
      makeChunk({ recordId: "a", vector: randomUnit(random, 8) }),
      makeChunk({ recordId: "b", vector: randomUnit(random, 8) }),
    ];
    await store.upsert([a!, b!]);
    const table = await (await connect(join(dir, "hints"))).openTable("chunks");
    const rows = (await table.query().select(["id"]).withRowId().toArray()) as {
      id: string;
      _rowid: bigint;
    }[];
    const rowOfB = rows.find((row) => row.id === b!.id)!._rowid;
    // A's ref, hinted at B's row: as if a compaction had put B where A was.
    const hints = new RowHints();
    const ref = hints.ref(
      { id: a!.id, sync_id: a!.syncId, record_id: a!.recordId, _distance: 0, _rowid: rowOfB },
      "tenant-a",
    );
    const read = await readChunksByRef(table, [ref], hints);
    expect([...read.keys()]).toEqual([a!.id]);
    expect(read.get(a!.id)?.recordId).toBe("a");
    table.close();
    await store.close();
  });

  it("gives each lease to exactly one of two processes racing on the same folder", async () => {
    const path = join(dir, "leases");
    await (await LanceChunkStore.open({ dir: path, dimensions: 8 })).close();
    const rounds = 12;
    const workers = ["proc-a", "proc-b"].map((holder) =>
      startLeaseWorker(join(import.meta.dirname, "lease-worker.ts"), path, holder),
    );
    try {
      // Both stores open before the first round: every round's two merges start together.
      for (const worker of workers) expect(await worker.next()).toBe("ready");
      const wins: number[] = [];
      for (let round = 0; round < rounds; round++) {
        for (const worker of workers) worker.send(`go ${round}`);
        for (const worker of workers) {
          const answer = await worker.next();
          expect(answer).toMatch(new RegExp(`^round ${round} (won|lost)$`));
          if (answer.endsWith("won")) wins.push(round);
        }
      }
      expect(wins.sort((x, y) => x - y)).toEqual(Array.from({ length: rounds }, (_, i) => i));
    } finally {
      for (const worker of workers) worker.end();
      await Promise.all(workers.map((w) => w.exited));
    }
  });
});

describe("openChunkStore", () => {
  it("opens the embedded store from config-shaped settings", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clearance-open-"));
    try {
      const store = await openChunkStore({ kind: "lancedb", dir }, 8);
      expect(store).toBeInstanceOf(LanceChunkStore);
      expect(await store.count({ tenant: "t" })).toBe(0);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects an empty folder with a typed error", async () => {
    await expect(openChunkStore({ kind: "lancedb", dir: "" }, 8)).rejects.toMatchObject({
      code: "STORE_DIR_MISSING",
    });
  });
});

/** A lease-worker.ts process, told what to do line by line on stdin; `next` is its next stdout line. */
function startLeaseWorker(file: string, path: string, holder: string) {
  const child = spawn(process.execPath, ["--import", "tsx", file, path, holder], {
    cwd: join(import.meta.dirname, "../.."),
    stdio: ["pipe", "pipe", "pipe"],
  });
  // A worker that died is reported by `next`; writing to its closed stdin must not throw too.
  child.stdin.on("error", () => undefined);
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    send: (line: string) => {
      if (child.stdin.writable) child.stdin.write(`${line}\n`);
    },
    /** Closes its stdin: the worker closes its store and exits. */
    end: () => child.stdin.end(),
    next: async (): Promise<string> => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`lease worker ${holder} exited early:\n${stderr}`);
      return value;
    },
    exited,
  };
}
