import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ExtractError } from "./errors.js";

/**
 * Bounds the buffers a file's parser holds in an extraction worker. The worker's heap limit does
 * not: typed arrays live outside the heap, and pdf.js inflates a PDF's FlateDecode streams into
 * them, so a 1 MB PDF could take gigabytes and the process with it (an OOM kill records nothing,
 * and every rerun dies on the same file). Node 20 lets no one else see a worker's buffers, so the
 * worker checks itself: large typed arrays and ArrayBuffers made through the global constructors
 * (pdf.js makes every decoded stream that way) are charged, and one that would take the worker's
 * live buffers past the limit throws `ZIP_BOMB` instead of allocating. Buffers made another way
 * (zlib, Node's `Buffer`) are not stopped at birth but count at the next check. The bound is on
 * what is held at once, not on the total decoded: pdf.js lets go of a page's streams once it is
 * read, but a stream of N bytes may briefly need up to 3N while its buffer doubles.
 */

// Smaller allocations pass unchecked: a check reads process.memoryUsage(), and a bomb has to make
// large buffers to grow (pdf.js doubles a stream's buffer as it decodes).
const CHECKED_BYTES = 1024 * 1024;

interface Budget {
  name: string;
  limit: number;
  /** Buffers the worker held before the file, plus an allowance for the parser's copy of it. */
  baseline: number;
  exceeded?: ExtractError;
}

let current: Budget | undefined;
let installed = false;

const OriginalArrayBuffer = ArrayBuffer;
const constructors = [
  "ArrayBuffer",
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
] as const;

/**
 * Replaces the worker's global typed-array and ArrayBuffer constructors with charging ones (once;
 * call it before any parser is loaded, since some keep a reference to the constructor). Instances
 * are the same objects as before: `instanceof` and prototypes are unchanged.
 */
export function installBufferBudget(): void {
  if (installed) return;
  installed = true;
  type Constructor = (new (...args: unknown[]) => object) & { BYTES_PER_ELEMENT?: number };
  const scope = globalThis as unknown as Record<string, Constructor>;
  for (const name of constructors) {
    const original = scope[name] as Constructor;
    const width = original.BYTES_PER_ELEMENT ?? 1;
    const charging: Constructor = new Proxy(original, {
      construct(target, args, newTarget) {
        if (current) charge(current, bytesOf(args[0], width));
        return Reflect.construct(target, args, newTarget === charging ? target : newTarget);
      },
    });
    scope[name] = charging;
  }
}

/**
 * Runs one file's parse under a budget of `limit` bytes of buffers beyond the file itself. Throws
 * the budget's `ZIP_BOMB` if a check failed, even when the parser caught it and carried on or
 * failed in its own words.
 */
export async function withBufferBudget<T>(
  file: { name: string; size: number; limit: number },
  parse: () => Promise<T>,
): Promise<T> {
  const budget: Budget = { name: file.name, limit: file.limit, baseline: heldBytes() + file.size };
  current = budget;
  try {
    const result = await parse();
    if (budget.exceeded) throw budget.exceeded;
    return result;
  } catch (error) {
    throw budget.exceeded ?? error;
  } finally {
    current = undefined;
  }
}

function charge(budget: Budget, bytes: number): void {
  if (budget.exceeded) throw budget.exceeded;
  if (bytes < CHECKED_BYTES) return;
  if (bytes <= budget.limit && heldBytes() + bytes - budget.baseline <= budget.limit) return;
  // Buffers the parser has dropped stay counted until a collection: collect before giving up.
  collector ??= garbageCollector();
  collector.collect?.();
  const held = heldBytes() + bytes - budget.baseline;
  if (held <= budget.limit) return;
  budget.exceeded = new ExtractError(
    "ZIP_BOMB",
    `${budget.name} would hold ${held} bytes of decoded data while it is read, over the ` +
      `${budget.limit}-byte limit (a PDF's compressed streams inflate into memory): the file is ` +
      "skipped (raise maxUncompressedBytes if the file is genuine)",
  );
  throw budget.exceeded;
}

/** The bytes a constructor call allocates: a length, or a copy of an array; a view over a buffer allocates none. */
function bytesOf(source: unknown, width: number): number {
  if (typeof source === "number") return source * width;
  if (source instanceof OriginalArrayBuffer || typeof source !== "object" || source === null) return 0;
  const length = (source as { length?: unknown }).length;
  return typeof length === "number" ? length * width : 0;
}

function heldBytes(): number {
  return process.memoryUsage().arrayBuffers;
}

let collector: { collect?: () => void } | undefined;

/**
 * V8's collector, if it can be had: the worker starts without `--expose-gc`, and setting the flag
 * now exposes `gc` only to contexts created after, so take it from a fresh context and unset the
 * flag again (V8 flags are the process's). Without it, a file near the limit may fail on buffers
 * it no longer holds.
 */
function garbageCollector(): { collect?: () => void } {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return { collect: existing };
  try {
    setFlagsFromString("--expose-gc");
    return { collect: runInNewContext("gc") as () => void };
  } catch {
    return {};
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
