// The record memory's vectors, in one WebAssembly memory, and their scan: dot-products.wat does a
// query's dot products four lanes at a time (SIMD). At 100k chunks' worth of bench vectors on the
// 2-core test machine, 10k vectors took 0.4 ms against 1.7–5 ms in a JavaScript loop at 384 dims,
// and 2.2 ms against 7–22 ms at 1,536 (bench/record-scan.ts). The vectors have to live in the
// module's memory for that: copying them in per search would cost what the scan saves.
import { StoreError } from "../errors.js";
import { DOT_PRODUCTS_WASM } from "./dot-products-wasm.js";

/** One load's vectors in the arena: `start` (in floats) moves when the arena is compacted. */
export interface ArenaBlock {
  start: number;
  readonly length: number;
}

type Dots = (query: number, vectors: number, count: number, dims: number, out: number) => void;

/** A WebAssembly memory and the module's scan instantiated over it. */
interface Scanned {
  memory: WebAssembly.Memory;
  dots: Dots;
}

const PAGE_BYTES = 65_536;
const FLOAT_BYTES = 4;
// A 32-bit WebAssembly memory holds at most 4 GiB (65,536 pages), whatever the host has.
const MAX_PAGES = 65_536;

let compiled: WebAssembly.Module | undefined;
function dotProducts(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(DOT_PRODUCTS_WASM, "base64"));
  return compiled;
}

/**
 * Blocks of vectors in one growable WebAssembly memory, allocated at its top and freed in any
 * order; when the top is reached and freed blocks leave room, the live ones slide down (a copy
 * within the memory, their `start` updated). A WebAssembly memory cannot shrink, so once nothing is
 * held `reset()` lets the whole memory go.
 *
 * The first `scratch` floats hold the query and the scores of one scan.
 *
 * @example const arena = new VectorArena(384, 10_000); const block = arena.alloc(384); arena.floats.set(vector, block.start);
 */
export class VectorArena {
  #memory: WebAssembly.Memory | undefined;
  #dots: Dots | undefined;
  #floats = new Float32Array(0);
  readonly #blocks = new Set<ArenaBlock>();
  // Floats in use up to here (the scratch, then blocks); the rest of the memory is free.
  #top = 0;
  readonly #scratch: number;
  readonly #maxScores: number;

  /**
   * `maxScores`: the most vectors the module scores at once (their scores share the scratch).
   * `maxPages`: the most 64 KiB pages the memory may grow to (wasm32's 4 GiB; smaller in tests).
   */
  constructor(
    private readonly dimensions: number,
    maxScores: number,
    private readonly maxPages = MAX_PAGES,
  ) {
    this.#maxScores = Math.max(1, maxScores);
    this.#scratch = dimensions + this.#maxScores;
  }

  /** The memory as floats: valid until the next `alloc` (growing the memory replaces it). */
  get floats(): Float32Array {
    return this.#floats;
  }

  /** Floats the memory can hold now (held, freed or never used). */
  get capacity(): number {
    return this.#floats.length;
  }

  /** Floats in live blocks (the scratch not counted). */
  get held(): number {
    return this.#held();
  }

  /**
   * A block of `length` floats; its contents are whatever was there (callers fill it). Throws a
   * StoreError (RECORD_MEMORY_FULL) when the memory cannot grow to hold it; nothing changes then.
   */
  alloc(length: number): ArenaBlock {
    this.#open();
    const block = { start: this.#startFor(length), length };
    this.#blocks.add(block);
    return block;
  }

  /**
   * Moves the live blocks into a new memory sized for them when the current one is more than twice
   * what they and the scratch need (as after evictions: a WebAssembly memory never shrinks, so
   * without this it would stay at its largest for the store's life). The old memory goes with the
   * last reference to it.
   */
  trim(): void {
    if (!this.#memory) return;
    const needed = this.#scratch + this.#held();
    if (this.capacity <= 2 * needed || this.capacity * FLOAT_BYTES <= TRIM_FLOOR_BYTES) return;
    let memory: Scanned;
    try {
      memory = this.#newMemory(Math.ceil(needed * 1.25));
    } catch {
      // No new memory to be had: the blocks stay where they are, as they were.
      return;
    }
    const old = this.#floats;
    this.#use(memory);
    this.#layDown(this.#inOrder(), old);
  }

  /** Gives a block back; its floats are reused once the blocks above it are gone or compacted. */
  free(block: ArenaBlock): void {
    if (!this.#blocks.delete(block)) return;
    if (block.start + block.length === this.#top) this.#top = this.#highestEnd();
  }

  /** Frees every block and lets the memory go (a new one is made by the next `alloc`). */
  reset(): void {
    this.#blocks.clear();
    this.#memory = undefined;
    this.#dots = undefined;
    this.#floats = new Float32Array(0);
    this.#top = 0;
  }

  /**
   * The dot products of `query` with `count` vectors that follow each other from float `start`,
   * written to `scores` from `at`. The query is first copied to the scratch (`setQuery`).
   */
  dots(start: number, count: number, scores: Float64Array, at: number): void {
    const dots = this.#dots;
    // Scores left at 0 would rank a held list silently wrong: a scan always sets its query first.
    if (!dots) throw new Error("VectorArena.dots called before setQuery: no memory to scan");
    const out = this.dimensions;
    const floats = this.#floats;
    // Past the scratch's scores the module would write over the blocks: longer runs go in parts.
    for (let done = 0; done < count; done += this.#maxScores) {
      const part = Math.min(this.#maxScores, count - done);
      dots(0, (start + done * this.dimensions) * FLOAT_BYTES, part, this.dimensions, out * FLOAT_BYTES);
      for (let i = 0; i < part; i++) scores[at + done + i] = floats[out + i] as number;
    }
  }

  /** Copies the query to the scratch, for the {@link dots} calls of one scan. */
  setQuery(query: ArrayLike<number>): void {
    this.#open();
    this.#floats.set(query, 0);
  }

  #open(): void {
    if (this.#memory) return;
    this.#use(this.#newMemory(this.#scratch));
    this.#top = this.#scratch;
  }

  /** A memory for `floats` and the module's scan over it; the arena's own is left as it is. */
  #newMemory(floats: number): Scanned {
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: pagesFor(floats), maximum: this.maxPages });
    } catch (error) {
      // A host that caps address space (ulimit -v) may refuse a WebAssembly memory's reservation.
      throw fullError(this.#scratch, error);
    }
    const instance = new WebAssembly.Instance(dotProducts(), { arena: { memory } });
    return { memory, dots: instance.exports.dots as Dots };
  }

  #use({ memory, dots }: Scanned): void {
    this.#memory = memory;
    this.#dots = dots;
    this.#floats = new Float32Array(memory.buffer);
  }

  /**
   * Where a block of `length` floats goes: at the top while it fits, else in a gap freed blocks
   * left, else at the top once the memory is grown or compacted.
   */
  #startFor(length: number): number {
    if (this.#top + length > this.capacity) {
      // A gap freed blocks left first: compacting moves every block above it, on the main thread
      // (~0.5 ms a MB), while a query may be waiting.
      const blocks = this.#inOrder();
      const gap = this.#gapIn(blocks, length);
      if (gap !== undefined) return gap;
      // Compacting a nearly full memory would only buy room for the next block or two.
      const needed = this.#scratch + this.#held() + length;
      if (needed > this.capacity * 0.75) this.#grow(needed);
      if (this.#top + length > this.capacity) this.#layDown(blocks, this.#floats);
    }
    const start = this.#top;
    this.#top = start + length;
    return start;
  }

  /**
   * Grows the memory to hold `floats` with room to spare (half as much again, short of its limit:
   * a memory that could hold the floats must not be refused for the spare).
   */
  #grow(floats: number): void {
    const memory = this.#memory as WebAssembly.Memory;
    if (pagesFor(floats) > this.maxPages) throw fullError(floats);
    const wanted = Math.min(this.maxPages, pagesFor(Math.ceil(floats * 1.5)));
    const pages = memory.buffer.byteLength / PAGE_BYTES;
    try {
      if (wanted > pages) memory.grow(wanted - pages);
    } catch (error) {
      // The host would not give the pages (RangeError): the old buffer and every block are intact.
      throw fullError(floats, error);
    }
    this.#floats = new Float32Array(memory.buffer);
  }

  /**
   * Lays `blocks` (lowest first) side by side from the end of the scratch, copied from where they
   * are in `from`: the current memory (compacting: the free floats all end up at the top) or the
   * one being left (trimming).
   */
  #layDown(blocks: readonly ArenaBlock[], from: Float32Array): void {
    let top = this.#scratch;
    for (const block of blocks) {
      const end = block.start + block.length;
      if (from !== this.#floats) this.#floats.set(from.subarray(block.start, end), top);
      else if (block.start !== top) this.#floats.copyWithin(top, block.start, end);
      block.start = top;
      top += block.length;
    }
    this.#top = top;
  }

  /** The live blocks, lowest first. */
  #inOrder(): ArenaBlock[] {
    return [...this.#blocks].sort((a, b) => a.start - b.start);
  }

  /** The start of the lowest gap between `blocks` (lowest first) that holds `length` floats, if any. */
  #gapIn(blocks: readonly ArenaBlock[], length: number): number | undefined {
    let end = this.#scratch;
    for (const block of blocks) {
      if (block.start - end >= length) return end;
      end = block.start + block.length;
    }
    return undefined;
  }

  #held(): number {
    let floats = 0;
    for (const block of this.#blocks) floats += block.length;
    return floats;
  }

  #highestEnd(): number {
    let end = this.#scratch;
    for (const block of this.#blocks) end = Math.max(end, block.start + block.length);
    return end;
  }
}

// A memory this small is not worth moving the blocks out of.
const TRIM_FLOOR_BYTES = 16 * 1024 * 1024;

function fullError(floats: number, cause?: unknown): StoreError {
  return new StoreError(
    "RECORD_MEMORY_FULL",
    `the record memory could not grow to ${Math.ceil((floats * FLOAT_BYTES) / 1e6)} MB of vectors (one WebAssembly memory holds at most 4 GiB): lower store.recordCacheMb`,
    cause === undefined ? undefined : { cause },
  );
}

function pagesFor(floats: number): number {
  return Math.max(1, Math.ceil((floats * FLOAT_BYTES) / PAGE_BYTES));
}
