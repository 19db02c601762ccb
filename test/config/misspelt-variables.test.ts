import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, misspeltVariables } from "../../src/config/index.js";

const signingKey = { PARAGON_SIGNING_KEY: "key", PARAGON_PROJECT_ID: "project" };

// A misspelt variable was ignored without a word: the error said to set CLEARANCE_TENANTS to
// someone who believed they had.
describe("a variable Clearance does not read, set beside a setup error", () => {
  it("is named in the config error with the variable it resembles", () => {
    let problems: readonly string[] = [];
    try {
      // A signing key serves the tenants configured: with none, the error names CLEARANCE_TENANT(S).
      loadConfig({ env: { ...signingKey, CLEARANCE_TENNANTS: "northwind,kestrel" } });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems[0]).toMatch(/^tenant \(env CLEARANCE_TENANT\): no tenant/);
    expect(problems).toContain(
      "CLEARANCE_TENNANTS is set, but Clearance reads no such variable: did you mean CLEARANCE_TENANTS?",
    );
  });

  it("resembles one in another case or with a misspelt prefix", () => {
    expect(misspeltVariables({ clearance_tenant: "a", CLEARNCE_JWKS_URL: "https://x" })).toEqual([
      "clearance_tenant is set, but Clearance reads no such variable: did you mean CLEARANCE_TENANT?",
      "CLEARNCE_JWKS_URL is set, but Clearance reads no such variable: did you mean CLEARANCE_JWKS_URL?",
    ]);
  });

  it("says nothing of variables Clearance reads, unrelated ones, empty ones, or a guess that is set too", () => {
    expect(
      misspeltVariables({
        PATH: "/usr/bin",
        HOME: "/root",
        CLEARANCE_DEBUG: "1",
        CLEARANCE_CONFIG: "clearance.yaml",
        PARAGON_SIGNING_KEY_FILE: "key.pem",
        CLEARANCE_TENANTS: "a,b",
        CLEARANCE_TENNANTS: "a,b",
        CLEARANCE_STORE_DIRR: "",
      }),
    ).toEqual([]);
  });

  it("a valid configuration is not refused for one", () => {
    const config = loadConfig({
      env: { PARAGON_USER_TOKEN: "t0ken", CLEARANCE_TENANT: "a", CLEARANCE_FRESHNES_MS: "5" },
    });
    expect(config.tenant).toBe("a");
  });
});
