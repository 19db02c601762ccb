/**
 * What installing and importing Clearance costs an app, today and at a baseline commit: install
 * size of an app that uses only LanceDB (the embedded store) and of one that uses only Qdrant, and
 * the time `import "clearance"` takes in a fresh process, against two floors measured alternately
 * in the same run: zod + LangChain core's retrievers (what any LangChain retrieval code loads), and
 * that plus its tools and chat models (what a LangChain agent app loads).
 *
 *   flock /work/coord/heavy.lock npx tsx bench/package.ts [--baseline <git ref>] [--runs 9]
 *
 * Each app is the packed tarball installed offline from the npm cache (test/package/offline-app.ts):
 * exactly what `npm install clearance …` lays out, minus the network. The baseline's tarball is
 * built from `git archive <ref>` with today's node_modules (its own package.json and lock decide
 * what its app installs). Before the optional peer dependencies, both apps install everything.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installOffline, npmPack, type PackedTarball, stagePackage } from "../test/package/offline-app.js";
import { markdownTable } from "./markdown-table.js";

const ROOT = join(import.meta.dirname, "..");
const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const BASELINE = argument("--baseline");
const RUNS = Number(argument("--runs") ?? 9);

interface App {
  code: string;
  kind: string;
  dir: string;
}

interface Row {
  code: string;
  kind: string;
  installMB: number;
  packages: number;
  biggest: string;
  importFirstMs: number;
  importMedianMs: number;
  retrieverFloorMedianMs: number;
  floorMedianMs: number;
}

const work = await mkdtemp(join(tmpdir(), "clearance-bench-package-"));
try {
  console.log(`load before: ${uptime()}`);
  const apps: App[] = [];
  if (BASELINE) {
    const tarball = await baselineTarball(BASELINE);
    const code = `baseline ${execFileSync("git", ["rev-parse", "--short", BASELINE], { cwd: ROOT, encoding: "utf8" }).trim()}`;
    // One app with LanceDB: before the optional peers everything was a dependency, so at such a
    // baseline it stands for both apps; at a later one it is the LanceDB app.
    apps.push(await appOf(code, "lancedb", tarball, ["@lancedb/lancedb"], join(work, "baseline")));
  }
  const today = await npmPack(work, { dir: await stagePackage(join(work, "today")), ignoreScripts: true });
  apps.push(await appOf("today", "lancedb only", today, ["@lancedb/lancedb", "apache-arrow"], work));
  apps.push(await appOf("today", "qdrant only", today, ["@qdrant/js-client-rest"], work));

  const imports = measureImports(apps);
  const rows: Row[] = apps.map((app, i) => ({
    code: app.code,
    kind: app.kind,
    ...installSize(app),
    ...imports[i]!,
  }));
  console.log(`load after: ${uptime()}\n`);
  console.log(table(rows));
  if (BASELINE) {
    const before = rows[0]!;
    console.log("");
    for (const row of rows.slice(1)) {
      console.log(
        `${row.kind}: install ${ratio(row.installMB, before.installMB)} of the baseline's, ` +
          `import ${ratio(row.importMedianMs, before.importMedianMs)} (median), ` +
          `import minus zod + retrievers ${ratio(row.importMedianMs - row.retrieverFloorMedianMs, before.importMedianMs - before.retrieverFloorMedianMs)}, ` +
          `minus the agent floor ${ratio(row.importMedianMs - row.floorMedianMs, before.importMedianMs - before.floorMedianMs)}`,
      );
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

async function appOf(
  code: string,
  kind: string,
  tarball: PackedTarball & { lockFile?: string },
  extra: string[],
  under: string,
): Promise<App> {
  const dir = await mkdtemp(join(under, "app-"));
  await installOffline({
    dir,
    tarball,
    with: extra,
    ...(tarball.lockFile ? { lockFile: tarball.lockFile } : {}),
  });
  return { code, kind, dir };
}

/** Install size (apparent bytes), the number of packages and the biggest ones. */
function installSize(app: App): Pick<Row, "installMB" | "packages" | "biggest"> {
  const modules = join(app.dir, "node_modules");
  const bytes = Number(execFileSync("du", ["-sb", modules], { encoding: "utf8" }).split("\t")[0]);
  const sizes = execFileSync(
    "bash",
    ["-c", "du -sb node_modules/* node_modules/@*/* 2>/dev/null | sort -n | tail -4"],
    {
      cwd: app.dir,
      encoding: "utf8",
    },
  )
    .trim()
    .split("\n")
    .reverse()
    .map((line) => {
      const [size, path] = line.split("\t");
      return `${path!.replace("node_modules/", "")} ${Math.round(Number(size) / 1e6)}`;
    });
  const packages = Number(
    execFileSync(
      "bash",
      [
        "-c",
        "find node_modules -name package.json -path '*node_modules/*/package.json' -not -path '*/node_modules/*/*/*/package.json' | wc -l",
      ],
      {
        cwd: app.dir,
        encoding: "utf8",
      },
    ).trim(),
  );
  return { installMB: bytes / 1e6, packages, biggest: sizes.join(", ") };
}

type ImportTimes = Pick<Row, "importFirstMs" | "importMedianMs" | "retrieverFloorMedianMs" | "floorMedianMs">;

/**
 * Import times in fresh processes, every app and floor in turn within each run, so that a change
 * of load on this shared machine hits all of them alike. The first run (cold file cache) is
 * reported apart; the medians are over the others.
 */
function measureImports(apps: App[]): ImportTimes[] {
  const times = apps.map(() => ({
    clearance: [] as number[],
    retrievers: [] as number[],
    agent: [] as number[],
  }));
  for (let run = 0; run < RUNS; run++) {
    apps.forEach((app, i) => {
      times[i]!.clearance.push(importMs(app.dir, ["clearance"]));
      times[i]!.retrievers.push(importMs(app.dir, ["zod", "@langchain/core/retrievers"]));
      times[i]!.agent.push(
        importMs(app.dir, [
          "zod",
          "@langchain/core/retrievers",
          "@langchain/core/tools",
          "@langchain/core/language_models/chat_models",
        ]),
      );
    });
  }
  return times.map(({ clearance, retrievers, agent }) => ({
    importFirstMs: clearance[0]!,
    importMedianMs: median(clearance.slice(1)),
    retrieverFloorMedianMs: median(retrievers.slice(1)),
    floorMedianMs: median(agent.slice(1)),
  }));
}

/** Milliseconds to import `specifiers` in a new Node process, timed inside it. */
function importMs(dir: string, specifiers: string[]): number {
  const script =
    `const t = performance.now(); ` +
    `for (const s of ${JSON.stringify(specifiers)}) await import(s); ` +
    `console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: dir,
    encoding: "utf8",
  });
  return Number(out.trim());
}

/** The tarball of `ref`: its tree unpacked, today's node_modules linked in, built and packed. */
async function baselineTarball(ref: string): Promise<PackedTarball & { lockFile: string }> {
  const dir = join(work, "baseline");
  await mkdir(dir, { recursive: true });
  const archive = execFileSync("git", ["archive", "--format=tar", ref], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
  // Its own build script (tsc + assets); packed without running scripts again.
  execFileSync("npm", ["run", "build"], { cwd: dir, stdio: "ignore" });
  const tarball = await npmPack(join(work), { dir, ignoreScripts: true });
  if (!existsSync(join(dir, "package-lock.json"))) throw new Error(`${ref} has no package-lock.json`);
  return { ...tarball, lockFile: join(dir, "package-lock.json") };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function ratio(now: number, before: number): string {
  return `${(now / before).toFixed(2)}×`;
}

function uptime(): string {
  return execFileSync("uptime", { encoding: "utf8" }).trim();
}

function table(rows: Row[]): string {
  const header = [
    "code",
    "app",
    "install MB",
    "packages",
    "import ms (first)",
    "import ms (median)",
    "zod + retrievers ms",
    "+ tools + chat models ms",
    "biggest (MB)",
  ];
  const lines = rows.map((r) => [
    r.code,
    r.kind,
    r.installMB.toFixed(0),
    String(r.packages),
    r.importFirstMs.toFixed(0),
    r.importMedianMs.toFixed(0),
    r.retrieverFloorMedianMs.toFixed(0),
    r.floorMedianMs.toFixed(0),
    r.biggest,
  ]);
  return markdownTable(header, lines);
}
