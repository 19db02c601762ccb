/**
 * Multi-tenant benchmark.
 *
 * 1. Ingest: T tenants × F files each (the example corpus's files replicated per tenant, served by
 *    one emulator), ingested by `ingestTenants` at tenant concurrency 1, 2 and 4, each run in a
 *    child process with a fresh embedded store: records/s, wall time, peak RSS of the child.
 * 2. Serving: 1, 100 and 1,000 known tenants (each a Connected User with a small drive, chunks in
 *    one embedded store), answered through the chat handler over `TenantRetrievers` with clients
 *    minted from the signing key and real Permissions API calls to the emulator. Per run (a child
 *    process): the first query of each tenant (cold: retriever, token, sync list), then warm
 *    queries round-robin over 10 held tenants (p50, p95), and RSS after every tenant asked once.
 *    The 1,000-tenant run is repeated with the registry bound raised to 1,000 as the baseline the
 *    bound is compared against.
 *
 *   npx tsx bench/tenants.ts                                   # 20 × 250 files; 1, 100, 1000 tenants
 *   npx tsx bench/tenants.ts --ingest-tenants 4 --files 50 --serve 1,100   # quicker
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createChatHandler } from "../src/chat/index.js";
import { BatchedEmbeddings, HashingEmbeddings } from "../src/embeddings/index.js";
import { type CorpusSpec, type Emulator, loadCorpusDir, startEmulator } from "../src/emulator/index.js";
import { createManagedSyncRetriever } from "../src/retrieval/index.js";
import { type ChunkInput, chunkId, LanceChunkStore } from "../src/store/index.js";
import {
  devHeaderIdentity,
  ingestTenants,
  TenantClients,
  TenantRegistry,
  TenantRetrievers,
  type TenantsIngestReport,
} from "../src/tenants/index.js";
import { runBenchChild } from "./child-process.js";
import { markdownTable } from "./markdown-table.js";

const DIMENSIONS = 384;
const embedder = () =>
  new BatchedEmbeddings(new HashingEmbeddings({ dimensions: DIMENSIONS }), { batchSize: 64 });
const tenantId = (i: number, width = 4) => `t${String(i).padStart(width, "0")}`;

interface Emu {
  url: string;
  signingKeyPem: string;
  projectId: string;
}
const emuOf = (emulator: Emulator): Emu => ({
  url: emulator.url,
  signingKeyPem: emulator.signingKeyPem!,
  projectId: emulator.projectId,
});
const clientsOf = (emu: Emu, maxTenants?: number) =>
  new TenantClients({
    baseUrl: emu.url,
    credentials: { signingKey: emu.signingKeyPem, projectId: emu.projectId },
    ...(maxTenants ? { maxTenants } : {}),
  });

// ─── 1. Ingest ──────────────────────────────────────────────────────────────────────────────────

/** `files` files per tenant, copied from the example corpus (text files get a line naming the copy). */
function ingestCorpus(base: CorpusSpec, tenants: number, files: number): CorpusSpec {
  const entries = base.files instanceof Map ? [...base.files] : Object.entries(base.files);
  const all = new Map<string, Uint8Array | string>();
  const connectedUsers = [];
  for (let t = 0; t < tenants; t++) {
    const tenant = tenantId(t, 2);
    for (let n = 0; n < files; n++) {
      const [path, bytes] = entries[n % entries.length]!;
      const copy = Math.floor(n / entries.length);
      const isText = /\.(md|txt|csv|html)$/i.test(path);
      const content =
        isText && (copy > 0 || t > 0)
          ? `${new TextDecoder().decode(bytes as Uint8Array)}\n\n${tenant} copy ${copy}.\n`
          : bytes;
      all.set(`${tenant}/${copy > 0 ? `Copy ${copy}/` : ""}${path}`, content);
    }
    connectedUsers.push({
      id: tenant,
      syncs: [{ integration: "googledrive", root: tenant, owner: `it@${tenant}.test` }],
    });
  }
  const people = connectedUsers.map((c) => ({ email: c.syncs[0]!.owner }));
  return { manifest: { domain: "bench.test", people, connectedUsers }, files: all };
}

interface IngestArgs {
  emu: Emu;
  tenants: string[];
  storeDir: string;
  concurrency: number;
}
interface IngestResult {
  report: TenantsIngestReport;
  peakRssMb: number;
}

async function ingestChild(args: IngestArgs): Promise<IngestResult> {
  const store = await LanceChunkStore.open({ dir: args.storeDir, dimensions: DIMENSIONS });
  const clients = clientsOf(args.emu);
  const report = await ingestTenants({
    tenants: args.tenants,
    clientFor: (t) => clients.forTenant(t),
    store,
    embeddings: embedder(),
    tenantConcurrency: args.concurrency,
    holder: "bench",
  });
  await store.close();
  return { report, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

// ─── 2. Serving ─────────────────────────────────────────────────────────────────────────────────

const SERVE_FILES = ["Handbook.md", "Roadmap.md", "Salary bands.md", "Pricing.md", "Runbook.md"];
const serveText = (tenant: string, file: string) =>
  `# ${file.replace(".md", "")} of ${tenant}\n\n${tenant} keeps its ${file.replace(".md", "").toLowerCase()} here: ` +
  "deploys go out on Tuesdays, discounts above 15% need approval, engineers earn 100 to 150.\n";

function serveCorpus(tenants: number): CorpusSpec {
  const files: Record<string, string> = {};
  const sharing: Record<string, { owner: string; grants: { user: string; role: "reader" }[] }> = {};
  const connectedUsers = [];
  for (let t = 0; t < tenants; t++) {
    const tenant = tenantId(t);
    for (const file of SERVE_FILES) files[`${tenant}/${file}`] = serveText(tenant, file);
    sharing[`${tenant}/`] = {
      owner: `it@${tenant}.test`,
      grants: [{ user: `ana@${tenant}.test`, role: "reader" }],
    };
    connectedUsers.push({
      id: tenant,
      syncs: [{ integration: "googledrive", root: tenant, owner: `it@${tenant}.test` }],
    });
  }
  const people = connectedUsers.flatMap((c) => [{ email: c.syncs[0]!.owner }, { email: `ana@${c.id}.test` }]);
  return { manifest: { domain: "bench.test", people, connectedUsers, sharing }, files };
}

/** Writes every tenant's chunks straight into the store (ingest is measured above), ids as the emulator has them. */
async function seedServeStore(emulator: Emulator, tenants: number, storeDir: string): Promise<void> {
  const store = await LanceChunkStore.open({ dir: storeDir, dimensions: DIMENSIONS });
  const embeddings = embedder();
  for (let start = 0; start < tenants; start += 100) {
    const chunks: Omit<ChunkInput, "vector">[] = [];
    for (let t = start; t < Math.min(tenants, start + 100); t++) {
      const tenant = tenantId(t);
      const sync = emulator.state.syncsOf(tenant)[0]!;
      for (const file of SERVE_FILES) {
        const node = sync.tree.getByPath(file)!;
        const contentHash = `h-${node.id}`;
        chunks.push({
          id: chunkId({ tenant, syncId: sync.id, recordId: node.id, chunkIndex: 0, contentHash }),
          tenant,
          syncId: sync.id,
          recordId: node.id,
          chunkIndex: 0,
          contentHash,
          text: serveText(tenant, file),
          metadata: {
            integration: "googledrive",
            externalId: node.externalId,
            name: file,
            mimeType: "text/markdown",
            updatedAt: "2026-01-01T00:00:00.000Z",
          },
        });
      }
    }
    const vectors = await embeddings.embedDocuments(chunks.map((c) => c.text));
    await store.upsert(chunks.map((c, i) => ({ ...c, vector: vectors[i]! })));
  }
  await store.optimize();
  await store.close();
}

interface ServeArgs {
  emu: Emu;
  storeDir: string;
  tenants: number;
  maxActive: number;
}
interface ServeResult {
  tenants: number;
  maxActive: number;
  coldP50Ms: number;
  warmP50Ms: number;
  warmP95Ms: number;
  baseRssMb: number;
  /** RSS after the first 100 tenants were asked (or all of them, when fewer). */
  rssAfter100Mb: number;
  rssAfterAllMb: number;
  /** V8 heap in use after gc, before the first tenant and after the last: the JS objects the registry holds. */
  baseHeapMb: number;
  heapAfterAllMb: number;
  /** Memory outside the JS heap after every tenant asked once: V8 external (ArrayBuffers included) and the rest of RSS. */
  externalAfterAllMb: number;
  arrayBuffersAfterAllMb: number;
  /** V8 heap committed after every tenant asked once (RSS the JS heap keeps although it is free). */
  heapTotalAfterAllMb: number;
  heldTenants: number;
  /** 1-minute load average when the run ended (other work on the machine skews the timings). */
  load1: number;
}

async function serveChild(args: ServeArgs): Promise<ServeResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const rss = () => {
    gc?.();
    return process.memoryUsage.rss() / 1048576;
  };
  const heap = () => {
    gc?.();
    return process.memoryUsage().heapUsed / 1048576;
  };
  const store = await LanceChunkStore.open({ dir: args.storeDir, dimensions: DIMENSIONS });
  const embeddings = embedder();
  const known = Array.from({ length: args.tenants }, (_, i) => tenantId(i));
  const registry = await TenantRegistry.open({ tenants: known, state: store });
  const clients = clientsOf(args.emu, args.maxActive);
  const retrievers = new TenantRetrievers({
    maxTenants: args.maxActive,
    isKnown: (t) => registry.has(t),
    create: (tenant) =>
      createManagedSyncRetriever({ client: clients.forTenant(tenant), store, embeddings, tenant }),
  });
  const chat = createChatHandler({ retrievers, identify: devHeaderIdentity() });
  const ask = async (tenant: string): Promise<number> => {
    const started = performance.now();
    const response = await chat(
      new Request("http://bench.test/api/chat", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-clearance-tenant": tenant,
          "x-clearance-user": `ana@${tenant}.test`,
        },
        body: JSON.stringify({ question: "When do deploys go out?" }),
      }),
    );
    const body = (await response.json()) as { citations?: unknown[] };
    if (response.status !== 200 || !body.citations?.length) {
      throw new Error(`tenant ${tenant}: HTTP ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
    return performance.now() - started;
  };
  // The store, embedder and one tenant warmed once, so the base RSS is the server's, not first-use noise.
  await ask(known[0]!);
  retrievers.clear();
  const baseRssMb = rss();
  const baseHeapMb = heap();
  const cold: number[] = [];
  let rssAfter100Mb = baseRssMb;
  for (const [i, tenant] of known.entries()) {
    cold.push(await ask(tenant));
    if (i === Math.min(99, known.length - 1)) rssAfter100Mb = rss();
  }
  const rssAfterAllMb = rss();
  const heapAfterAllMb = heap();
  const { external, arrayBuffers, heapTotal } = process.memoryUsage();
  const hot = known.slice(-Math.min(10, known.length));
  const warm: number[] = [];
  for (let round = 0; round < 200; round++) warm.push(await ask(hot[round % hot.length]!));
  await store.close();
  return {
    tenants: args.tenants,
    maxActive: args.maxActive,
    coldP50Ms: percentile(cold, 0.5),
    warmP50Ms: percentile(warm, 0.5),
    warmP95Ms: percentile(warm, 0.95),
    baseRssMb,
    rssAfter100Mb,
    rssAfterAllMb,
    baseHeapMb,
    heapAfterAllMb,
    externalAfterAllMb: external / 1048576,
    arrayBuffersAfterAllMb: arrayBuffers / 1048576,
    heapTotalAfterAllMb: heapTotal / 1048576,
    heldTenants: retrievers.heldTenants().length,
    load1: loadavg()[0]!,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

// ─── Driver ─────────────────────────────────────────────────────────────────────────────────────

function runChild<T>(kind: "ingest" | "serve", args: unknown): Promise<T> {
  return runBenchChild([
    "--expose-gc",
    "--import",
    "tsx",
    import.meta.filename,
    `--child-${kind}`,
    JSON.stringify(args),
  ]);
}

const flag = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

async function benchIngest(tenants: number, files: number): Promise<string> {
  const base = await loadCorpusDir(join(import.meta.dirname, "../examples/corpus"));
  const emulator = await startEmulator({ corpus: ingestCorpus(base, tenants, files), port: 0 });
  const rows: string[][] = [];
  let first: number | undefined;
  try {
    for (const concurrency of [1, 2, 4]) {
      const storeDir = await mkdtemp(join(tmpdir(), "clearance-bench-tenants-"));
      try {
        console.error(`ingest: ${tenants} tenants × ${files} files at concurrency ${concurrency}…`);
        const { report, peakRssMb } = await runChild<IngestResult>("ingest", {
          emu: emuOf(emulator),
          tenants: Array.from({ length: tenants }, (_, i) => tenantId(i, 2)),
          storeDir,
          concurrency,
        } satisfies IngestArgs);
        if (!report.ok) console.error(`  failed tenants: ${report.failedTenants.join(", ")}`);
        const seconds = report.durationMs / 1000;
        first ??= seconds;
        rows.push([
          String(concurrency),
          `${tenants} × ${files}`,
          String(report.counts.seen),
          String(report.counts.chunksWritten),
          seconds.toFixed(1),
          (report.counts.seen / seconds).toFixed(0),
          `${(first / seconds).toFixed(2)}×`,
          peakRssMb.toFixed(0),
          report.ok ? "ok" : `${report.failedTenants.length} failed`,
          loadavg()[0]!.toFixed(2),
        ]);
      } finally {
        await rm(storeDir, { recursive: true, force: true });
      }
    }
  } finally {
    await emulator.close();
  }
  return markdownTable(
    [
      "tenant concurrency",
      "tenants × files",
      "records",
      "chunks",
      "wall s",
      "records/s",
      "speed-up",
      "peak RSS MB",
      "result",
      "load 1m after",
    ],
    rows,
  );
}

async function benchServe(sizes: number[]): Promise<string> {
  const largest = Math.max(...sizes);
  console.error(`serve: emulator with ${largest} Connected Users, seeding the store…`);
  const emulator = await startEmulator({ corpus: serveCorpus(largest), port: 0 });
  const storeDir = await mkdtemp(join(tmpdir(), "clearance-bench-serve-"));
  const rows: string[][] = [];
  try {
    await seedServeStore(emulator, largest, storeDir);
    const runs = sizes.map((tenants) => ({ tenants, maxActive: 100 }));
    if (sizes.includes(1000)) runs.push({ tenants: 1000, maxActive: 1000 });
    for (const run of runs) {
      console.error(`serve: ${run.tenants} known tenants, registry bound ${run.maxActive}…`);
      const r = await runChild<ServeResult>("serve", {
        emu: emuOf(emulator),
        storeDir,
        ...run,
      } satisfies ServeArgs);
      rows.push([
        String(r.tenants),
        String(r.maxActive),
        r.coldP50Ms.toFixed(1),
        r.warmP50Ms.toFixed(1),
        r.warmP95Ms.toFixed(1),
        r.baseRssMb.toFixed(0),
        r.rssAfter100Mb.toFixed(0),
        r.rssAfterAllMb.toFixed(0),
        `${r.baseHeapMb.toFixed(1)} → ${r.heapAfterAllMb.toFixed(1)} (${r.heapTotalAfterAllMb.toFixed(0)})`,
        `${r.externalAfterAllMb.toFixed(1)} (${r.arrayBuffersAfterAllMb.toFixed(1)})`,
        String(r.heldTenants),
        r.load1.toFixed(2),
      ]);
    }
  } finally {
    await emulator.close();
    await rm(storeDir, { recursive: true, force: true });
  }
  return markdownTable(
    [
      "known tenants",
      "registry bound",
      "cold p50 ms",
      "warm p50 ms",
      "warm p95 ms",
      "RSS before MB",
      "RSS after 100 asked MB",
      "RSS after each asked once MB",
      "JS heap MB before → after (committed)",
      "external (ArrayBuffers) MB after",
      "retrievers held",
      "load 1m",
    ],
    rows,
  );
}

async function main(): Promise<void> {
  for (const kind of ["ingest", "serve"] as const) {
    const at = process.argv.indexOf(`--child-${kind}`);
    if (at < 0) continue;
    const args = JSON.parse(process.argv[at + 1]!);
    const result = kind === "ingest" ? await ingestChild(args) : await serveChild(args);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const tenants = Number(flag("--ingest-tenants") ?? 20);
  const files = Number(flag("--files") ?? 250);
  const serve = (flag("--serve") ?? "1,100,1000").split(",").map(Number);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(", ");
  console.log(`load average at start: ${load()}`);
  const ingestTable = tenants > 0 ? await benchIngest(tenants, files) : "";
  const serveTable = serve.length > 0 && serve[0]! > 0 ? await benchServe(serve) : "";
  if (ingestTable)
    console.log(
      `Ingest, ${tenants} tenants × ${files} files (offline hashing embedder, embedded store)\n\n${ingestTable}\n`,
    );
  if (serveTable) {
    console.log(
      `Serving through the chat handler (dev identity, real Permissions API calls to the emulator)\n\n${serveTable}`,
    );
    console.log(
      "\n(cold = a tenant's first query: retriever, minted token, sync list; warm = round-robin over 10 held tenants;" +
        " RSS and heap after gc; the last row raises the registry bound to 1,000 as the baseline)",
    );
  }
  console.log(`load average at end: ${load()}`);
}

await main();
