import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { emulatorCommand, startFromFlags } from "../../src/cli/commands/emulator.js";
import { clientFromConfig } from "../../src/compose/index.js";
import { loadConfig } from "../../src/config/index.js";
import { EXAMPLE_CORPUS_DIR } from "../../src/emulator/corpus/example-corpus.js";
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
      corpus: EXAMPLE_CORPUS_DIR,
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

      // The export lines, pasted into a shell, configure Clearance for this emulator.
      const exports = banner.split("\n").filter((line) => line.startsWith("export "));
      expect(exports.map((line) => line.split("=")[0])).toEqual([
        "export PARAGON_SYNC_URL",
        "export PARAGON_PROJECT_ID",
        "export PARAGON_SIGNING_KEY",
        "export CLEARANCE_TENANTS",
      ]);
      const names = ["PARAGON_SYNC_URL", "PARAGON_PROJECT_ID", "PARAGON_SIGNING_KEY", "CLEARANCE_TENANTS"];
      const printed = execFileSync(
        "bash",
        ["-c", `${exports.join("\n")}\nnode -e 'console.log(JSON.stringify(process.env))'`],
        {
          env: { PATH: process.env.PATH },
          encoding: "utf8",
        },
      );
      const env = JSON.parse(printed) as Record<string, string>;
      expect(names.every((name) => env[name])).toBe(true);
      const config = loadConfig({ env });
      expect(config.tenants).toEqual(emulator.state.tenants());
      const client = clientFromConfig(config, "northwind");
      expect((await client.syncs.list()).map((sync) => sync.id)).toHaveLength(1);
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
