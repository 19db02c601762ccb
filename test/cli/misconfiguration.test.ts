// Misconfiguration is loud: every way a setup can be wrong says what is wrong and what to set,
// with exit code 2 ("fix the setup") and, under --json, JSON on stdout for failures too. An empty
// answer must never stand in for a wrong store, tenant or URL. Runs the CLI in-process (main())
// against one emulator.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { LanceChunkStore } from "../../src/store/index.js";

const CORPUS = new URL("../../examples/corpus/", import.meta.url).pathname;

let emulator: Emulator;
let dir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  emulator = await startEmulator({ corpusDir: CORPUS, port: 0 });
  dir = await mkdtemp(join(tmpdir(), "clearance-misconfig-"));
});

afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  // In place: replacing process.env with a plain object would outlive this file (shared workers).
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** Runs `clearance …args` with exactly `env` for Clearance's settings; what it printed and its exit code. */
async function clearance(args: string[], env: Record<string, string> = {}) {
  for (const key of Object.keys(process.env)) {
    if (/^(PARAGON_|CLEARANCE_|OPENAI_|QDRANT_)/.test(key)) delete process.env[key];
  }
  Object.assign(process.env, env);
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(console, "error").mockImplementation((...parts) => {
    stderr += `${parts.join(" ")}\n`;
  });
  process.exitCode = undefined;
  await main(["node", "clearance", ...args]);
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  vi.restoreAllMocks();
  return { stdout, stderr, code };
}

/** The emulator's settings as `clearance emulator` prints them, for one tenant. */
function emulatorEnv(tenant = "northwind"): Record<string, string> {
  return {
    PARAGON_SYNC_URL: emulator.url,
    PARAGON_PROJECT_ID: emulator.projectId,
    PARAGON_SIGNING_KEY: emulator.signingKeyPem!,
    CLEARANCE_TENANT: tenant,
  };
}

describe("settings", () => {
  it("with nothing set, names the variables to set (not a raw validation message); JSON under --json", async () => {
    const { stdout, stderr, code } = await clearance([
      "query",
      "What is our parental leave policy?",
      "--user",
      "sam@northwind.test",
      "--json",
    ]);
    expect(code).toBe(2);
    const out = JSON.parse(stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(out.ok).toBe(false);
    expect(out.error.code).toBe("CONFIG_INVALID");
    for (const name of [
      "PARAGON_SIGNING_KEY",
      "PARAGON_PROJECT_ID",
      "PARAGON_USER_TOKEN",
      "CLEARANCE_TENANT",
    ]) {
      expect(out.error.message).toContain(name);
    }
    expect(out.error.message).not.toMatch(/expected object, received undefined/);
    expect(stderr).toContain("[CONFIG_INVALID]");
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("a misspelt variable is named beside the setup error it caused, with the variable it resembles", async () => {
    // The errors said to set CLEARANCE_TENANTS / CLEARANCE_JWKS_URL to someone who believed they had.
    const { CLEARANCE_TENANT: _, ...credentials } = emulatorEnv();
    const ingest = await clearance(["ingest", "--json"], { ...credentials, CLEARANCE_TENNANTS: "northwind" });
    expect(ingest.code).toBe(2);
    const { error } = JSON.parse(ingest.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(
      "CLEARANCE_TENNANTS is set, but Clearance reads no such variable: did you mean CLEARANCE_TENANTS?",
    );
    const serve = await clearance(["serve"], {
      ...emulatorEnv(),
      CLEARANCE_JWKS_ULR: "https://login.example.com/jwks",
    });
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(
      /^clearance: serve must know who is asking: [^\n]* \(also: CLEARANCE_JWKS_ULR is set, but Clearance reads no such variable: did you mean CLEARANCE_JWKS_URL\?\) \[SERVE_NO_IDENTITY\]\n$/,
    );
  });

  it("a token whose sub is another tenant is refused, naming both (exit 2)", async () => {
    const { stderr, code } = await clearance(["ingest"], {
      PARAGON_SYNC_URL: emulator.url,
      PARAGON_USER_TOKEN: await emulator.tokenFor("kestrel"),
      CLEARANCE_TENANT: "northwind",
    });
    expect(code).toBe(2);
    expect(stderr).toContain("TENANT_TOKEN_MISMATCH");
    expect(stderr).toMatch(/northwind/);
    expect(stderr).toMatch(/kestrel/);
  });

  it("a signing key that is no PEM key says so and asks to fix the setup (exit 2), not to retry", async () => {
    const { stdout, stderr, code } = await clearance(["ingest"], {
      PARAGON_SYNC_URL: emulator.url,
      PARAGON_SIGNING_KEY: "not a key",
      PARAGON_PROJECT_ID: "project",
      CLEARANCE_TENANT: "northwind",
      CLEARANCE_STORE_DIR: join(dir, "bad-key"),
    });
    expect(code).toBe(2);
    expect(stdout + stderr).toMatch(/not a PEM RSA private key/);
  });

  it("an unreachable Managed Sync URL names PARAGON_SYNC_URL", async () => {
    const store = join(dir, "unreachable");
    const { stdout, code } = await clearance(["ingest", "--json"], {
      ...emulatorEnv(),
      PARAGON_SYNC_URL: "http://127.0.0.1:9",
      PARAGON_TIMEOUT_MS: "2000",
      CLEARANCE_STORE_DIR: store,
    });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { ok: boolean; tenants: { error?: { message: string } }[] };
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).toContain("PARAGON_SYNC_URL");
  }, 60_000);
});

describe("flags", () => {
  it("a bad flag value is a usage error (exit 2) with commander's message, JSON under --json", async () => {
    const plain = await clearance(["ingest", "--concurrency", "0"], emulatorEnv());
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/--concurrency <n>.*'0' is invalid.*positive integer/);
    expect(plain.stdout).toBe("");
    const json = await clearance(["ingest", "--concurrency", "0", "--json"], emulatorEnv());
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: "CLI_USAGE" } });
  });

  it("an unknown flag or a missing required one is a usage error", async () => {
    expect((await clearance(["ingest", "--bogus"], emulatorEnv())).code).toBe(2);
    const missing = await clearance(["query", "What is our parental leave policy?", "--json"], emulatorEnv());
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.message).toMatch(/--user/);
  });

  it("a person who is not an email address is refused before anything runs", async () => {
    const { stdout, code } = await clearance(
      ["query", "Q3 revenue?", "--user", "sam", "--json"],
      emulatorEnv(),
    );
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error.message).toMatch(/--user.*expected an email address/);
  });

  it("a person who is not an email address is refused by mcp too", async () => {
    const { stderr, code } = await clearance(["mcp", "--demo", "--user", "sam"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--user.*expected an email address/);
  });

  it("a file a flag names that cannot be read is named with its flag (exit 2), not an ENOENT", async () => {
    const missing = join(dir, "no-such-key.pem");
    const { stderr, code } = await clearance(["emulator", "--port", "0", "--signing-key", missing]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--signing-key ${missing}: cannot read it (ENOENT)`);
    expect(stderr).toContain("[CLI_FILE_UNREADABLE]");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("a fault path that is not a regular expression is a usage error", async () => {
    const { stderr, code } = await clearance([
      "emulator",
      "--port",
      "0",
      "--rate-503",
      "0.5",
      "--fault-path",
      "(",
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--fault-path <regex>.*not a regular expression/);
  });

  it("demo: a corpus folder, person or question id that does not exist is named, before anything runs", async () => {
    const corpus = await clearance(["demo", "--corpus", join(dir, "no-corpus"), "--json"]);
    expect(corpus.code).toBe(2);
    expect(JSON.parse(corpus.stdout).error).toMatchObject({ code: "CORPUS_INVALID" });
    expect(JSON.parse(corpus.stdout).error.message).toContain(join(dir, "no-corpus"));

    const person = await clearance([
      "demo",
      "--tenant",
      "northwind",
      "--people",
      "sam@northwind.test,bob",
      "--json",
    ]);
    expect(person.code).toBe(2);
    const personError = JSON.parse(person.stdout).error as { code: string; message: string };
    expect(personError.code).toBe("DEMO_UNKNOWN_PEOPLE");
    expect(personError.message).toMatch(/nobody named bob in .*manifest\.yaml for tenant northwind/);
    expect(personError.message).toContain("sam@northwind.test"); // the choices

    const question = await clearance(["demo", "--questions", "parental-leave,no-such-question", "--json"]);
    expect(question.code).toBe(2);
    const questionError = JSON.parse(question.stdout).error as { code: string; message: string };
    expect(questionError.code).toBe("DEMO_UNKNOWN_QUESTIONS");
    expect(questionError.message).toMatch(
      /no question no-such-question in .*questions\.yaml: ids are .*parental-leave/,
    );
  });

  it("demo, query --demo, serve --demo and mcp --demo refuse a tenant the corpus lacks with only the error, before starting", async () => {
    const only =
      "clearance: the corpus has no Connected User acme (it has northwind, kestrel) [DEMO_NO_TENANT]\n";
    const demo = await clearance(["demo", "--tenant", "acme"]);
    expect(demo).toEqual({ stdout: "", stderr: only, code: 2 });
    const query = await clearance([
      "query",
      "Q3 revenue?",
      "--demo",
      "--tenant",
      "acme",
      "-u",
      "raj@kestrel.test",
    ]);
    expect(query).toEqual({ stdout: "", stderr: only, code: 2 });
    const serve = await clearance(["serve", "--demo", "--tenant", "acme", "--port", "0"]);
    expect(serve).toEqual({ stdout: "", stderr: only, code: 2 });
    const mcp = await clearance(["mcp", "--demo", "--tenant", "acme", "--user", "raj@kestrel.test"]);
    expect(mcp).toEqual({ stdout: "", stderr: only, code: 2 });
  });

  it("demo refuses a person or question id the corpus lacks with only the error, before starting", async () => {
    const person = await clearance(["demo", "--tenant", "northwind", "--people", "sam@northwind.test,bob"]);
    expect(person.stdout).toBe("");
    expect(person.code).toBe(2);
    // One line, the error: not "Starting the emulator…" first, for a run that never starts.
    expect(person.stderr).toMatch(
      /^clearance: nobody named bob in \S*manifest\.yaml for tenant northwind: [^\n]*\[DEMO_UNKNOWN_PEOPLE\]\n$/,
    );
    const question = await clearance(["demo", "--questions", "parental-leave,no-such-question"]);
    expect(question.stdout).toBe("");
    expect(question.code).toBe(2);
    expect(question.stderr).toMatch(
      /^clearance: no question no-such-question in \S*questions\.yaml: [^\n]*\[DEMO_UNKNOWN_QUESTIONS\]\n$/,
    );
  });

  it("query --demo and mcp --demo refuse a --user the corpus lacks with only the error, before starting", async () => {
    // A typo was answered as a stranger ("Nothing you may read answers this"), exit 0.
    const unknown =
      /^clearance: nobody named sam@northwnd\.test in \S*manifest\.yaml: [^\n]*sam@northwind\.test[^\n]*\[DEMO_UNKNOWN_PEOPLE\]\n$/;
    const query = await clearance(["query", "Q3 revenue?", "--demo", "-u", "sam@northwnd.test"]);
    expect(query.stdout).toBe("");
    expect(query.code).toBe(2);
    expect(query.stderr).toMatch(unknown);
    const mcp = await clearance(["mcp", "--demo", "--user", "sam@northwnd.test"]);
    expect(mcp).toEqual({ stdout: "", stderr: expect.stringMatching(unknown), code: 2 });
    // In a company that does not list them: named with the tenant.
    const elsewhere = await clearance([
      "query",
      "Q3 revenue?",
      "--demo",
      "--tenant",
      "kestrel",
      "-u",
      "sam@northwind.test",
      "--json",
    ]);
    expect(elsewhere.code).toBe(2);
    expect(JSON.parse(elsewhere.stdout).error.message).toMatch(
      /nobody named sam@northwind\.test in \S*manifest\.yaml for tenant kestrel/,
    );
  });

  it("serve --people names a folder without a corpus manifest (exit 2), not an ENOENT", async () => {
    const people = join(dir, "no-people-here");
    const { stderr, code } = await clearance(["serve", "--dev-identity", "--port", "0", "--people", people], {
      ...emulatorEnv(),
      CLEARANCE_STORE_DIR: join(dir, "serve-store"),
      CLEARANCE_FOLLOW_PERMISSION_CHANGES: "false",
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`${people} has no manifest.yaml: point --people`);
    expect(stderr).toContain("[CORPUS_INVALID]");
  });

  it("--help is not a failure", async () => {
    const { stdout, code } = await clearance(["ingest", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--full");
  });

  it("--version prints the package's version, and is not a failure either", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    for (const flag of ["--version", "-V"]) {
      expect(await clearance([flag])).toEqual({ stdout: `${version}\n`, stderr: "", code: 0 });
    }
  });
});

describe("the store", () => {
  it("a store folder that does not exist is named, and not created empty", async () => {
    const missing = join(dir, "mistyped-store");
    const { stdout, code } = await clearance(
      ["query", "What is our parental leave policy?", "--user", "sam@northwind.test", "--json"],
      { ...emulatorEnv(), CLEARANCE_STORE_DIR: missing },
    );
    expect(code).toBe(2);
    const { error } = JSON.parse(stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe("STORE_NOT_FOUND");
    expect(error.message).toContain(missing);
    expect(error.message).toContain("clearance ingest");
    expect(error.message).toContain("CLEARANCE_STORE_DIR");
    expect(existsSync(missing)).toBe(false);
  });

  it('a store with no chunks for the tenant says so instead of answering "nothing you may read"', async () => {
    const empty = join(dir, "never-ingested");
    await (await LanceChunkStore.open({ dir: empty, dimensions: 384 })).close();
    // A one-shot question does not warm the store up: its own search loads what it needs.
    let warmUps = 0;
    const warmUp = LanceChunkStore.prototype.warmUp;
    vi.spyOn(LanceChunkStore.prototype, "warmUp").mockImplementation(function (this: LanceChunkStore) {
      warmUps += 1;
      return warmUp.call(this);
    });
    const { stderr, code } = await clearance(
      ["query", "What is our parental leave policy?", "--user", "sam@northwind.test"],
      { ...emulatorEnv(), CLEARANCE_STORE_DIR: empty },
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`no chunks for tenant northwind in ${empty}`);
    expect(stderr).toContain("run `clearance ingest` first");
    expect(warmUps).toBe(0);
  });

  it("a store whose indexes cannot be read stops a server before it serves, naming the folder and what to do", async () => {
    const damaged = join(dir, "damaged");
    await (await LanceChunkStore.open({ dir: damaged, dimensions: 384 })).close();
    // As LanceDB reports an index file gone from the folder.
    vi.spyOn(LanceChunkStore.prototype, "warmUp").mockRejectedValue(
      new Error(`Not found: ${damaged}/chunks.lance/_indices/0/index.idx`),
    );
    const { stderr, code } = await clearance(["mcp", "--user", "sam@northwind.test"], {
      ...emulatorEnv(),
      CLEARANCE_STORE_DIR: damaged,
    });
    expect(code).toBe(1);
    expect(stderr).toContain("[STORE_WARM_UP_FAILED]");
    expect(stderr).toContain(`could not read the indexes of ${damaged} (CLEARANCE_STORE_DIR)`);
    expect(stderr).toContain("index.idx");
    expect(stderr).toContain("clearance ingest");
  });

  it("a store path that is a file says so, naming the path and CLEARANCE_STORE_DIR (exit 2)", async () => {
    const file = join(dir, "a-file");
    await writeFile(file, "not a store");
    const query = await clearance(
      ["query", "What is our parental leave policy?", "--user", "sam@northwind.test", "--json"],
      { ...emulatorEnv(), CLEARANCE_STORE_DIR: file },
    );
    expect(query.code).toBe(2);
    const { error } = JSON.parse(query.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe("STORE_DIR_INVALID");
    expect(error.message).toContain(`${file} is a file, not a folder`);
    expect(error.message).toContain("CLEARANCE_STORE_DIR");

    const ingest = await clearance(["ingest", "--json"], {
      ...emulatorEnv(),
      CLEARANCE_STORE_DIR: join(file, "store"),
    });
    expect(ingest.code).toBe(2);
    expect(JSON.parse(ingest.stdout).error.message).toContain(`is inside ${file}, which is a file`);
  });

  it("a tenant with no syncs (a mistyped id) is an error when it is the only one, with the reason", async () => {
    const store = join(dir, "typo");
    const { stdout, code } = await clearance(["ingest", "--json"], {
      ...emulatorEnv("northwnd"),
      CLEARANCE_STORE_DIR: store,
    });
    expect(code).toBe(2);
    const out = JSON.parse(stdout) as { ok: boolean; error: { code: string }; warnings: string[] };
    expect(out.ok).toBe(false);
    expect(out.error.code).toBe("INGEST_NO_SYNCS");
    expect(out.warnings.join("\n")).toMatch(/tenant northwnd has no syncs.*Connected User id/);
  });

  it("a tenant with no syncs among others is a warning; the run still succeeds; --json succeeds in JSON", async () => {
    const store = join(dir, "some-empty");
    const env = {
      ...emulatorEnv(),
      CLEARANCE_TENANT: "",
      CLEARANCE_TENANTS: "northwind,nobody-here",
      CLEARANCE_STORE_DIR: store,
    };
    const { stdout, stderr, code } = await clearance(["ingest"], env);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("northwind");
    expect(stderr).toMatch(/warning: tenant nobody-here has no syncs/);

    // Again with --json (incremental, nothing changed): the same outcome as JSON on stdout.
    const json = await clearance(["ingest", "--json"], env);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      warnings: string[];
      tenants: { tenant: string }[];
    };
    expect(report.ok).toBe(true);
    expect(report.tenants.map((t) => t.tenant).sort()).toEqual(["nobody-here", "northwind"]);
    expect(report.warnings.join("\n")).toMatch(/tenant nobody-here has no syncs/);

    // And a question over that store: JSON with ok: true, exit 0, the same shape as a failure's.
    const query = await clearance(
      ["query", "What is our parental leave policy?", "--user", "sam@northwind.test", "--json"],
      { ...emulatorEnv(), CLEARANCE_STORE_DIR: store },
    );
    expect(query.code, query.stderr).toBe(0);
    const answer = JSON.parse(query.stdout) as { ok: boolean; citations: { name: string }[] };
    expect(answer.ok).toBe(true);
    expect(answer.citations.map((c) => c.name)).toContain("Parental leave policy.docx");
  }, 120_000);
});
