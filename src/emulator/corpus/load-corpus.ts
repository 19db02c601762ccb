import { existsSync } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import type { CorpusSpec } from "./corpus-spec.js";
import { CorpusError } from "./errors.js";
import { parseManifest, recordFiles, syncRoots } from "./manifest.js";

/**
 * Reads a corpus folder (docs/corpus-manifest.md): `manifest.yaml`, every file under each sync root,
 * and the records file of each CRM or ticketing sync.
 * Names starting with "." (.DS_Store, .gitkeep) are skipped.
 * @example const spec = await loadCorpusDir("examples/corpus");
 */
export async function loadCorpusDir(dir: string): Promise<CorpusSpec> {
  const manifestFile = ["manifest.yaml", "manifest.yml"].map((n) => join(dir, n)).find((f) => existsSync(f));
  if (!manifestFile) {
    throw new CorpusError(
      `${dir} has no manifest.yaml: point --corpus at a corpus folder (see docs/corpus-manifest.md)`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(manifestFile, "utf8"));
  } catch (cause) {
    throw new CorpusError(`${manifestFile}: not valid YAML (${(cause as Error).message})`, { cause });
  }
  const manifest = parseManifest(raw, manifestFile);
  const inside = await insideCorpus(dir);
  const files = new Map<string, Uint8Array>();
  const folders: string[] = [];
  const roots = new Set(syncRoots(manifest));
  for (const root of roots) {
    const rootDir = join(dir, root);
    const info = await stat(rootDir).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new CorpusError(
        `${manifestFile}: sync root "${root}" is not a folder under ${dir}: create it or fix root`,
      );
    }
    const realRoot = await inside(rootDir);
    await walk(rootDir, new Set([realRoot]), inside, async (path, isDir) => {
      const rel = relative(dir, path).split(sep).join("/");
      if (isDir) folders.push(rel);
      else files.set(rel, new Uint8Array(await readFile(path)));
    });
  }
  for (const path of new Set(recordFiles(manifest))) {
    const file = join(dir, path);
    if (!(await stat(file).catch(() => undefined))?.isFile()) {
      throw new CorpusError(`${manifestFile}: records file "${path}" is not a file under ${dir}`);
    }
    files.set(path, new Uint8Array(await readFile(await inside(file))));
  }
  return { manifest, files, folders, source: manifestFile };
}

/** Resolves a path's links and returns its real path; throws when that leaves the corpus folder. */
type InsideCorpus = (path: string) => Promise<string>;

/**
 * The emulator serves every file it loads to anyone holding a token, so a link must not reach the
 * rest of the disk: links are followed only when their real target is inside the corpus folder.
 */
async function insideCorpus(dir: string): Promise<InsideCorpus> {
  const realDir = await realpath(dir);
  return async (path) => {
    const shown = relative(dir, path).split(sep).join("/") || path;
    const target = await realpath(path).catch((cause: unknown) => {
      throw new CorpusError(`${shown} in ${dir} is a broken symbolic link: remove it or fix its target`, {
        cause,
      });
    });
    const fromRoot = relative(realDir, target);
    if (fromRoot === ".." || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) {
      throw new CorpusError(
        `${shown} in ${dir} is a symbolic link to ${target}, outside the corpus folder: copy the file in instead`,
      );
    }
    return target;
  };
}

/** Visits every entry under `dir`; a folder link back to one of its own ancestors is not entered again. */
async function walk(
  dir: string,
  ancestors: ReadonlySet<string>,
  inside: InsideCorpus,
  visit: (path: string, isDir: boolean) => Promise<void>,
): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    const target = entry.isSymbolicLink() ? await inside(path) : undefined;
    const isDir = entry.isDirectory() || (target !== undefined && (await stat(target)).isDirectory());
    if (!isDir) {
      await visit(path, false);
      continue;
    }
    const real = target ?? (await realpath(path));
    if (ancestors.has(real)) continue;
    await visit(path, true);
    await walk(path, new Set([...ancestors, real]), inside, visit);
  }
}
