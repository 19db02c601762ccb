/**
 * Ingest benchmark: the example corpus replicated to N files (in memory, served by the emulator),
 * ingested with the offline hashing embedder into a temp LanceDB folder; then the same drive again,
 * unchanged, incrementally (resume from the cursor) and in full mode (every record listed and
 * compared, nothing downloaded). Each ingest runs in a child process so its peak RSS is the
 * ingest's own, not the emulator's (which holds the whole corpus in memory). Prints a table.
 *
 *   npx tsx bench/ingest.ts                 # 1,000 and 5,000 files
 *   npx tsx bench/ingest.ts --files 2000    # one size
 *   npx tsx bench/ingest.ts --files 1000 --baseline <git ref>
 *       # also runs the ingest child of an earlier commit (its src/ and bench/, with today's
 *       # node_modules) against the same emulator, alternating with today's: before vs after in one run
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchedEmbeddings, HashingEmbeddings } from "../src/embeddings/index.js";
import { type CorpusSpec, loadCorpusDir, startEmulator } from "../src/emulator/index.js";
import { type IngestMode, type IngestReport, ingest } from "../src/ingest/index.js";
import { ManagedSyncClient } from "../src/managed-sync/index.js";
import { LanceChunkStore } from "../src/store/index.js";
import { runBenchChild } from "./child-process.js";
import { markdownTable } from "./markdown-table.js";

const TENANT = "northwind";
const DIMENSIONS = 384;

interface ChildArgs {
  url: string;
  token: string;
  storeDir: string;
  mode: IngestMode;
}

interface ChildResult {
  report: IngestReport;
  peakRssMb: number;
  /** Highest RSS seen after a page in the first half of the pages, and in the second half. */
  firstHalfRssMb: number;
  secondHalfRssMb: number;
}

/** The child side: one ingest run, then its report and peak RSS as one JSON line. */
async function child(args: ChildArgs): Promise<void> {
  const store = await LanceChunkStore.open({ dir: args.storeDir, dimensions: DIMENSIONS });
  const samples: number[] = [];
  const report = await ingest({
    onProgress: (event) => {
      if (event.type === "page-done") samples.push(process.memoryUsage.rss() / 1048576);
    },
    client: new ManagedSyncClient({ baseUrl: args.url, auth: { token: args.token } }),
    store,
    embeddings: new BatchedEmbeddings(new HashingEmbeddings({ dimensions: DIMENSIONS }), { batchSize: 64 }),
    tenant: TENANT,
    mode: args.mode,
  });
  await store.close();
  // maxRSS is in kilobytes.
  const half = Math.ceil(samples.length / 2);
  const result: ChildResult = {
    report,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    firstHalfRssMb: Math.max(0, ...samples.slice(0, half)),
    secondHalfRssMb: Math.max(0, ...samples.slice(half)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs one ingest in a child process: today's code, or the bench/ingest.ts of a baseline checkout. */
function runChild(args: ChildArgs, script = import.meta.filename): Promise<ChildResult> {
  return runBenchChild(["--import", "tsx", script, "--child", JSON.stringify(args)]);
}

/**
 * The example corpus copied into `copies` sibling folders per sync root. Text files get a line
 * naming their copy, so their content hashes differ as real files would. The corpus itself is
 * always whole, even below `targetFiles`: its manifest names its files (sharing, CRM records), and
 * the emulator refuses a corpus that lacks one.
 */
function replicate(base: CorpusSpec, targetFiles: number) {
  const entries = base.files instanceof Map ? [...base.files] : Object.entries(base.files);
  const copies = Math.ceil(targetFiles / entries.length);
  const files = new Map<string, Uint8Array | string>();
  for (let copy = 0; copy < Math.max(1, copies); copy++) {
    for (const [path, bytes] of entries) {
      if (copy > 0 && files.size >= targetFiles) break;
      const slash = path.indexOf("/");
      const copied = copy === 0 ? path : `${path.slice(0, slash)}/Copy ${copy}${path.slice(slash)}`;
      const isText = /\.(md|txt|csv|html)$/i.test(path);
      const content =
        isText && copy > 0 ? `${new TextDecoder().decode(bytes as Uint8Array)}\n\nCopy ${copy}.\n` : bytes;
      files.set(copied, content);
    }
  }
  return { manifest: base.manifest, files };
}

interface Row {
  files: number;
  /** "current", or the baseline ref. */
  code: string;
  run: string;
  seconds: number;
  recordsPerSec: number;
  chunksPerSec: number;
  records: number;
  chunks: number;
  embeddingCalls: number;
  peakRssMb: number;
  rssTrend: string;
  /** Why the run's report is not ok (its details go to stderr); its time is then no basis for a ratio. */
  failure?: string;
}

/** The three runs (first, unchanged incremental, unchanged full) of each code version, alternating versions. */
async function measure(base: CorpusSpec, fileCount: number, versions: CodeVersion[]): Promise<Row[]> {
  const corpus = replicate(base, fileCount);
  const emulator = await startEmulator({ corpus, port: 0 });
  const storeDirs = await Promise.all(versions.map(() => mkdtemp(join(tmpdir(), "clearance-bench-ingest-"))));
  const rows: Row[] = [];
  try {
    const token = await emulator.tokenFor(TENANT);
    for (const [run, mode] of [
      ["first", "incremental"],
      ["unchanged, incremental", "incremental"],
      ["unchanged, full", "full"],
    ] as const) {
      for (const [i, version] of versions.entries()) {
        const args = { url: emulator.url, token, storeDir: storeDirs[i]!, mode };
        const { report, peakRssMb, firstHalfRssMb, secondHalfRssMb } = await runChild(
          args,
          version.script,
        ).catch((error: Error) => {
          throw new Error(`the ${version.name} ${run} run failed: ${error.message}`, { cause: error });
        });
        if (!report.ok)
          console.error(
            `${version.name} ${run}: ${JSON.stringify(report.error ?? report.failures.slice(0, 5))}`,
          );
        const failure = report.ok
          ? undefined
          : (report.error?.code ?? `${report.counts.failed} records failed`);
        const seconds = report.durationMs / 1000;
        rows.push({
          files: corpus.files.size,
          code: version.name,
          run,
          seconds,
          records: report.counts.seen,
          chunks: report.counts.chunksWritten,
          recordsPerSec: report.counts.seen / seconds,
          chunksPerSec: report.counts.chunksWritten / seconds,
          embeddingCalls: report.counts.embeddingCalls,
          peakRssMb,
          rssTrend: `${firstHalfRssMb.toFixed(0)} → ${secondHalfRssMb.toFixed(0)}`,
          ...(failure ? { failure } : {}),
        });
      }
    }
  } finally {
    await emulator.close();
    await Promise.all(storeDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
  return rows;
}

interface CodeVersion {
  name: string;
  script: string;
}

/**
 * An earlier commit's package.json, src/ and bench/, unpacked in a hidden folder of the project with a
 * link to today's node_modules (so its imports resolve to today's packages); removed by the returned
 * cleanup. Not under node_modules/: the extraction worker's source loader leaves everything there to
 * Node untransformed, so a baseline there could not start its workers (every file EXTRACTOR_CRASHED).
 */
async function checkoutBaseline(ref: string): Promise<CodeVersion & { remove(): Promise<void> }> {
  const root = join(import.meta.dirname, "..");
  const dir = await mkdtemp(join(root, ".bench-baseline-"));
  await symlink(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  const archive = execFileSync("git", ["archive", "--format=tar", ref, "package.json", "src", "bench"], {
    cwd: root,
    maxBuffer: 1 << 30,
  });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  const sha = execFileSync("git", ["rev-parse", "--short", ref], { cwd: root, encoding: "utf8" }).trim();
  return {
    name: `baseline ${sha}`,
    script: join(dir, "bench", "ingest.ts"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function table(rows: Row[]): string {
  const header = [
    "files",
    "code",
    "run",
    "seconds",
    "records",
    "records/s",
    "chunks",
    "chunks/s",
    "embed calls",
    "× faster",
    "peak RSS MB",
    "RSS 1st → 2nd half",
  ];
  const lines = rows.map((r) => {
    const first = rows.find((f) => f.files === r.files && f.code === r.code && f.run === "first")!;
    return [
      String(r.files),
      r.code,
      r.run,
      r.seconds.toFixed(2),
      String(r.records),
      r.recordsPerSec.toFixed(0),
      String(r.chunks),
      r.chunksPerSec.toFixed(0),
      String(r.embeddingCalls),
      r.failure ? "failed" : r.run === "first" ? "" : `${(first.seconds / r.seconds).toFixed(0)}×`,
      r.peakRssMb.toFixed(0),
      r.rssTrend,
    ];
  });
  return markdownTable(header, lines);
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf("--child");
  if (childAt >= 0) return child(JSON.parse(process.argv[childAt + 1]!) as ChildArgs);
  const filesAt = process.argv.indexOf("--files");
  const sizes = filesAt >= 0 ? [Number(process.argv[filesAt + 1])] : [1000, 5000];
  const baselineAt = process.argv.indexOf("--baseline");
  const baseline = baselineAt >= 0 ? await checkoutBaseline(process.argv[baselineAt + 1]!) : undefined;
  const versions: CodeVersion[] = [
    ...(baseline ? [baseline] : []),
    { name: "current", script: import.meta.filename },
  ];
  const base = await loadCorpusDir(join(import.meta.dirname, "../examples/corpus"));
  const rows: Row[] = [];
  try {
    for (const size of sizes) {
      console.error(`ingesting ${size} files…`);
      rows.push(...(await measure(base, size, versions)));
    }
  } finally {
    await baseline?.remove();
  }
  console.log(table(rows));
  if (baseline) console.log(`\n${comparison(rows, baseline.name)}`);
  console.log(
    "\n(records = records pulled, folders included; × faster = first run's seconds / this run's;" +
      " RSS 1st → 2nd half = highest RSS after a page in the first and in the second half of the pages, MB)",
  );
}

/**
 * Today's seconds over the baseline's, per size and run (above 1: today is slower). A failed run
 * did not do the same work, so it gets no ratio: the line says which side failed.
 */
function comparison(rows: Row[], baselineName: string): string {
  return rows
    .filter((row) => row.code === "current")
    .map((row) => {
      const before = rows.find((b) => b.code === baselineName && b.files === row.files && b.run === row.run);
      const label = `${row.files} files, ${row.run}:`;
      if (before?.failure) return `${label} the baseline run failed (${before.failure}, see above), no ratio`;
      if (row.failure) return `${label} the current run failed (${row.failure}, see above), no ratio`;
      return `${label} current/baseline time ${before ? (row.seconds / before.seconds).toFixed(2) : "?"}×`;
    })
    .join("\n");
}

await main();
