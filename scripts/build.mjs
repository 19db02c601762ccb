// `npm run build` (and `prepare`, so `npm ci` and `npm pack` build too): a clean dist/ from src/.
// Cleaning first keeps files of deleted sources out of the package; no source maps, because the
// package ships dist/ without src/ for them to point at. `--out-dir <dir>` builds elsewhere (the
// package test packs a copy without touching this checkout's dist/).
//
// tsc type-checks and writes the declarations (dist/**/*.d.ts, one per source, as before); esbuild
// writes the JavaScript: each entry point (the package's exports, the CLI, the extraction worker)
// bundled with Clearance's own modules, dependencies left as imports (BUNDLES says which share).
// Why: `import "clearance"` loaded ~180 of our files one by one, and Node's ESM loader spends more
// on resolving, reading and linking that many files than on running them (bench/package.ts). The
// tests run the sources through tsx, i.e. through esbuild's transform too.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { build } from "esbuild";

const at = process.argv.indexOf("--out-dir");
const outDir = resolve(at >= 0 ? process.argv[at + 1] : "dist");
const srcDir = resolve("src");

/**
 * What is bundled together. The package's exports share their code (one ClearanceError, one
 * PermissionAwareRetriever for `clearance` and `clearance/mcp` alike). The CLI (bin/clearance.js)
 * and the extraction worker (spawned by path, in its own thread) are programs of their own, each
 * bundled apart: sharing with them would cut the exports' code into more chunks, and every chunk
 * `import "clearance"` loads costs time (14 files instead of 9 took ~8 ms more).
 */
const BUNDLES = [
  {
    entries: ["index.ts", "emulator/index.ts", "authz/index.ts", "mcp/index.ts"],
    chunks: "chunks/[name]-[hash]",
  },
  { entries: ["cli/main.ts"], chunks: "cli/chunks/[name]-[hash]" },
  { entries: ["ingest/text/extract-worker.ts"], chunks: "ingest/text/chunks/[name]-[hash]" },
];

rmSync(outDir, { recursive: true, force: true });
// `tsc` is on PATH inside npm scripts (node_modules/.bin); elsewhere the caller puts it there.
const tsc = spawnSync("tsc", ["-p", "tsconfig.json", "--emitDeclarationOnly", "--outDir", outDir], {
  stdio: "inherit",
  shell: process.platform === "win32",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// A module that finds files from its own location (`new URL("./models/drive.fga", import.meta.url)`)
// may end up in another file of the bundle. So in the sources, `import.meta.url` becomes the URL the
// module would have unbundled (dist/<its path>.js), computed from the dist/ root; the root is known
// only once each output file's place is, so it is filled in after the build (ROOT_MARKER).
const ROOT_MARKER = "__CLEARANCE_DIST_ROOT__";
const moduleUrls = {
  name: "module-urls",
  setup(context) {
    context.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(srcDir + sep)) return undefined;
      const source = readFileSync(args.path, "utf8");
      // These would resolve against the chunk's folder once bundled, silently: refuse them.
      const unsupported = /import\.meta\.(dirname|filename|resolve)\b/.exec(source);
      if (unsupported) {
        return {
          errors: [
            {
              text: `${relative(srcDir, args.path)} uses ${unsupported[0]}, which the bundle cannot keep pointing at the module's own folder: use new URL("…", import.meta.url) instead`,
            },
          ],
        };
      }
      if (!source.includes("import.meta.url")) return undefined;
      const asBuilt = relative(srcDir, args.path).split(sep).join("/").replace(/\.ts$/, ".js");
      const url = `new URL(${JSON.stringify(asBuilt)}, new URL(${ROOT_MARKER}, import.meta.url)).href`;
      return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
    });
  },
};

for (const { entries, chunks } of BUNDLES) {
  const result = await build({
    entryPoints: entries.map((entry) => join(srcDir, entry)),
    outbase: srcDir,
    outdir: outDir,
    chunkNames: chunks,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    // Class and function names stay what the sources say (errors' names, LangChain's lc_name()).
    keepNames: true,
    tsconfig: "tsconfig.json",
    plugins: [moduleUrls],
    write: false,
    logLevel: "warning",
  });
  for (const file of result.outputFiles) {
    const root = relative(dirname(file.path), outDir).split(sep).join("/");
    const text = file.text.replaceAll(ROOT_MARKER, JSON.stringify(root === "" ? "./" : `${root}/`));
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, text);
  }
}

// The files code reads at run time (authorization models, the chat page) are copied to where the
// modules that read them would be, so the build works without src/.
for (const dir of ["authz/models", "server/public"]) {
  if (existsSync(join("src", dir))) cpSync(join("src", dir), join(outDir, dir), { recursive: true });
}
