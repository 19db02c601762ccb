import type { TenantIngestEvent } from "../tenants/index.js";
import { TenantsProgress } from "./tenants-progress.js";

/** What a `--demo` start passes to startDemo / runDemo, and the display to take down after. */
export interface DemoProgress {
  options: { onIngestProgress?: (event: TenantIngestEvent) => void };
  stop(): void;
}

/**
 * The ingest progress display of a `--demo` start (the example corpus takes seconds, and much
 * longer on a busy machine), drawn on stderr when it is a terminal: `query --demo`, `serve --demo`
 * and `mcp --demo` printed one line and then nothing until they were ready, as `demo` did not.
 * Nothing for a pipe or a log file, or when stdout carries JSON.
 */
export function demoProgress(json = false): DemoProgress {
  if (json || !process.stderr.isTTY) return { options: {}, stop: () => {} };
  const progress = new TenantsProgress(process.stderr);
  return { options: { onIngestProgress: (event) => progress.on(event) }, stop: () => progress.stop() };
}
