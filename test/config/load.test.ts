import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";

const minimalEnv = { CLEARANCE_TENANT: "northwind", PARAGON_USER_TOKEN: "t0ken" };

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("fills defaults around the two required settings", () => {
    const config = loadConfig({ env: minimalEnv });
    expect(config.tenant).toBe("northwind");
    expect(config.managedSync.baseUrl).toBe("https://sync.useparagon.com");
    expect(config.store).toEqual({
      kind: "lancedb",
      dir: ".clearance/store",
      chunkCacheEntries: 1_000,
      recordCacheMb: 256,
      recordScanMaxValues: 16_000_000,
    });
    expect(config.retrieval.strategy).toBe("auto");
  });

  it("names the missing tenant and the env variables that set it", () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { PARAGON_SIGNING_KEY: "-----BEGIN PRIVATE KEY-----", PARAGON_PROJECT_ID: "p" } }),
    );
    expect(problems.join("\n")).toMatch(
      /tenant \(env CLEARANCE_TENANT\): no tenant.*CLEARANCE_TENANTS=a,b,c/,
    );
  });

  it("takes several tenants from CLEARANCE_TENANTS, and a ready token alone (its sub names the tenant)", () => {
    const config = loadConfig({ env: { CLEARANCE_TENANTS: "northwind, contoso", PARAGON_USER_TOKEN: "t" } });
    expect(config.tenants).toEqual(["northwind", "contoso"]);
    expect(config.tenant).toBeUndefined();
    expect(loadConfig({ env: { PARAGON_USER_TOKEN: "t" } }).tenants).toEqual([]);
    expect(
      problemsOf(() => loadConfig({ env: { CLEARANCE_TENANTS: "a,,b", PARAGON_USER_TOKEN: "t" } })).join(),
    ).toMatch(/tenants\.1 \(env CLEARANCE_TENANTS\)|tenants\.1/);
  });

  it("tenant discovery needs the signing key, and its flag is a strict yes/no", () => {
    expect(
      problemsOf(() =>
        loadConfig({ env: { CLEARANCE_DISCOVER_TENANTS: "true", PARAGON_USER_TOKEN: "t" } }),
      ).join(),
    ).toMatch(/discovering tenants needs the project's signing key/);
    expect(
      problemsOf(() => loadConfig({ env: { ...minimalEnv, CLEARANCE_DISCOVER_TENANTS: "maybe" } })).join(),
    ).toMatch(/tenancy\.discover \(env CLEARANCE_DISCOVER_TENANTS\): must be true or false/);
    const discovering = loadConfig({
      env: { CLEARANCE_DISCOVER_TENANTS: "yes", PARAGON_SIGNING_KEY: "k", PARAGON_PROJECT_ID: "p" },
    });
    expect(discovering.tenancy).toMatchObject({ discover: true, maxActive: 100, ingestConcurrency: 2 });
  });

  it("asks for a project id when only a signing key is given", () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { CLEARANCE_TENANT: "n", PARAGON_SIGNING_KEY: "-----BEGIN PRIVATE KEY-----" } }),
    );
    expect(problems.join("\n")).toMatch(/managedSync\.projectId \(env PARAGON_PROJECT_ID\).*project id/);
  });

  it("names where a refused value was set: the file, the variable or a flag, whichever won", () => {
    // A value from the file was reported as "(env CLEARANCE_STRATEGY or "retrieval.strategy" in
    // clearance.yaml)", and people looked for a variable they had never set.
    const dir = mkdtempSync(join(tmpdir(), "clearance-config-origin-"));
    try {
      const file = join(dir, "clearance.yaml");
      writeFileSync(file, "retrieval:\n  strategy: fast\n");
      const fromFile = problemsOf(() => loadConfig({ file, env: minimalEnv })).join("\n");
      expect(fromFile).toMatch(new RegExp(`^retrieval\\.strategy \\(in ${file}\\): `, "m"));
      expect(fromFile).not.toContain("CLEARANCE_STRATEGY");
      const fromEnv = problemsOf(() =>
        loadConfig({ file, env: { ...minimalEnv, CLEARANCE_STRATEGY: "quick" } }),
      ).join("\n");
      expect(fromEnv).toMatch(/^retrieval\.strategy \(env CLEARANCE_STRATEGY\): /m);
      const fromFlag = problemsOf(() =>
        loadConfig({ file, env: minimalEnv, overrides: { retrieval: { strategy: "quick" } } }),
      ).join("\n");
      expect(fromFlag).toMatch(/^retrieval\.strategy \(set in code or by a flag\): /m);
      // Unset, it still says where it can be set.
      writeFileSync(file, "tenant: northwind\n");
      expect(problemsOf(() => loadConfig({ file, env: { PARAGON_SIGNING_KEY: "k" } })).join("\n")).toMatch(
        new RegExp(
          `^managedSync\\.projectId \\(env PARAGON_PROJECT_ID or "managedSync\\.projectId" in ${file}\\)`,
          "m",
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects a wrong number with the setting's name", () => {
    const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv, CLEARANCE_PORT: "eighty" } }));
    expect(problems.join("\n")).toMatch(/server\.port \(env CLEARANCE_PORT\): "eighty" is not a number/);
  });

  it("refuses a number setting left empty, or given as yes/no, instead of reading it as 0 or 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "clearance-config-"));
    const file = join(dir, "clearance.yaml");
    // `port:` with nothing after it is YAML's null: it used to become 0 (a random port), `""` too.
    writeFileSync(
      file,
      'server:\n  port:\nstore:\n  chunkCacheEntries: ""\nretrieval:\n  k: true\n  freshnessMs: " 250 "\n',
    );
    const problems = problemsOf(() => loadConfig({ file, env: minimalEnv }));
    writeFileSync(file, 'retrieval:\n  freshnessMs: " 250 "\n  k: "4"\n');
    const config = loadConfig({ file, env: minimalEnv });
    rmSync(dir, { recursive: true, force: true });
    const text = problems.join("\n");
    expect(text).toMatch(/server\.port \(in .*clearance\.yaml\): is empty: give a number/);
    expect(text).toMatch(/store\.chunkCacheEntries .*: is empty/);
    expect(text).toMatch(/retrieval\.k .*: true is not a number/);
    expect(problems).toHaveLength(3);
    expect(config.retrieval).toMatchObject({ k: 4, freshnessMs: 250 });
  });

  it("takes store.recordScanMaxValues as a positive whole number, from text too", () => {
    const dir = mkdtempSync(join(tmpdir(), "clearance-config-"));
    const file = join(dir, "clearance.yaml");
    writeFileSync(file, 'store:\n  recordScanMaxValues: "24000000"\n');
    const config = loadConfig({ file, env: minimalEnv });
    writeFileSync(file, "store:\n  recordScanMaxValues: 0\n");
    const problems = problemsOf(() => loadConfig({ file, env: minimalEnv }));
    rmSync(dir, { recursive: true, force: true });
    expect(config.store).toMatchObject({ kind: "lancedb", recordScanMaxValues: 24_000_000 });
    expect(problems.join("\n")).toMatch(/store\.recordScanMaxValues .*: Too small/);
  });

  it("tells a file's tenants written as one name to write a list", () => {
    const dir = mkdtempSync(join(tmpdir(), "clearance-config-"));
    const file = join(dir, "clearance.yaml");
    writeFileSync(file, "tenants: northwind\n");
    const problems = problemsOf(() => loadConfig({ file, env: minimalEnv }));
    rmSync(dir, { recursive: true, force: true });
    expect(problems.join("\n")).toMatch(/tenants .*must be a list, even of one: tenants: \[northwind\]/);
  });

  it("takes a store folder alone as the embedded store", () => {
    const config = loadConfig({ env: { ...minimalEnv, CLEARANCE_STORE_DIR: "/var/lib/clearance" } });
    expect(config.store).toEqual({
      kind: "lancedb",
      dir: "/var/lib/clearance",
      chunkCacheEntries: 1_000,
      recordCacheMb: 256,
      recordScanMaxValues: 16_000_000,
    });
  });

  it("chooses Qdrant when QDRANT_URL is set", () => {
    const config = loadConfig({ env: { ...minimalEnv, QDRANT_URL: "http://127.0.0.1:6333" } });
    expect(config.store).toMatchObject({ kind: "qdrant", url: "http://127.0.0.1:6333" });
  });

  it("layers file < env < overrides", () => {
    const dir = mkdtempSync(join(tmpdir(), "clearance-config-"));
    const file = join(dir, "clearance.yaml");
    writeFileSync(file, "tenant: from-file\nretrieval:\n  k: 3\n  strategy: pre\n");
    const config = loadConfig({
      file,
      env: { PARAGON_USER_TOKEN: "t", CLEARANCE_K: "5" },
      overrides: { retrieval: { strategy: "post" } },
    });
    rmSync(dir, { recursive: true, force: true });
    expect(config.tenant).toBe("from-file");
    expect(config.retrieval).toMatchObject({ k: 5, strategy: "post" });
  });

  it("says which file is unreadable or malformed", () => {
    expect(problemsOf(() => loadConfig({ file: "/nonexistent/c.yaml", env: minimalEnv }))[0]).toMatch(
      /cannot read the config file \/nonexistent\/c\.yaml/,
    );
    const dir = mkdtempSync(join(tmpdir(), "clearance-config-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "- just\n- a list\n");
    const problems = problemsOf(() => loadConfig({ file, env: minimalEnv }));
    rmSync(dir, { recursive: true, force: true });
    expect(problems[0]).toMatch(/not valid YAML\/JSON/);
  });

  it("rejects an overlap that is not smaller than the chunk size", () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { ...minimalEnv, CLEARANCE_CHUNK_SIZE: "200", CLEARANCE_CHUNK_OVERLAP: "200" } }),
    );
    expect(problems.join("\n")).toMatch(/ingest\.chunkOverlap.*smaller than chunkSize/);
  });
});
