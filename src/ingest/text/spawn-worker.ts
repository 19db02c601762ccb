import { type ResourceLimits, Worker } from "node:worker_threads";

// Compiled, this file is dist/ingest/text/spawn-worker.js next to extract-worker.js; run from
// source (tests, `tsx`), it is the .ts file next to extract-worker.ts and source-worker-loader.mjs.
const fromSource = import.meta.url.endsWith(".ts");
const workerFile = new URL(fromSource ? "./extract-worker.ts" : "./extract-worker.js", import.meta.url);
const sourceLoader = new URL("./source-worker-loader.mjs", import.meta.url);

/**
 * Starts one extraction worker thread with a heap limit. From source, the worker first registers
 * the hooks that let Node load the project's .ts files (see source-worker-loader.mjs).
 */
export function spawnExtractWorker(resourceLimits: ResourceLimits): Worker {
  // No inherited execArgv: the worker needs none of the parent's flags, and some break it
  // (`--input-type`, or tsx's own `--import`, which would re-transform every package it loads).
  if (!fromSource) return new Worker(workerFile, { resourceLimits, execArgv: [] });
  const bootstrap =
    `import("node:module").then(({ register }) => {` +
    ` register(${JSON.stringify(sourceLoader.href)});` +
    ` return import(${JSON.stringify(workerFile.href)}); })`;
  return new Worker(bootstrap, { eval: true, resourceLimits, execArgv: [] });
}
