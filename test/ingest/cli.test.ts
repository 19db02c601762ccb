import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ingestCommand } from "../../src/cli/commands/ingest.js";
import { main } from "../../src/cli/main.js";
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

  it("prints a summary table and exits 1 when a record failed transiently, naming the file and the reason", async () => {
    h = await startHarness();
    await h.admin("PUT", "/faults", { rate503: 1, pathPattern: "/content$" });
    await run("--config", await configFile(), "--no-progress");

    expect(stdout).toMatch(/^sync\s+status\s+seen/m);
    expect(stdout).toMatch(/^total\s+FAILED\s+/m);
    expect(stdout).toMatch(/^failed Notes\.txt .*\[SERVER_ERROR\]/m);
    expect(process.exitCode).toBe(1);
  });

  it("exits 1 on malformed records, naming one by id and one without an id by where it was, with what to do", async () => {
    h = await startHarness();
    const sync = h.syncIds.sharepoint;
    const ids = new Map<string, string>();
    for await (const page of h.client.records.pages(sync))
      for (const r of page.records) ids.set(String(r.name), r.id);
    await h.admin("PUT", `/syncs/${sync}/malformed/${ids.get("Notes.txt")}`, { updatedAt: false });
    await h.admin("PUT", `/syncs/${sync}/malformed/${ids.get("Project.json")}`, { id: null });
    await run("--config", await configFile(), "--no-progress", "--sync", sync);

    expect(stdout).toMatch(/^total\s+FAILED\s+/m);
    expect(stdout).toMatch(
      new RegExp(
        `^failed ${ids.get("Notes.txt")} \\(${ids.get("Notes.txt")}\\): .*field data\\[\\d+\\]\\.updatedAt.*fetched again every run.*\\[INVALID_RESPONSE\\]$`,
        "m",
      ),
    );
    expect(stdout).toMatch(
      /^failed record \d+ of the first page: .*without a usable id.*Report it to Paragon with the sync id .*\[INVALID_RESPONSE\]$/m,
    );
    expect(process.exitCode).toBe(1);
  });

  it("exits 0 when a file can never be indexed, listing it as unindexable with its reason", async () => {
    h = await startHarness({ corpus: smallCorpus({ "drive/Broken.pdf": fixture("corrupted.pdf") }) });
    await run("--config", await configFile(), "--no-progress");

    expect(stdout).toMatch(/^sync\s+status\s+seen.*unindexable/m);
    expect(stdout).toMatch(/^total\s+ok\s+/m);
    expect(stdout).toMatch(/^unindexable Broken\.pdf .*\[MALFORMED\]/m);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it("exits 2 when the setup is wrong: a config without credentials, or a sync the tenant does not have", async () => {
    h = await startHarness();
    const file = join(dir, "bad.yaml");
    await writeFile(file, `tenant: ${TENANT}\nmanagedSync:\n  baseUrl: ${h.emulator.url}\n`);
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    await main(["node", "clearance", "ingest", "--config", file]);
    expect(process.exitCode).toBe(2);

    process.exitCode = undefined;
    await run("--config", await configFile(), "--json", "--sync", "no-such-sync");
    const report = JSON.parse(stdout) as TenantsIngestReport;
    expect(report.tenants[0]?.error?.code).toBe("INGEST_UNKNOWN_SYNC");
    // Where the id came from: it named only ingest.syncs to someone who had typed --sync.
    expect(report.tenants[0]?.error?.message).toMatch(
      /^sync no-such-sync is not one of this tenant's syncs \(.+\): .*--sync/,
    );
    expect(process.exitCode).toBe(2);
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
