import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { GeneratedCorpus } from "./generate.js";

/**
 * How a corpus folder differs from the generated corpus: files missing, different, or there but not generated
 * (below a sync root). Empty when they are the same.
 */
export function compareCorpus(corpus: GeneratedCorpus, dir: string): string[] {
  const differences: string[] = [];
  for (const [path, content] of corpus.files) {
    const file = join(dir, path);
    if (!existsSync(file)) differences.push(`${path}: missing`);
    else if (!readFileSync(file).equals(content)) differences.push(`${path}: differs`);
  }
  for (const root of corpus.roots) {
    if (!existsSync(join(dir, root))) continue;
    for (const entry of readdirSync(join(dir, root), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/");
      if (!corpus.files.has(path)) differences.push(`${path}: not generated (stale)`);
    }
  }
  return differences;
}
