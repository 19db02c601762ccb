// The order the suite's files start in. Workers take files one at a time from a queue, so a slow
// file started late is a tail where one worker runs it and the other has nothing left to do.
// Vitest starts the files that took longest in the previous run first, from the durations it keeps
// in node_modules/.vite; a fresh clone (CI) has none, and vitest then starts the largest files
// first, which put the examples (46-58 s) 52nd, the stdio MCP servers 89th and the interrupted
// ingest (22-43 s) 160th of 181. SLOW_FILES are started first in that case, slowest first.
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** The slowest files of a full run on the 2-core test machine, slowest first (test/…). */
export const SLOW_FILES = [
  "test/examples/examples.test.ts",
  "test/package/package.test.ts",
  "test/mcp/stdio.test.ts",
  "test/store/lancedb.test.ts",
  "test/ingest/interrupted-writes.test.ts",
  "test/ingest/crash.test.ts",
  "test/server/cli.test.ts",
  "test/ingest/faults.test.ts",
  "test/authz/properties.test.ts",
  "test/webhooks/crash.test.ts",
  "test/webhooks/flood.test.ts",
  "test/retrieval/emulator.test.ts",
  "test/docs/docs.test.ts",
  "test/ingest/text/extract-buffers.test.ts",
  "test/ingest/ocr-pdf.test.ts",
  "test/mcp/configured.test.ts",
  "test/ingest/text/extract-isolation.test.ts",
  "test/retrieval/undecided.test.ts",
  "test/retrieval/first-query-order.test.ts",
];

/** Vitest's order when it has the previous run's durations; otherwise SLOW_FILES first, then vitest's. */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const known = sorted.every((file) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(root, file.moduleId)}`),
    );
    if (known) return sorted;
    const rank = (file: TestSpecification) => {
      const at = SLOW_FILES.indexOf(relative(root, file.moduleId));
      return at === -1 ? SLOW_FILES.length : at;
    };
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
