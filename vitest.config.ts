import { defineConfig } from "vitest/config";
import { ramTmpdir } from "./test/ram-tmpdir.js";

// Set before the worker forks start: they, and every process a test spawns, inherit it.
const scratch = ramTmpdir();
if (scratch) process.env.TMPDIR = scratch;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Test files run one after another in one worker on a 2-core machine (vitest's default there:
    // cores − 1), and reuse its loaded modules instead of importing LangChain, zod, LanceDB and the
    // sources again per file (80 s of a 530 s run). What a file leaves in the environment is undone
    // by restore-env.ts; modules are shared, so a test must not rely on a module's fresh state.
    isolate: false,
    setupFiles: ["test/restore-env.ts"],
    reporters: ["default"],
  },
});
