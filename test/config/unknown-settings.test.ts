import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";

const dir = mkdtempSync(join(tmpdir(), "clearance-config-unknown-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { PARAGON_USER_TOKEN: "t0ken" };

function problemsOfFile(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  try {
    loadConfig({ file, env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join("\n");
  }
  throw new Error("expected a ConfigError");
}

// A misspelt key used to be dropped without a word: the setting silently kept its default.
describe("a config file with a setting Clearance does not know", () => {
  it("names a misspelt top-level key, the file, and the setting it resembles", () => {
    const problems = problemsOfFile("top.yaml", "tenat: northwind\ntenants: [northwind]\n");
    expect(problems).toMatch(/^tenat \(in .*top\.yaml\): not a setting: did you mean tenant\?/m);
    expect(problems).toMatch(/docs\/configuration\.md/);
  });

  it("names a nested key by its full path (retrieval.K is not retrieval.k)", () => {
    const problems = problemsOfFile("nested.yaml", "tenant: northwind\nretrieval:\n  K: 3\n");
    expect(problems).toMatch(
      /^retrieval\.K \(in .*nested\.yaml\): not a setting: did you mean retrieval\.k\?/m,
    );
  });

  it("names a misspelt budget key (retrieval.budget.maxMS is not maxMs)", () => {
    const problems = problemsOfFile(
      "budget.yaml",
      "tenant: northwind\nretrieval:\n  budget:\n    maxMS: 900\n",
    );
    expect(problems).toMatch(
      /^retrieval\.budget\.maxMS \(in .*budget\.yaml\): not a setting: did you mean retrieval\.budget\.maxMs\?/m,
    );
  });

  it("says which store kind a setting of the other kind belongs to (a Qdrant url without kind: qdrant)", () => {
    const problems = problemsOfFile(
      "store.yaml",
      "tenant: northwind\nstore:\n  url: http://127.0.0.1:6333\n",
    );
    expect(problems).toMatch(/^store\.url \(in .*store\.yaml\): a setting of store\.kind qdrant/m);
  });

  // docs/deployment.md's one-process setup exports CLEARANCE_STORE_DIR; moving on to its Qdrant
  // section adds QDRANT_URL ("alone selects Qdrant"). The leftover is refused, and the message
  // named the config file (or nothing) and said to "remove" a key no file holds.
  it("names the environment variable that set a key of the other store kind, not the file", () => {
    const file = join(dir, "records-only.yaml");
    writeFileSync(file, "tenant: northwind\n");
    const qdrant = {
      QDRANT_URL: "https://qdrant.internal:6333",
      CLEARANCE_STORE_DIR: "/var/lib/clearance/store",
    };
    for (const options of [
      { env: { ...env, ...qdrant, CLEARANCE_TENANT: "northwind" } },
      { file, env: { ...env, ...qdrant } },
    ]) {
      try {
        loadConfig(options);
        throw new Error("expected a ConfigError");
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        const problems = (error as ConfigError).problems.join("\n");
        expect(problems).toMatch(
          /^store\.dir \(env CLEARANCE_STORE_DIR\): a setting of store\.kind lancedb, .* or unset CLEARANCE_STORE_DIR$/m,
        );
        expect(problems).not.toMatch(/records-only\.yaml/);
      }
    }
  });

  it("still accepts every documented section", () => {
    const file = join(dir, "ok.yaml");
    writeFileSync(
      file,
      [
        "tenant: northwind",
        "tenancy: { maxActive: 5 }",
        "managedSync: { timeoutMs: 1000 }",
        "store: { dir: /tmp/x }",
        "embeddings: { batchSize: 8 }",
        "ingest: { chunkSize: 800 }",
        "retrieval: { k: 3, budget: { maxMs: 100 } }",
        "server: { port: 0 }",
        "auth: { claim: email }",
        "chat: { model: m }",
        "mcp: { user: a@b.test }",
      ].join("\n"),
    );
    expect(loadConfig({ file, env }).retrieval.k).toBe(3);
  });
});

// `new URL("localhost:4010")` parses (scheme "localhost:"), so the client failed later with a
// message that named neither the variable nor the missing http://.
describe("a URL setting without http(s)://", () => {
  it("names PARAGON_SYNC_URL and shows the form it takes", () => {
    try {
      loadConfig({ env: { ...env, CLEARANCE_TENANT: "northwind", PARAGON_SYNC_URL: "localhost:4010" } });
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join("\n")).toMatch(
        /managedSync\.baseUrl \(env PARAGON_SYNC_URL\): must be an http\(s\) URL/,
      );
    }
  });
});
