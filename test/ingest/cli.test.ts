import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ingestCommand } from "../../src/cli/commands/ingest.js";
import type { TenantsIngestReport } from "../../src/tenants/index.js";
import { fixture, type Harness, smallCorpus, startHarness, TENANT } from "./harness.js";

describe("clearance ingest", () => {
  let h: Harness;
  let dir: string;
  let stdout: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-cli-ingest-"));
    stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes a config file pointing at the emulator and a store folder of this test. */
  async function configFile(): Promise<string> {
    const file = join(dir, "clearance.yaml");
    const token = await h.emulator.tokenFor(TENANT);
    await writeFile(
      file,
      [
        `tenant: ${TENANT}`,
        "managedSync:",
        `  baseUrl: ${h.emulator.url}`,
        `  token: ${token}`,
        "store:",
        "  kind: lancedb",
        `  dir: ${join(dir, "store")}`,
      ].join("\n"),
    );
    return file;
  }

  const run = (...args: string[]) => ingestCommand().parseAsync(args, { from: "user" });

  it("prints the report as JSON and exits 0 when every record went in", async () => {
    h = await startHarness();
    await run("--config", await configFile(), "--json");

    const report = JSON.parse(stdout) as TenantsIngestReport;
    expect(report.ok).toBe(true);
    expect(report.counts.new).toBe(7);
    expect(report.tenants.map((t) => [t.tenant, t.ok])).toEqual([[TENANT, true]]);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it("prints a summary table and exits 1 when a record failed, naming the file and the reason", async () => {
    h = await startHarness({ corpus: smallCorpus({ "drive/Broken.pdf": fixture("corrupted.pdf") }) });
    await run("--config", await configFile(), "--no-progress");

    expect(stdout).toMatch(/^sync\s+status\s+seen/m);
    expect(stdout).toMatch(/^total\s+FAILED\s+/m);
    expect(stdout).toMatch(/failed Broken\.pdf .*\[MALFORMED\]/);
    expect(process.exitCode).toBe(1);
  });

  it("--full reconciles and --sync limits the run to one sync", async () => {
    h = await startHarness();
    const config = await configFile();
    await run("--config", config, "--json", "--sync", h.syncIds.sharepoint);
    const first = JSON.parse(stdout) as TenantsIngestReport;
    expect(first.tenants[0]!.syncs.map((s) => s.syncId)).toEqual([h.syncIds.sharepoint]);

    stdout = "";
    await run("--config", config, "--json", "--full");
    const full = JSON.parse(stdout) as TenantsIngestReport;
    expect(full.mode).toBe("full");
    expect(full.counts).toMatchObject({ unchanged: 2, new: 5 });
  });

  it("refuses a config without credentials, naming the setting", async () => {
    h = await startHarness();
    const file = join(dir, "bad.yaml");
    await writeFile(file, `tenant: ${TENANT}\nmanagedSync:\n  baseUrl: ${h.emulator.url}\n`);
    await expect(run("--config", file)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
