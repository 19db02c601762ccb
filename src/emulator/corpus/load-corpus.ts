import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import type { CorpusSpec } from "./corpus-spec.js";
import { CorpusError } from "./errors.js";
import { parseManifest, trimSlashes } from "./manifest.js";

/**
 * Reads a corpus folder (docs/corpus-manifest.md): `manifest.yaml` and every file under each sync root.
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
  const files = new Map<string, Uint8Array>();
  const folders: string[] = [];
  const roots = new Set(manifest.connectedUsers.flatMap((u) => u.syncs.map((s) => trimSlashes(s.root))));
  for (const root of roots) {
    const rootDir = join(dir, root);
    const info = await stat(rootDir).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new CorpusError(
        `${manifestFile}: sync root "${root}" is not a folder under ${dir}: create it or fix root`,
      );
    }
    await walk(rootDir, async (path, isDir) => {
      const rel = relative(dir, path).split(sep).join("/");
      if (isDir) folders.push(rel);
      else files.set(rel, new Uint8Array(await readFile(path)));
    });
  }
  return { manifest, files, folders, source: manifestFile };
}

async function walk(dir: string, visit: (path: string, isDir: boolean) => Promise<void>): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path)).isDirectory());
    await visit(path, isDir);
    if (isDir) await walk(path, visit);
  }
}
