/**
 * The record memory's scan kernel: the dot products of one query with a held list's vectors (the
 * division by norms and the gathering of runs around it are not timed), through the arena's
 * WebAssembly SIMD module (src/store/lancedb/vector-arena.ts) against the JavaScript
 * loop it replaced (four running sums, the query in 64-bit floats; kept here as the baseline), in
 * one process, alternating call by call. "First call" is the arena's first scan in the process
 * (compiling and instantiating the module included); the steady state is the median of the rest.
 *
 *   flock /work/coord/heavy.lock npx tsx bench/record-scan.ts [rounds]
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { seededRandom } from "../src/emulator/index.js";
import { VectorArena } from "../src/store/lancedb/vector-arena.js";
import { markdownTable } from "./markdown-table.js";

const ROUNDS = Number(process.argv[2] ?? 60);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The scan before the arena: per vector, four running sums over a 64-bit query. */
function javascriptScan(
  query: Float64Array,
  vectors: Float32Array,
  count: number,
  scores: Float64Array,
): void {
  const dims = query.length;
  for (let v = 0; v < count; v++) {
    const start = v * dims;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < dims; d += 4) {
      s0 += query[d]! * vectors[start + d]!;
      s1 += query[d + 1]! * vectors[start + d + 1]!;
      s2 += query[d + 2]! * vectors[start + d + 2]!;
      s3 += query[d + 3]! * vectors[start + d + 3]!;
    }
    scores[v] = s0 + s1 + s2 + s3;
  }
}

const before = load();
const rows: string[][] = [];
let firstArenaCall = true;
for (const dims of [384, 1536]) {
  for (const count of [2_500, 10_000]) {
    const random = seededRandom(dims * count);
    const vectors = Float32Array.from({ length: dims * count }, () => random() - 0.5);
    const query = Float32Array.from({ length: dims }, () => random() - 0.5);
    const arena = new VectorArena(dims, count);
    const block = arena.alloc(dims * count);
    arena.floats.set(vectors, block.start);
    const fromArena = new Float64Array(count);
    const fromLoop = new Float64Array(count);
    const arenaMs: number[] = [];
    const loopMs: number[] = [];
    let first = Number.NaN;
    for (let round = 0; round <= ROUNDS; round++) {
      let started = performance.now();
      arena.setQuery(query);
      arena.dots(block.start, count, fromArena, 0);
      const ms = performance.now() - started;
      if (round === 0) first = ms;
      else arenaMs.push(ms);
      started = performance.now();
      javascriptScan(Float64Array.from(query), vectors, count, fromLoop);
      if (round > 0) loopMs.push(performance.now() - started);
    }
    let worst = 0;
    for (let i = 0; i < count; i++) worst = Math.max(worst, Math.abs(fromArena[i]! - fromLoop[i]!));
    rows.push([
      `${dims}`,
      `${count.toLocaleString("en")}`,
      `${first.toFixed(2)}${firstArenaCall ? " (module compiled)" : ""}`,
      median(arenaMs).toFixed(2),
      median(loopMs).toFixed(2),
      `${(median(loopMs) / median(arenaMs)).toFixed(1)}×`,
      worst.toExponential(1),
    ]);
    firstArenaCall = false;
  }
}
console.log(
  markdownTable(
    [
      "dims",
      "vectors",
      "arena, first call (ms)",
      "arena p50 (ms)",
      "JS loop p50 (ms)",
      "speed-up",
      "largest |Δ score|",
    ],
    rows,
  ),
);
console.log(`\n${ROUNDS} rounds each, alternating; load ${before} → ${load()}`);
