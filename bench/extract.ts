/**
 * Extraction benchmark: what running parsers in worker threads costs per file. Every readable file
 * of the example corpus is parsed, in a fresh child process per mode:
 *   in-process   the parsers called on the main thread (how extraction ran before the pool)
 *   in-process + budget   the same with the charging typed-array constructors every worker
 *                installs (buffer-budget.ts): what bounding a parser's buffers costs
 *   pool × 1     one worker thread, one file at a time: the pure cost of isolation
 *   pool × N     the default pool (cores, 1..4 workers), as many files in flight as workers
 * Cold = the first file and the first pass over the corpus in a new process (worker start and
 * parser loading included); steady = later passes. Prints a table.
 *
 *   npx tsx bench/extract.ts [--passes 5]
 */
import { join } from "node:path";
import pLimit from "p-limit";
import { loadCorpusDir } from "../src/emulator/index.js";
import { installBufferBudget } from "../src/ingest/text/buffer-budget.js";
import {
  defaultExtractPoolOptions,
  detectFormat,
  ExtractPool,
  extractText,
  type TextFormat,
} from "../src/ingest/text/index.js";
import { loadExtractor, readText } from "../src/ingest/text/read-text.js";
import { runBenchChild } from "./child-process.js";
import { markdownTable } from "./markdown-table.js";

type Mode = "in-process" | "in-process + budget" | "pool × 1" | "pool × N";

interface File {
  name: string;
  format: TextFormat;
  bytes: Uint8Array;
}

interface Result {
  mode: Mode;
  workers: number;
  files: number;
  megabytes: number;
  firstFileMs: number;
  firstPassMs: number;
  steadyFilesPerSec: number;
  steadyMbPerSec: number;
}

const limits = { maxBytes: 50e6, maxChars: 50e6, maxUncompressedBytes: 100e6, timeoutMs: 60_000 };

async function corpusFiles(): Promise<File[]> {
  const spec = await loadCorpusDir(join(import.meta.dirname, "../examples/corpus"));
  const entries = spec.files instanceof Map ? [...spec.files] : Object.entries(spec.files);
  return entries.flatMap(([path, content]) => {
    const name = path.slice(path.lastIndexOf("/") + 1);
    const format = detectFormat("application/octet-stream", name);
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    return format ? [{ name, format, bytes }] : [];
  });
}

/** One mode in this (fresh) process: a cold pass, then `passes` steady ones. */
async function child(mode: Mode, passes: number): Promise<void> {
  // As a worker does, before any parser is loaded.
  if (mode === "in-process + budget") installBufferBudget();
  const files = await corpusFiles();
  const inProcess = mode.startsWith("in-process");
  const workers = inProcess || mode === "pool × 1" ? 1 : defaultExtractPoolOptions.size;
  const pool = inProcess ? undefined : new ExtractPool({ size: workers });
  const read = async (file: File) => {
    if (!pool) {
      const task = { ...file, maxChars: limits.maxChars, maxUncompressedBytes: limits.maxUncompressedBytes };
      return readText(task, await loadExtractor(file.format));
    }
    return extractText(
      { bytes: file.bytes, mimeType: "application/octet-stream", name: file.name },
      limits,
      pool,
    );
  };
  const pass = async () => {
    const limit = pLimit(workers);
    await Promise.all(files.map((file) => limit(() => read(file).catch(() => undefined))));
  };
  const started = performance.now();
  await read(files[0]!);
  const firstFileMs = performance.now() - started;
  await pass();
  const firstPassMs = performance.now() - started;
  const steadyStart = performance.now();
  for (let i = 0; i < passes; i++) await pass();
  const steadySeconds = (performance.now() - steadyStart) / 1000;
  await pool?.close();
  const megabytes = files.reduce((sum, file) => sum + file.bytes.byteLength, 0) / 1e6;
  const result: Result = {
    mode,
    workers,
    files: files.length,
    megabytes,
    firstFileMs,
    firstPassMs,
    steadyFilesPerSec: (files.length * passes) / steadySeconds,
    steadyMbPerSec: (megabytes * passes) / steadySeconds,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(mode: Mode, passes: number): Promise<Result> {
  return runBenchChild([
    "--import",
    "tsx",
    import.meta.filename,
    "--child",
    mode,
    "--passes",
    String(passes),
  ]);
}

function table(results: Result[]): string {
  const base = results.find((r) => r.mode === "in-process")!;
  const header = [
    "mode",
    "workers",
    "files",
    "MB",
    "first file ms",
    "first pass s",
    "steady files/s",
    "steady MB/s",
    "steady × in-process",
  ];
  const lines = results.map((r) => [
    r.mode,
    String(r.workers),
    String(r.files),
    r.megabytes.toFixed(2),
    r.firstFileMs.toFixed(0),
    (r.firstPassMs / 1000).toFixed(2),
    r.steadyFilesPerSec.toFixed(0),
    r.steadyMbPerSec.toFixed(2),
    `${(r.steadyFilesPerSec / base.steadyFilesPerSec).toFixed(2)}×`,
  ]);
  return markdownTable(header, lines);
}

async function main(): Promise<void> {
  const passesAt = process.argv.indexOf("--passes");
  const passes = passesAt >= 0 ? Number(process.argv[passesAt + 1]) : 5;
  const childAt = process.argv.indexOf("--child");
  if (childAt >= 0) return child(process.argv[childAt + 1] as Mode, passes);
  const results: Result[] = [];
  for (const mode of ["in-process", "in-process + budget", "pool × 1", "pool × N"] as const) {
    console.error(`extracting (${mode})…`);
    results.push(await runChild(mode, passes));
  }
  console.log(table(results));
  console.log(
    "\n(first file / first pass = from a new process, worker start and parser loading included;" +
      " steady = later passes; × = steady files/s over in-process)",
  );
}

await main();
