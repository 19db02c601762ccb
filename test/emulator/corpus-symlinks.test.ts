import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { CorpusError, loadCorpusDir } from "../../src/emulator/index.js";
import { smallManifest } from "./helpers.js";

// A corpus folder is served to anyone holding a token: a link in it must not reach the rest of the disk.
describe("loadCorpusDir and symbolic links", () => {
  let base: string;
  let outside: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), "clearance-corpus-links-"));
    outside = join(base, "outside");
    await mkdir(join(outside, "private"), { recursive: true });
    await writeFile(join(outside, "secret.txt"), "the host's private key\n");
    await writeFile(join(outside, "private", "id_rsa"), "-----BEGIN PRIVATE KEY-----\n");
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  /** A fresh corpus folder with a valid manifest and one real file in each sync root. */
  async function corpus(name: string): Promise<string> {
    const dir = join(base, name);
    await mkdir(join(dir, "drive", "Company"), { recursive: true });
    await mkdir(join(dir, "other"), { recursive: true });
    await writeFile(join(dir, "manifest.yaml"), stringify(smallManifest()));
    await writeFile(join(dir, "drive", "Company", "Handbook.md"), "# Handbook\n");
    await writeFile(join(dir, "other", "x.md"), "x\n");
    return dir;
  }

  async function refusal(dir: string): Promise<CorpusError> {
    const error = await loadCorpusDir(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CorpusError);
    return error as CorpusError;
  }

  it("refuses a file link that points outside the corpus folder, naming the link", async () => {
    const dir = await corpus("file-link");
    await symlink(join(outside, "secret.txt"), join(dir, "drive", "Company", "notes.txt"));
    const error = await refusal(dir);
    expect(error.message).toMatch(/drive\/Company\/notes\.txt/);
    expect(error.message).toMatch(/outside the corpus folder/);
  });

  it("refuses a folder link that points outside, and a relative ../ link", async () => {
    const folder = await corpus("folder-link");
    await symlink(join(outside, "private"), join(folder, "drive", "Keys"));
    expect((await refusal(folder)).message).toMatch(/drive\/Keys/);
    const relative = await corpus("relative-link");
    await symlink("../../../outside/secret.txt", join(relative, "drive", "Company", "up.txt"));
    expect((await refusal(relative)).message).toMatch(/drive\/Company\/up\.txt/);
  });

  it("refuses a sync root that is itself a link out of the folder", async () => {
    const dir = await corpus("root-link");
    await rm(join(dir, "other"), { recursive: true });
    await symlink(outside, join(dir, "other"));
    expect((await refusal(dir)).message).toMatch(/"other"|other/);
  });

  it("follows links that stay inside the corpus folder, and survives a link loop", async () => {
    const dir = await corpus("inside-links");
    await symlink(join(dir, "drive", "Company", "Handbook.md"), join(dir, "drive", "Handbook copy.md"));
    await symlink("..", join(dir, "drive", "Company", "Loop"));
    const spec = await loadCorpusDir(dir);
    const files = spec.files instanceof Map ? [...spec.files.keys()] : Object.keys(spec.files);
    expect(files).toContain("drive/Handbook copy.md");
    expect(files).toContain("drive/Company/Handbook.md");
    expect(files.every((path) => !path.includes("Loop/Company/Loop"))).toBe(true);
  });
});
