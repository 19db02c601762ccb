/**
 * Writes the example corpus in `examples/corpus/` from the data files in `scripts/corpus/data/` (layout:
 * scripts/corpus/README.md): each company's documents rendered to their formats, `manifest.yaml` (format:
 * docs/corpus-manifest.md), `README.md`, `QUESTIONS.md` and `questions.yaml`.
 *
 *   npx tsx scripts/make-corpus.ts          # write examples/corpus
 *   npx tsx scripts/make-corpus.ts --check  # exit 1 if examples/corpus differs from what the data gives
 *
 * Output is byte-for-byte reproducible, and nothing is written unless every company's sharing agrees with its
 * demo questions (who must and must not see each answer).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { compareCorpus } from "./corpus/compare.js";
import { generateCorpus } from "./corpus/generate.js";

const OUT = resolve(import.meta.dirname, "..", "examples", "corpus");

const corpus = await generateCorpus();
if (process.argv.includes("--check")) {
  const differences = compareCorpus(corpus, OUT);
  if (differences.length) {
    console.error(
      `examples/corpus is not what scripts/corpus/data gives (run npx tsx scripts/make-corpus.ts):`,
    );
    for (const d of differences) console.error(`  ${d}`);
    process.exit(1);
  }
  console.log(`examples/corpus matches scripts/corpus/data (${corpus.files.size} files)`);
} else {
  for (const root of corpus.roots) rmSync(join(OUT, root), { recursive: true, force: true });
  let bytes = 0;
  const byExt = new Map<string, number>();
  for (const [path, content] of corpus.files) {
    const file = join(OUT, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    bytes += content.length;
    const ext = path.slice(path.lastIndexOf(".") + 1);
    byExt.set(ext, (byExt.get(ext) ?? 0) + 1);
  }
  const documents = corpus.companies.reduce((n, c) => n + c.documents.length, 0);
  console.log(
    `wrote ${documents} documents of ${corpus.companies.length} companies and ${corpus.files.size - documents} ` +
      `metadata files to ${OUT} (${[...byExt].map(([e, n]) => `${n} ${e}`).join(", ")}): ${(bytes / 1024).toFixed(0)} KiB`,
  );
}
