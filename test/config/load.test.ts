import { mkdtempSync, writeFileSync } from "node:fs";
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
    expect(config.store).toEqual({ kind: "lancedb", dir: ".clearance/store" });
    expect(config.retrieval.strategy).toBe("auto");
  });

  it("names the missing tenant and the env variable that sets it", () => {
    const problems = problemsOf(() => loadConfig({ env: { PARAGON_USER_TOKEN: "x" } }));
    expect(problems.join("\n")).toMatch(/tenant \(env CLEARANCE_TENANT\)/);
  });

  it("asks for a project id when only a signing key is given", () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { CLEARANCE_TENANT: "n", PARAGON_SIGNING_KEY: "-----BEGIN PRIVATE KEY-----" } }),
    );
    expect(problems.join("\n")).toMatch(/managedSync\.projectId \(env PARAGON_PROJECT_ID\).*project id/);
  });

  it("rejects a wrong number with the setting's name", () => {
    const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv, CLEARANCE_PORT: "eighty" } }));
    expect(problems.join("\n")).toMatch(/server\.port \(env CLEARANCE_PORT\)/);
  });

  it("takes a store folder alone as the embedded store", () => {
    const config = loadConfig({ env: { ...minimalEnv, CLEARANCE_STORE_DIR: "/var/lib/clearance" } });
    expect(config.store).toEqual({ kind: "lancedb", dir: "/var/lib/clearance" });
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
    expect(problemsOf(() => loadConfig({ file, env: minimalEnv }))[0]).toMatch(/not valid YAML\/JSON/);
  });

  it("rejects an overlap that is not smaller than the chunk size", () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { ...minimalEnv, CLEARANCE_CHUNK_SIZE: "200", CLEARANCE_CHUNK_OVERLAP: "200" } }),
    );
    expect(problems.join("\n")).toMatch(/ingest\.chunkOverlap.*smaller than chunkSize/);
  });
});
