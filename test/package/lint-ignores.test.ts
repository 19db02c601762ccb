// A user's own runs write into the checkout (`clearance ingest` and `serve` keep the default store
// in .clearance/store, git-ignored); `npm test` lints the checkout, so the linter must skip
// whatever git ignores, or LanceDB's JSON files fail the tests. Checked on a copy of this
// repository's biome.json and .gitignore in a scratch git repository.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url).pathname;
const BIOME = join(ROOT, "node_modules/.bin/biome");
// Formatted the way LanceDB writes its manifests: not the way Biome would.
const UNFORMATTED_JSON = '{"version":1,   "fields":[1,2,3]}';

let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "clearance-lint-"));
  await run("git", ["init", "--quiet"], { cwd: repo });
  await copyFile(join(ROOT, "biome.json"), join(repo, "biome.json"));
  await copyFile(join(ROOT, ".gitignore"), join(repo, ".gitignore"));
  await mkdir(join(repo, "src"));
  await writeFile(join(repo, "src/ok.ts"), 'export const ok = "ok";\n');
});

afterAll(async () => {
  if (repo) await rm(repo, { recursive: true, force: true });
});

/** `biome check .` in the scratch repository: exit code and output. */
async function lint(): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(BIOME, ["check", "."], { cwd: repo });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe("lint follows .gitignore", () => {
  it("passes with a store and other run output in git-ignored folders", async () => {
    for (const dir of [".clearance/store/chunks.lance/_versions", "dist", "coverage"]) {
      await mkdir(join(repo, dir), { recursive: true });
      await writeFile(join(repo, dir, "manifest.json"), UNFORMATTED_JSON);
    }
    const { code, output } = await lint();
    expect(code, output).toBe(0);
  });

  it("still fails on the same file where git does not ignore it (the check is live)", async () => {
    await writeFile(join(repo, "src/data.json"), UNFORMATTED_JSON);
    const { code, output } = await lint();
    expect(code).not.toBe(0);
    expect(output).toContain("src/data.json");
  });
});
