import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { assembleDotProducts } from "../../scripts/build-dot-products.js";
import { type ArenaBlock, VectorArena } from "../../src/store/lancedb/vector-arena.js";

/** The dot product in 64-bit floats, one term at a time: what the module's lanes must agree with. */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

const vectorOf = (dims: number) =>
  fc.array(fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), {
    minLength: dims,
    maxLength: dims,
  });

/** Writes `vectors` to a new block, one after another. */
function stored(arena: VectorArena, vectors: readonly (readonly number[])[], dims: number): ArenaBlock {
  const block = arena.alloc(vectors.length * dims);
  for (const [i, vector] of vectors.entries()) arena.floats.set(vector, block.start + i * dims);
  return block;
}

/** The score of the one vector at float `start` against a query of ones (the sum of its values). */
function scoreOfOnes(arena: VectorArena, start: number, dims: number): number {
  arena.setQuery(new Array(dims).fill(1));
  const scores = new Float64Array(1);
  arena.dots(start, 1, scores, 0);
  return scores[0] as number;
}

/** Runs `act` while the host refuses to make any WebAssembly memory. */
function whileMemoryRefused(act: () => void): void {
  const refused = vi.spyOn(WebAssembly, "Memory").mockImplementation(function refuse() {
    throw new RangeError("WebAssembly.Memory(): could not allocate memory");
  });
  try {
    act();
  } finally {
    refused.mockRestore();
  }
}

/** An arena whose memory grew past 20 MB for a block since freed, holding one small `kept` block. */
function arenaAfterLargeFreed(): { arena: VectorArena; kept: ArenaBlock } {
  const arena = new VectorArena(4, 4);
  const large = arena.alloc(5_000_000);
  const kept = stored(arena, [[1, 2, 3, 4]], 4);
  arena.free(large);
  return { arena, kept };
}

describe("VectorArena", () => {
  it("runs the module assembled from dot-products.wat (the generated file is not stale)", async () => {
    const committed = readFileSync(
      new URL("../../src/store/lancedb/dot-products-wasm.ts", import.meta.url),
      "utf8",
    );
    expect(committed).toBe(await assembleDotProducts());
  });

  it("scores every vector as a dot product, whatever the dimensions (lanes and the rest)", () => {
    const world = fc.integer({ min: 1, max: 40 }).chain((dims) =>
      fc.record({
        dims: fc.constant(dims),
        query: vectorOf(dims),
        vectors: fc.array(vectorOf(dims), { minLength: 1, maxLength: 12 }),
        maxScores: fc.integer({ min: 1, max: 12 }),
      }),
    );
    fc.assert(
      fc.property(world, ({ dims, query, vectors, maxScores }) => {
        const arena = new VectorArena(dims, maxScores);
        // A block right after the scratch: the scores must never spill into it.
        const before = stored(arena, [query], dims);
        const block = stored(arena, vectors, dims);
        arena.setQuery(query);
        const scores = new Float64Array(vectors.length + 2);
        arena.dots(block.start, vectors.length, scores, 1);
        expect([...arena.floats.subarray(before.start, before.start + dims)]).toEqual([
          ...Float32Array.from(query),
        ]);
        expect(scores[0]).toBe(0);
        expect(scores[vectors.length + 1]).toBe(0);
        vectors.forEach((vector, i) => {
          expect(scores[i + 1]).toBeCloseTo(dot(Float32Array.from(query), Float32Array.from(vector)), 4);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("keeps every live block's vectors through frees, compactions and growth", () => {
    const dims = 384;
    const arena = new VectorArena(dims, 16);
    const live = new Map<ArenaBlock, number>();
    let seed = 0;
    const fill = (block: ArenaBlock, value: number) =>
      arena.floats.fill(value, block.start, block.start + block.length);
    // 300 loads of 1–40 vectors, a third of them freed soon after: the top is reached many times.
    for (let i = 0; i < 300; i++) {
      const block = arena.alloc(((i * 7) % 40) * dims + dims);
      seed += 1;
      fill(block, seed);
      live.set(block, seed);
      if (i % 3 === 1) {
        const [oldest] = live.keys();
        arena.free(oldest as ArenaBlock);
        live.delete(oldest as ArenaBlock);
      }
    }
    const blocks = [...live.keys()].sort((a, b) => a.start - b.start);
    for (const [index, block] of blocks.entries()) {
      const floats = arena.floats.subarray(block.start, block.start + block.length);
      expect(floats.every((value) => value === live.get(block))).toBe(true);
      const next = blocks[index + 1];
      if (next) expect(block.start + block.length).toBeLessThanOrEqual(next.start);
      // The scratch (query and scores) comes first: no block overlaps it.
      expect(block.start).toBeGreaterThanOrEqual(dims + 16);
    }
    // Growth is bounded by what is held, not by everything ever allocated.
    const held = blocks.reduce((sum, block) => sum + block.length, 0);
    expect(arena.capacity).toBeLessThan(2 * (held + dims + 16) + 16_384);
  });

  it("still scores after the memory grew, at the blocks' new places", () => {
    const dims = 8;
    const arena = new VectorArena(dims, 4);
    const first = stored(arena, [[1, 2, 3, 4, 5, 6, 7, 8]], dims);
    // Far more than the first page holds: the memory grows.
    const large = arena.alloc(100_000 * dims);
    arena.free(large);
    const second = stored(arena, [[1, 0, 0, 0, 0, 0, 0, 1]], dims);
    arena.setQuery([1, 1, 1, 1, 1, 1, 1, 1]);
    const scores = new Float64Array(2);
    arena.dots(first.start, 1, scores, 0);
    arena.dots(second.start, 1, scores, 1);
    expect([...scores]).toEqual([36, 2]);
  });

  it("reuses the floats of the top block once it is freed, without compacting", () => {
    const arena = new VectorArena(4, 4);
    const first = stored(arena, [[1, 1, 1, 1]], 4);
    const top = arena.alloc(8);
    arena.free(top);
    // The next block takes the freed one's place: the top came down to the first block's end.
    expect(arena.alloc(4).start).toBe(first.start + first.length);
  });

  it("fills a gap freed blocks left before it compacts or grows: nothing else moves", () => {
    // One page holds 16,384 floats; the scratch takes 8 of them.
    const arena = new VectorArena(4, 4);
    const first = arena.alloc(5_000);
    const middle = arena.alloc(5_000);
    const last = arena.alloc(6_000);
    const lastStart = last.start;
    arena.floats.fill(7, last.start, last.start + last.length);
    arena.free(middle);
    const capacity = arena.capacity;
    // No room at the top: the freed middle takes it.
    expect(arena.alloc(4_000).start).toBe(first.start + first.length);
    expect(last.start).toBe(lastStart);
    expect(arena.floats.subarray(last.start, last.start + last.length).every((x) => x === 7)).toBe(true);
    expect(arena.capacity).toBe(capacity);
  });

  it("moves its blocks into a smaller memory once they need less than half of it, and not below 16 MB", () => {
    const { arena, kept } = arenaAfterLargeFreed();
    const before = arena.capacity;
    expect(before * 4).toBeGreaterThan(20_000_000);
    arena.trim();
    expect(arena.capacity).toBeLessThan(before / 10);
    expect(scoreOfOnes(arena, kept.start, 4)).toBe(10);
    // Small already: left as it is.
    const small = arena.capacity;
    arena.trim();
    expect(arena.capacity).toBe(small);
  });

  it("keeps its blocks where they are when the host will not make the smaller memory", () => {
    const { arena, kept } = arenaAfterLargeFreed();
    const [capacity, start] = [arena.capacity, kept.start];
    whileMemoryRefused(() => arena.trim());
    expect([arena.capacity, kept.start]).toEqual([capacity, start]);
    expect(scoreOfOnes(arena, kept.start, 4)).toBe(10);
  });

  it("grows to what a block needs when growing half as much again would pass the memory's limit", () => {
    // Four pages (65,536 floats) stand for wasm32's 4 GiB: a block of 50,000 floats fits, 1.5× does not.
    const arena = new VectorArena(8, 4, 4);
    const block = arena.alloc(50_000);
    arena.floats.fill(1, block.start, block.start + block.length);
    expect(scoreOfOnes(arena, block.start + 49_992, 8)).toBe(8);
    // Past the limit: a named error saying what to do, and the arena as it was.
    expect(() => arena.alloc(20_000)).toThrow(expect.objectContaining({ code: "RECORD_MEMORY_FULL" }));
    expect(arena.held).toBe(50_000);
    arena.free(block);
    expect(arena.alloc(60_000).start).toBe(block.start);
  });

  it("says the memory is full when the host will not make one, and makes one once it will", () => {
    const arena = new VectorArena(4, 4);
    whileMemoryRefused(() => {
      expect(() => arena.alloc(4)).toThrow(expect.objectContaining({ code: "RECORD_MEMORY_FULL" }));
    });
    const block = stored(arena, [[1, 2, 3, 4]], 4);
    expect(scoreOfOnes(arena, block.start, 4)).toBe(10);
  });

  it("lets its memory go on reset", () => {
    const arena = new VectorArena(4, 4);
    stored(arena, [[1, 1, 1, 1]], 4);
    expect(arena.capacity).toBeGreaterThan(0);
    arena.reset();
    expect(arena.capacity).toBe(0);
    const block = stored(arena, [[1, 2, 3, 4]], 4);
    expect(scoreOfOnes(arena, block.start, 4)).toBe(10);
  });
});
