import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { emulatorCommand, startFromFlags } from "../../src/cli/commands/emulator.js";
import { startEmulator } from "../../src/emulator/index.js";
import { call, smallCorpus, smallManifest } from "./helpers.js";

describe("clearance emulator", () => {
  it("parses its flags with the documented defaults and refuses bad fault rates", async () => {
    const command = emulatorCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => {} });
    command.action(() => {});
    await command.parseAsync(["--rate-429", "0.2", "--fault-seed", "5"], { from: "user" });
    expect(command.opts()).toMatchObject({
      corpus: "examples/corpus",
      port: 4010,
      host: "127.0.0.1",
      rate429: 0.2,
      faultSeed: 5,
    });
    await expect(
      emulatorCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => {} })
        .parseAsync(["--rate-503", "3"], { from: "user" }),
    ).rejects.toThrow(/fraction/);
  });

  it("starts on a corpus folder and prints URL, project id, admin token and working user tokens", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clearance-cli-emu-"));
    await mkdir(join(dir, "drive"), { recursive: true });
    await mkdir(join(dir, "other"), { recursive: true });
    await writeFile(join(dir, "drive", "a.md"), "a");
    await writeFile(join(dir, "manifest.yaml"), stringify({ ...smallManifest(), sharing: {} }));
    const { emulator, banner } = await startFromFlags({
      corpus: dir,
      port: 0,
      host: "127.0.0.1",
      state: join(dir, ".state"),
      rate503: 0.5,
    });
    try {
      expect(banner).toContain(`listening on ${emulator.url}`);
      expect(banner).toContain(emulator.projectId);
      expect(banner).toContain(emulator.adminToken);
      expect(banner).toContain(join(dir, ".state", "signing-key.pem"));
      expect(banner).toContain('"rate503":0.5');
      const token = banner.match(/northwind: (\S+)/)?.[1];
      expect(token).toBeDefined();
      emulator.faults.clear();
      expect((await call(emulator, token, "/api/syncs")).body.data).toHaveLength(1);
    } finally {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says which port is taken when it cannot listen", async () => {
    const first = await startEmulator({ corpus: smallCorpus() });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startEmulator({ corpus: smallCorpus(), port })).rejects.toThrow(
        new RegExp(`cannot listen on 127.0.0.1:${port}: pick another --port`),
      );
    } finally {
      await first.close();
    }
  });
});
