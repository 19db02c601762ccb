/**
 * The world bench/retrieval.ts measures in: FILES files × 4 chunks of DIMS-dim clustered vectors in
 * the embedded LanceDB store, one Google Drive sync served over loopback HTTP by the emulator in a
 * process of its own (as Paragon answers from elsewhere: its work never blocks the measured one), and
 * people who may read 100 %, 10 %, 1 % or 0.1 % of the files (folder shares; single files for
 * 0.1 %), several per selectivity so each first query can be a stranger's. The exact filtered
 * top-k of any query and person comes from the vectors kept in memory.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CorpusSpec, seededRandom } from "../src/emulator/index.js";
import { type ChunkInput, chunkId, LanceChunkStore } from "../src/store/index.js";

/** 384 by default (the offline embedder's size); CLEARANCE_BENCH_DIMS=1536 measures OpenAI-sized vectors. */
export const DIMS = Number(process.env.CLEARANCE_BENCH_DIMS ?? 384);
if (!Number.isInteger(DIMS) || DIMS < 2) {
  throw new Error(
    `CLEARANCE_BENCH_DIMS must be an integer of at least 2, got ${process.env.CLEARANCE_BENCH_DIMS}`,
  );
}
export const TENANT = "bench";
const CHUNKS_PER_FILE = 4;
const FILES_PER_FOLDER = 25;

export interface Person {
  email: string;
  label: string;
  /** Every record the person may read. */
  allowed: Set<string>;
}

/** The emulator running in its own process. */
export interface RemoteEmulator {
  url: string;
  adminToken: string;
  /** A user token for the bench tenant. */
  token: string;
}

export interface World {
  emu: RemoteEmulator;
  store: LanceChunkStore;
  /** The store's folder (another store can be opened on it). */
  dir: string;
  syncId: string;
  chunks: number;
  /** Per selectivity label, the people (the first is the warm one, the rest are strangers for cold runs). */
  people: Map<string, Person[]>;
  /** A query vector from the same distribution as the chunks. */
  query(): Float32Array;
  /** The exact best k chunk ids among what `allowed` may read. */
  exactTopK(query: Float32Array, allowed: Set<string>, k: number): string[];
  recordOfChunk(chunkId: string): string;
  /** The store came from CLEARANCE_BENCH_STORE (an iteration run, not one to report). */
  reused: boolean;
  close(): Promise<void>;
}

export const SELECTIVITIES = [
  { label: "100%", share: 1 },
  { label: "10%", share: 0.1 },
  { label: "1%", share: 0.01 },
  { label: "0.1%", share: 0.001 },
] as const;

export async function buildWorld(files: number, peoplePerSelectivity: number): Promise<World> {
  const random = seededRandom(7);
  const unit = (v: Float32Array) => {
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n) || 1;
    return v.map((x) => x / n);
  };
  const centers = Array.from({ length: 1000 }, () =>
    unit(Float32Array.from({ length: DIMS }, () => random() * 2 - 1)),
  );
  const clustered = () => {
    const c = centers[Math.floor(random() * centers.length)]!;
    return unit(c.map((x) => x + (random() * 2 - 1) * 0.06));
  };
  const folders = Math.ceil(files / FILES_PER_FOLDER);
  const folderPath = (f: number) => `d${String(f).padStart(4, "0")}`;
  const pathOf = (i: number) =>
    `${folderPath(Math.floor(i / FILES_PER_FOLDER))}/f${String(i % FILES_PER_FOLDER).padStart(2, "0")}.txt`;
  const pick = (n: number, of: number) => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(Math.max(1, n), of)) chosen.add(Math.floor(random() * of));
    return [...chosen];
  };

  // Who shares what: the root for 100 %, folders for 10 % and 1 %, single files for 0.1 %.
  const grants: { email: string; label: string; paths: string[]; files: number[]; folders: number[] }[] = [];
  for (const { label, share } of SELECTIVITIES) {
    for (let p = 0; p < peoplePerSelectivity; p++) {
      const email = `p${p}-${label.replace(/\W/g, "")}@bench.test`;
      if (share === 1) grants.push({ email, label, paths: ["drive/"], files: [], folders: [] });
      else if (share >= 0.01) {
        const chosen = pick(Math.round(folders * share), folders);
        grants.push({
          email,
          label,
          paths: chosen.map((f) => `drive/${folderPath(f)}/`),
          files: [],
          folders: chosen,
        });
      } else {
        const chosen = pick(Math.round(files * share), files);
        grants.push({
          email,
          label,
          paths: chosen.map((i) => `drive/${pathOf(i)}`),
          files: chosen,
          folders: [],
        });
      }
    }
  }
  const fileBodies: Record<string, string> = {};
  for (let i = 0; i < files; i++) fileBodies[`drive/${pathOf(i)}`] = `file ${i}`;
  const sharing: Record<string, { grants: { user: string; role: "reader" }[] }> = {};
  for (const person of grants) {
    for (const path of person.paths) {
      const entry = sharing[path] ?? { grants: [] };
      entry.grants.push({ user: person.email, role: "reader" });
      sharing[path] = entry;
    }
  }
  const corpus: CorpusSpec = {
    manifest: {
      domain: "bench.test",
      people: [{ email: "owner@bench.test" }, ...grants.map(({ email }) => ({ email }))],
      connectedUsers: [
        { id: TENANT, syncs: [{ integration: "googledrive", root: "drive", owner: "owner@bench.test" }] },
      ],
      sharing,
    },
    files: fileBodies,
  };

  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "emulator-process.ts")],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  child.stdin.end(JSON.stringify({ corpus, tenant: TENANT }));
  const emu = await new Promise<RemoteEmulator>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(JSON.parse(out.slice(0, out.indexOf("\n"))) as RemoteEmulator);
    });
    child.once("exit", (code) => reject(new Error(`the emulator process exited (${code})`)));
  });
  const admin = async <T>(path: string): Promise<T> =>
    (await (
      await fetch(`${emu.url}/__admin${path}`, { headers: { authorization: `Bearer ${emu.adminToken}` } })
    ).json()) as T;
  const state = await admin<{ syncs: { id: string }[] }>("/state");
  const sync = { id: state.syncs[0]!.id };
  const nodes = await admin<{ data: { id: string; path: string; type: string }[] }>(
    `/syncs/${sync.id}/nodes`,
  );
  const idByPath = new Map(nodes.data.filter((n) => n.type === "file").map((n) => [n.path, n.id] as const));
  // For iterating only (never for a reported table): CLEARANCE_BENCH_STORE names a folder whose
  // store an earlier run of the same size built, skipping the upserts and the index build. The
  // emulator's record ids and the seeded vectors are the same on every run.
  const reuse = process.env.CLEARANCE_BENCH_STORE;
  const dir = reuse ?? (await mkdtemp(join(tmpdir(), "clearance-bench-retrieval-")));
  // CLEARANCE_BENCH_RECORD_SCAN_MAX_VALUES: the store's recordScanMaxValues (e.g. 16000000 at 1,536 dims).
  const scanBound = process.env.CLEARANCE_BENCH_RECORD_SCAN_MAX_VALUES;
  const store = await LanceChunkStore.open({
    dir,
    dimensions: DIMS,
    ...(scanBound ? { recordScanMaxValues: Number(scanBound) } : {}),
  });
  const reused = reuse !== undefined && (await store.count({ tenant: TENANT })) === files * CHUNKS_PER_FILE;
  // What an earlier run learnt about people and its feed position belong to another emulator.
  for (const scope of [`allow-rate:${TENANT}`, `feed:${TENANT}`])
    for (const key of (await store.listState(scope)).keys()) await store.deleteState(scope, key);
  const recordOf = (i: number) => idByPath.get(pathOf(i))!;

  const vectors = new Map<string, Float32Array>();
  const chunkRecord = new Map<string, string>();
  let batch: ChunkInput[] = [];
  for (let i = 0; i < files; i++) {
    const recordId = recordOf(i);
    for (let c = 0; c < CHUNKS_PER_FILE; c++) {
      const id = chunkId({ tenant: TENANT, syncId: sync.id, recordId, chunkIndex: c, contentHash: "h" });
      const vector = clustered();
      vectors.set(id, vector);
      chunkRecord.set(id, recordId);
      batch.push({
        id,
        tenant: TENANT,
        syncId: sync.id,
        recordId,
        chunkIndex: c,
        contentHash: "h",
        text: `file ${i} chunk ${c}`,
        vector,
        metadata: {
          integration: "googledrive",
          externalId: `ext-${i}`,
          name: pathOf(i),
          mimeType: "text/plain",
          updatedAt: "2026-01-01T00:00:00.000Z",
        },
      });
      if (batch.length === 5_000) {
        if (!reused) await store.upsert(batch);
        batch = [];
      }
    }
  }
  if (!reused) {
    if (batch.length > 0) await store.upsert(batch);
    await store.optimize();
  }

  const people = new Map<string, Person[]>();
  for (const person of grants) {
    const allowed = new Set<string>();
    if (person.paths[0] === "drive/") for (const id of idByPath.values()) allowed.add(id);
    for (const f of person.folders)
      for (let j = 0; j < FILES_PER_FOLDER && f * FILES_PER_FOLDER + j < files; j++)
        allowed.add(recordOf(f * FILES_PER_FOLDER + j));
    for (const i of person.files) allowed.add(recordOf(i));
    const list = people.get(person.label) ?? [];
    list.push({ email: person.email, label: person.label, allowed });
    people.set(person.label, list);
  }

  return {
    emu,
    store,
    dir,
    syncId: sync.id,
    chunks: await store.count({ tenant: TENANT }),
    people,
    query: clustered,
    exactTopK: (query, allowed, k) => {
      const scored: { id: string; score: number }[] = [];
      for (const [id, v] of vectors) {
        if (!allowed.has(chunkRecord.get(id)!)) continue;
        let dot = 0;
        for (let d = 0; d < DIMS; d++) dot += v[d]! * query[d]!;
        scored.push({ id, score: dot });
      }
      scored.sort((a, b) => b.score - a.score);
      return scored.slice(0, k).map((s) => s.id);
    },
    recordOfChunk: (id) => chunkRecord.get(id)!,
    reused,
    close: async () => {
      await store.close();
      child.kill("SIGTERM");
      if (reuse === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
