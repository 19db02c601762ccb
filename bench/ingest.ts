/**
 * Ingest benchmark: the example corpus replicated to N files (in memory, served by the emulator),
 * ingested with the offline hashing embedder into a temp LanceDB folder; then the same drive again,
 * unchanged, incrementally (resume from the cursor) and in full mode (every record listed and
 * compared, nothing downloaded). Each ingest runs in a child process so its peak RSS is the
 * ingest's own, not the emulator's (which holds the whole corpus in memory). Prints a table.
 *
 *   npx tsx bench/ingest.ts                 # 1,000 and 5,000 files
 *   npx tsx bench/ingest.ts --files 2000    # one size
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchedEmbeddings, HashingEmbeddings } from "../src/embeddings/index.js";
import { type CorpusSpec, loadCorpusDir, startEmulator } from "../src/emulator/index.js";
import { type IngestMode, type IngestReport, ingest } from "../src/ingest/index.js";
import { ManagedSyncClient } from "../src/managed-sync/index.js";
import { LanceChunkStore } from "../src/store/index.js";

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

function runChild(args: ChildArgs): Promise<ChildResult> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", import.meta.filename, "--child", JSON.stringify(args)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  proc.stdout.on("data", (d) => {
    out += String(d);
  });
  return new Promise((resolve, reject) => {
    proc.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`bench child exited with ${code}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1)!) as ChildResult);
    });
  });
}

/**
 * The example corpus copied into `copies` sibling folders per sync root. Text files get a line
 * naming their copy, so their content hashes differ as real files would.
 */
function replicate(base: CorpusSpec, targetFiles: number): CorpusSpec {
  const entries = base.files instanceof Map ? [...base.files] : Object.entries(base.files);
  const copies = Math.ceil(targetFiles / entries.length);
  const files = new Map<string, Uint8Array | string>();
  for (let copy = 0; copy < copies; copy++) {
    for (const [path, bytes] of entries) {
      if (files.size >= targetFiles) break;
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
  run: string;
  seconds: number;
  recordsPerSec: number;
  chunksPerSec: number;
  records: number;
  chunks: number;
  embeddingCalls: number;
  peakRssMb: number;
  rssTrend: string;
}

async function measure(base: CorpusSpec, fileCount: number): Promise<Row[]> {
  const emulator = await startEmulator({ corpus: replicate(base, fileCount), port: 0 });
  const storeDir = await mkdtemp(join(tmpdir(), "clearance-bench-ingest-"));
  const rows: Row[] = [];
  try {
    const token = await emulator.tokenFor(TENANT);
    for (const [run, mode] of [
      ["first", "incremental"],
      ["unchanged, incremental", "incremental"],
      ["unchanged, full", "full"],
    ] as const) {
      const { report, peakRssMb, firstHalfRssMb, secondHalfRssMb } = await runChild({
        url: emulator.url,
        token,
        storeDir,
        mode,
      });
      if (!report.ok) console.error(`${run}: ${JSON.stringify(report.error ?? report.failures.slice(0, 5))}`);
      const seconds = report.durationMs / 1000;
      rows.push({
        files: fileCount,
        run,
        seconds,
        records: report.counts.seen,
        chunks: report.counts.chunksWritten,
        recordsPerSec: report.counts.seen / seconds,
        chunksPerSec: report.counts.chunksWritten / seconds,
        embeddingCalls: report.counts.embeddingCalls,
        peakRssMb,
        rssTrend: `${firstHalfRssMb.toFixed(0)} → ${secondHalfRssMb.toFixed(0)}`,
      });
    }
  } finally {
    await emulator.close();
    await rm(storeDir, { recursive: true, force: true });
  }
  return rows;
}

function table(rows: Row[]): string {
  const header = [
    "files",
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
    const first = rows.find((f) => f.files === r.files && f.run === "first")!;
    return [
      String(r.files),
      r.run,
      r.seconds.toFixed(2),
      String(r.records),
      r.recordsPerSec.toFixed(0),
      String(r.chunks),
      r.chunksPerSec.toFixed(0),
      String(r.embeddingCalls),
      r.run === "first" ? "" : `${(first.seconds / r.seconds).toFixed(0)}×`,
      r.peakRssMb.toFixed(0),
      r.rssTrend,
    ];
  });
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
  return all.map((l) => `| ${l.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`).join("\n");
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf("--child");
  if (childAt >= 0) return child(JSON.parse(process.argv[childAt + 1]!) as ChildArgs);
  const filesAt = process.argv.indexOf("--files");
  const sizes = filesAt >= 0 ? [Number(process.argv[filesAt + 1])] : [1000, 5000];
  const base = await loadCorpusDir(join(import.meta.dirname, "../examples/corpus"));
  const rows: Row[] = [];
  for (const size of sizes) {
    console.error(`ingesting ${size} files…`);
    rows.push(...(await measure(base, size)));
  }
  console.log(table(rows));
  console.log(
    "\n(records = records pulled, folders included; × faster = first run's seconds / this run's;" +
      " RSS 1st → 2nd half = highest RSS after a page in the first and in the second half of the pages, MB)",
  );
}

await main();
