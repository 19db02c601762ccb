// Packs Clearance and installs the tarball into a fresh app folder with no network, the way a user's
// `npm install clearance` would lay it out. Used by test/package (the README's "Use it" snippet runs
// from such an app) and bench/package.ts (install size of a LanceDB-only and a Qdrant-only app).
//
// Why a lock file: `npm install <tarball> --offline` needs the full registry metadata of every
// dependency, which `npm ci` never downloads (it reads versions from package-lock.json and keeps
// only the abbreviated metadata and the tarballs in the npm cache). So the app gets a lock file
// cut from this repository's own: exactly the packages the app needs, at the versions the tests
// ran with, every one of them already in the cache `npm ci` filled. `npm ci --offline` then
// installs it like any user's lock-file install.
import { execFile } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, delimiter, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url).pathname;

export interface PackedTarball {
  /** Absolute path of the .tgz. */
  file: string;
  integrity: string;
  /** Paths inside the package (without the `package/` prefix). */
  files: string[];
  /** The package.json that was packed. */
  manifest: PackageManifest;
}

export interface PackageManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  bin?: Record<string, string> | string;
  engines?: Record<string, string>;
  license?: string;
  exports?: Record<string, unknown>;
  files?: string[];
  private?: boolean;
}

type LockEntry = PackageManifest & {
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  optional?: boolean;
  link?: boolean;
};

interface NpmPackResult {
  filename: string;
  integrity: string;
  files: { path: string }[];
}

/**
 * A copy of this package as `npm pack` would read it, in `dir`: package.json, the README and
 * license, everything package.json `files` names, and dist/ freshly built there (scripts/build.mjs
 * --out-dir), so packing never rebuilds or wipes this checkout's own dist/.
 */
export async function stagePackage(dir: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackageManifest;
  await mkdir(dir, { recursive: true });
  for (const entry of ["package.json", "README.md", "LICENSE", ...(manifest.files ?? [])]) {
    if (entry === "dist" || entry.startsWith("!") || !existsSync(join(ROOT, entry))) continue;
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  await run(process.execPath, [join(ROOT, "scripts/build.mjs"), "--out-dir", join(dir, "dist")], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}${delimiter}${process.env.PATH}` },
  });
  return dir;
}

/**
 * `npm pack` of a package folder (default this repository) into `destination`. With `dryRun` only
 * the file list. npm runs the package's `prepare` script (the build) unless `ignoreScripts`.
 */
export async function npmPack(
  destination: string,
  options: { dryRun?: boolean; ignoreScripts?: boolean; dir?: string } = {},
): Promise<PackedTarball> {
  const dir = options.dir ?? ROOT;
  const args = ["pack", "--json", "--pack-destination", destination];
  if (options.dryRun) args.push("--dry-run");
  if (options.ignoreScripts) args.push("--ignore-scripts");
  const { stdout } = await run("npm", args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  // Scripts (the build) may print before npm's JSON; the JSON array is the last thing printed.
  const [result] = JSON.parse(stdout.slice(stdout.lastIndexOf("\n[") + 1)) as NpmPackResult[];
  if (!result) throw new Error(`npm pack printed no result:\n${stdout}`);
  return {
    file: join(destination, result.filename),
    integrity: result.integrity,
    files: result.files.map((f) => f.path),
    manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageManifest,
  };
}

export interface OfflineAppOptions {
  /** An empty folder for the app. */
  dir: string;
  tarball: PackedTarball;
  /** The app's own dependencies besides clearance, e.g. the optional peers it uses (versions from this repo's lock). */
  with?: string[];
  /** The lock file the versions come from (default this repository's). */
  lockFile?: string;
}

/**
 * Installs `tarball` (plus `with`) into `dir` from the npm cache alone (`npm ci --offline`), as an
 * app that depends on it. Returns when node_modules is complete.
 */
export async function installOffline(options: OfflineAppOptions): Promise<void> {
  const lock = JSON.parse(readFileSync(options.lockFile ?? join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const { manifest } = options.tarball;
  const tarballName = basename(options.tarball.file);
  const own: Record<string, string> = { [manifest.name]: `file:${tarballName}` };
  for (const name of options.with ?? []) {
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry?.version)
      throw new Error(`${name} is not in the lock file: install it in this repository first`);
    own[name] = entry.version;
  }
  const packages: Record<string, LockEntry> = {
    "": { name: "clearance-offline-app", version: "1.0.0", dependencies: own },
    [`node_modules/${manifest.name}`]: {
      ...pick(manifest, [
        "version",
        "license",
        "dependencies",
        "peerDependencies",
        "peerDependenciesMeta",
        "bin",
        "engines",
      ]),
      name: manifest.name,
      resolved: `file:${tarballName}`,
      integrity: options.tarball.integrity,
    } as LockEntry,
  };
  // Walks the dependency graph from the app, resolving each name the way Node does (nearest
  // node_modules up the path) inside this repository's tree, and copies each entry it reaches.
  const queue: { from: string; names: string[] }[] = [
    { from: `node_modules/${manifest.name}`, names: requiredOf(manifest) },
    { from: "", names: (options.with ?? []).slice() },
  ];
  while (queue.length > 0) {
    const { from, names } = queue.shift()!;
    for (const name of names) {
      const path = resolveIn(lock.packages, from, name);
      if (!path) throw new Error(`${name} (needed by ${from || "the app"}) is not in the lock file`);
      if (packages[path]) continue;
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[path]!;
      if (entry.optionalDependencies)
        entry.optionalDependencies = installedHere(lock.packages, path, entry.optionalDependencies);
      packages[path] = entry;
      queue.push({ from: path, names: requiredOf(entry) });
    }
  }
  await mkdir(options.dir, { recursive: true });
  await writeFile(
    join(options.dir, "package.json"),
    `${JSON.stringify({ name: "clearance-offline-app", version: "1.0.0", private: true, type: "module", dependencies: own }, null, 2)}\n`,
  );
  await writeFile(
    join(options.dir, "package-lock.json"),
    `${JSON.stringify({ name: "clearance-offline-app", version: "1.0.0", lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
  await copyFile(options.tarball.file, join(options.dir, tarballName));
  await run("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: options.dir,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * The optional dependencies npm installed in this repository: other platforms' builds, and
 * optional extras whose install failed here (LanceDB's embedding functions: onnxruntime's install
 * script downloads from the network), stay out of the app as they stay out of a user's install here.
 */
function installedHere(
  packages: Record<string, LockEntry>,
  from: string,
  optional: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(optional).filter(([name]) => {
      const path = resolveIn(packages, from, name);
      return path !== undefined && existsSync(join(ROOT, path));
    }),
  );
}

/** Dependencies npm installs for a package: regular, optional (platform builds) and non-optional peers. */
function requiredOf(entry: PackageManifest): string[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).filter(
    (name) => !entry.peerDependenciesMeta?.[name]?.optional,
  );
  return [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...peers,
  ];
}

/** The lock path Node would load `name` from when required by the package at `from`. */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate] && !packages[candidate]!.link) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut === -1 ? "" : dir.slice(0, cut);
  }
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
