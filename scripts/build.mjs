// `npm run build` (and `prepare`, so `npm ci` and `npm pack` build too): a clean dist/ from src/.
// Cleaning first keeps files of deleted sources out of the package; no source maps, because the
// package ships dist/ without src/ for them to point at.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
// `tsc` is on PATH inside npm scripts (node_modules/.bin).
const tsc = spawnSync("tsc", ["-p", "tsconfig.json", "--sourceMap", "false"], {
  stdio: "inherit",
  shell: process.platform === "win32",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
await import("./copy-assets.mjs");
