// Test files share worker processes (vitest.config.ts: isolate false), so what one file sets in
// the environment must not reach the next: after each file, stubs are undone and process.env is
// put back as it was before the file ran. (A leaked PARAGON_SIGNING_KEY_FILE pointing at a deleted
// temporary key once failed every later file that loads the config.)
import { afterAll, vi } from "vitest";

const before = { ...process.env };
const cwd = process.cwd();

afterAll(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in before)) delete process.env[key];
  Object.assign(process.env, before);
  process.exitCode = undefined;
  if (process.cwd() !== cwd) process.chdir(cwd);
});
