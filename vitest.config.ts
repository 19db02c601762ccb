import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { ramTmpdir } from "./test/ram-tmpdir.js";
import { SlowFirstSequencer } from "./test/slow-first.js";

// Set before the worker forks start: they, and every process a test spawns, inherit it.
const scratch = ramTmpdir();
if (scratch) process.env.TMPDIR = scratch;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // At least two workers, even on 2 cores (vitest's default there is cores − 1 = one): many
    // files spend much of their time waiting on child processes, servers and disk, and one worker
    // left the second core idle then (npm test 166 s with one worker, 110 s with two, same load).
    // A third worker gained nothing (stop 28: 428 s against 431 s wall, 556 against 559 s of CPU,
    // both at load 5-10): the two cores are already busy, and it failed a timing-sensitive test.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Each worker reuses its loaded modules from file to file instead of importing LangChain, zod,
    // LanceDB and the sources again per file (80 s of a 530 s run). What a file leaves in the
    // environment is undone by restore-env.ts; modules are shared, so a test must not rely on a
    // module's fresh state.
    isolate: false,
    setupFiles: ["test/restore-env.ts"],
    // The slowest files start first even on a fresh clone, so none of them is the run's tail.
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ["default"],
  },
});
