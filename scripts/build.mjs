// `npm run build` (and `prepare`, so `npm ci` and `npm pack` build too): a clean dist/ from src/.
// Cleaning first keeps files of deleted sources out of the package; no source maps, because the
// package ships dist/ without src/ for them to point at. `--out-dir <dir>` builds elsewhere (the
// package test packs a copy without touching this checkout's dist/).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const at = process.argv.indexOf("--out-dir");
const outDir = resolve(at >= 0 ? process.argv[at + 1] : "dist");

rmSync(outDir, { recursive: true, force: true });
// `tsc` is on PATH inside npm scripts (node_modules/.bin); elsewhere the caller puts it there.
const tsc = spawnSync("tsc", ["-p", "tsconfig.json", "--sourceMap", "false", "--outDir", outDir], {
  stdio: "inherit",
  shell: process.platform === "win32",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// tsc compiles only TypeScript; the files code reads at run time (authorization models, the chat
// page) are copied beside the compiled JavaScript so the build works without src/.
for (const dir of ["authz/models", "server/public"]) {
  if (existsSync(join("src", dir))) cpSync(join("src", dir), join(outDir, dir), { recursive: true });
}
