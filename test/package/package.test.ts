// The published package, as a user gets it: `npm pack` (which builds dist/ through `prepare`), the
// tarball installed offline into an empty app with the embedded store's optional packages, then
// the README's "Use it" snippet run from that app against the emulator. Also what the package
// promises beyond that: its files and exports, `import "clearance"` touching no global and loading
// no optional package, and a clear error naming the package to install when one is missing.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { OPTIONAL_PACKAGES } from "../../src/optional-dependency.js";
import { installOffline, npmPack, type PackedTarball, stagePackage } from "./offline-app.js";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url).pathname;
const TSX = join(ROOT, "node_modules/.bin/tsx");
const TSC = join(ROOT, "node_modules/.bin/tsc");
// Building, packing and installing ~200 packages from the cache: a minute at most on a busy runner.
const SETUP_TIMEOUT_MS = 240_000;

const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackedTarball["manifest"];

let work: string;
let app: string;
let tarball: PackedTarball;
let emulator: Emulator;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "clearance-package-"));
  app = join(work, "app");
  // Built and packed from a staged copy, so the suite never rewrites this checkout's dist/.
  tarball = await npmPack(work, { dir: await stagePackage(join(work, "package")), ignoreScripts: true });
  await installOffline({ dir: app, tarball, with: Object.keys(OPTIONAL_PACKAGES.lancedb.packages) });
  emulator = await startEmulator({ corpusDir: join(ROOT, "examples/corpus"), port: 0 });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await emulator?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs a file of the app with tsx (TypeScript) or node, offline settings only. */
async function inApp(file: string, env: Record<string, string> = {}) {
  const command = file.endsWith(".ts") ? TSX : process.execPath;
  const cleanEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(PARAGON_|CLEARANCE_|OPENAI_|QDRANT_|NODE_OPTIONS|VITEST)/.test(key)) cleanEnv[key] = value;
  }
  return run(command, [file], { cwd: app, env: { ...cleanEnv, ...env }, maxBuffer: 16 * 1024 * 1024 });
}

describe("the package", () => {
  it("is publishable: Apache-2.0 with its license file, not private, a changelog", () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe("Apache-2.0");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0/);
    expect(readFileSync(join(ROOT, "CHANGELOG.md"), "utf8")).toMatch(new RegExp(`## ${manifest.version}`));
  });

  it("npm pack --dry-run lists every export, the bin, the worker, license and changelog, and no sources or tests", async () => {
    // This checkout as npm would pack it: what `files` selects, never the sources, tests or maps.
    const { files: fromCheckout } = await npmPack(work, { dryRun: true, ignoreScripts: true });
    expect(fromCheckout.filter((f) => /^(src|test|bench|scripts)\//.test(f) || f.endsWith(".map"))).toEqual(
      [],
    );
    for (const file of [
      "bin/clearance.js",
      "examples/corpus/manifest.yaml",
      "LICENSE",
      "README.md",
      "CHANGELOG.md",
    ]) {
      expect(fromCheckout, file).toContain(file);
    }
    // The packed tarball (a fresh build): every export target and what is loaded by path.
    const { files } = tarball;
    const targets = Object.values(manifest.exports ?? {}).flatMap((entry) =>
      typeof entry === "string" ? [entry] : Object.values(entry as Record<string, string>),
    );
    expect(targets.length).toBeGreaterThan(4);
    for (const target of targets) expect(files, target).toContain(target.replace(/^\.\//, ""));
    for (const file of [
      "bin/clearance.js",
      "dist/cli/main.js",
      // Spawned or read by path, so no import graph would catch their absence.
      "dist/ingest/text/extract-worker.js",
      "dist/server/public/index.html",
      "dist/authz/models/drive.fga",
      "examples/corpus/manifest.yaml",
    ]) {
      expect(files, file).toContain(file);
    }
    expect(files.filter((f) => !f.startsWith("dist/")).sort()).toEqual(
      fromCheckout.filter((f) => !f.startsWith("dist/")).sort(),
    );
  });

  it("keeps the optional backends optional: peers with peerDependenciesMeta, the versions the code names", () => {
    for (const { packages } of Object.values(OPTIONAL_PACKAGES)) {
      for (const [name, version] of Object.entries(packages)) {
        expect(manifest.dependencies?.[name], `${name} is not a dependency`).toBeUndefined();
        expect(manifest.peerDependencies?.[name], `${name} is a peer`).toBeDefined();
        expect(manifest.peerDependenciesMeta?.[name]?.optional, `${name} is optional`).toBe(true);
        // The version the error message tells users to install is the one the tests ran with.
        expect(readDevVersion(name)).toBe(version);
      }
    }
    expect(manifest.peerDependencies?.["@langchain/core"]).toBeDefined();
    expect(manifest.peerDependenciesMeta?.["@langchain/core"]).toBeUndefined();
  });
});

describe("installed from the tarball into an empty app (offline)", () => {
  it(
    "runs the README's “Use it” snippet against the emulator, and it type-checks under strict TypeScript",
    async () => {
      const readme = readFileSync(join(ROOT, "README.md"), "utf8");
      const snippet = /## Use it\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
      expect(snippet, "README has a ts block under ## Use it").toBeDefined();
      await writeFile(join(app, "use-it.ts"), snippet!);
      await writeFile(
        join(app, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ["node"],
            typeRoots: [join(ROOT, "node_modules/@types")],
          },
          files: ["use-it.ts"],
        }),
      );
      await run(TSC, ["-p", "tsconfig.json"], { cwd: app });

      const { stdout } = await inApp("use-it.ts", {
        PARAGON_SYNC_URL: emulator.url,
        PARAGON_PROJECT_ID: emulator.projectId,
        PARAGON_SIGNING_KEY: emulator.signingKeyPem!,
      });
      // The snippet prints the names of the chunks sam may read for the parental leave question.
      expect(stdout).toContain("'Parental leave policy.docx'");
    },
    SETUP_TIMEOUT_MS,
  );

  it('import "clearance" changes no global and loads no optional or heavy package', async () => {
    // The baseline is what every LangChain app has already loaded: zod and LangChain core keep
    // their own registries on globalThis; Clearance must add nothing of its own.
    await writeFile(
      join(app, "globals.mjs"),
      `
import "zod";
import "@langchain/core/retrievers";
import "@langchain/core/tools";
import "@langchain/core/language_models/chat_models";
// Node defines some globals (fetch, Headers, AbortSignal…) as lazy getters that turn into values
// when first read: read them all first, so the snapshots compare settled values.
for (const name of Reflect.ownKeys(globalThis)) globalThis[name];
const snapshot = () => {
  const out = {};
  for (const name of Reflect.ownKeys(globalThis)) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    out[String(name)] = d && "value" in d ? d.value : d?.get;
  }
  for (const [owner, object] of [["JSON", JSON], ["Object", Object], ["Array.prototype", Array.prototype], ["Promise", Promise], ["String.prototype", String.prototype]]) {
    for (const name of Reflect.ownKeys(object)) out[owner + "." + String(name)] = Object.getOwnPropertyDescriptor(object, name)?.value;
  }
  return out;
};
const before = snapshot();
await import("clearance");
const after = snapshot();
const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !Object.is(before[k], after[k]));
console.log(JSON.stringify({ changed }));
`,
    );
    const { stdout } = await inApp("globals.mjs");
    expect(JSON.parse(stdout)).toEqual({ changed: [] });

    // Which packages `import "clearance"` loads, seen by a module resolution hook.
    await writeFile(
      join(app, "hooks.mjs"),
      `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
  if (match) console.error("loaded " + match[1]);
  return result;
}
`,
    );
    await writeFile(
      join(app, "loaded.mjs"),
      `import { register } from "node:module";
register("./hooks.mjs", import.meta.url);
await import("clearance");
`,
    );
    const { stderr } = await inApp("loaded.mjs");
    const loaded = new Set([...stderr.matchAll(/^loaded (.+)$/gm)].map((m) => m[1]));
    expect(loaded.has("clearance")).toBe(true);
    for (const heavy of [
      "@lancedb/lancedb",
      "apache-arrow",
      "@qdrant/js-client-rest",
      "@langchain/openai",
      "openai",
      "pdf-parse",
      "pdfjs-dist",
      "mammoth",
      "@openfga/syntax-transformer",
      "@modelcontextprotocol/sdk",
      "@hono/node-server",
      "yaml",
    ]) {
      expect(loaded.has(heavy), `${heavy} is loaded only when used`).toBe(false);
    }
  });

  it("names the package to install when an optional backend is missing (Qdrant, OpenAI)", async () => {
    await writeFile(
      join(app, "missing.mjs"),
      `import { createAnswerer, createEmbeddings, openChunkStore } from "clearance";
const out = {};
const record = async (name, fn) => { try { await fn(); out[name] = "no error"; } catch (e) { out[name] = { code: e.code, message: e.message }; } };
await record("qdrant", () => openChunkStore({ kind: "qdrant", url: "http://127.0.0.1:9" }, 384));
await record("embeddings", () => createEmbeddings({ openaiApiKey: "sk-not-used" }).embedQuery("hello"));
await record("answers", async () => {
  for await (const _ of createAnswerer({ openaiApiKey: "sk-not-used" }).answer({ question: "q", sources: [] })) {}
});
console.log(JSON.stringify(out));
`,
    );
    const { stdout } = await inApp("missing.mjs");
    const out = JSON.parse(stdout) as Record<
      "qdrant" | "embeddings" | "answers",
      { code: string; message: string }
    >;
    expect(out.qdrant.code).toBe("DEPENDENCY_MISSING");
    expect(out.qdrant.message).toContain("npm install @qdrant/js-client-rest@");
    expect(out.embeddings.code).toBe("DEPENDENCY_MISSING");
    expect(out.embeddings.message).toContain("npm install @langchain/openai@");
    expect(out.answers.code).toBe("DEPENDENCY_MISSING");
    expect(out.answers.message).toContain("@langchain/openai");
  });

  it("finds the files its modules read by path from where npm installed it (page, Drive model, corpus, version)", async () => {
    // dist/ is bundled, so a module's code may sit in another file than its own: these lookups are
    // relative to where the module would be (scripts/build.mjs), which only an install can show.
    await writeFile(
      join(app, "by-path.mjs"),
      `import { existsSync } from "node:fs";
import { createServerApp } from "clearance";
import { driveModelPath } from "clearance/authz";
import { EXAMPLE_CORPUS_DIR } from "clearance/emulator";
import { createClearanceMcpServer } from "clearance/mcp";
const page = await createServerApp({ chat: () => new Response("") }).request("/");
console.log(JSON.stringify({
  page: [page.status, (await page.text()).slice(0, 15)],
  drive: driveModelPath(),
  corpus: existsSync(EXAMPLE_CORPUS_DIR + "manifest.yaml") ? EXAMPLE_CORPUS_DIR : "missing",
  mcp: typeof createClearanceMcpServer,
}));
`,
    );
    const { stdout } = await inApp("by-path.mjs");
    const installed = join(app, "node_modules/clearance");
    expect(JSON.parse(stdout)).toEqual({
      page: [200, "<!doctype html>"],
      drive: join(installed, "dist/authz/models/drive.fga"),
      corpus: `${join(installed, "examples/corpus")}/`,
      mcp: "function",
    });
  });

  it("ships a working `clearance` command", async () => {
    const { stdout } = await run(join(app, "node_modules/.bin/clearance"), ["--help"], { cwd: app });
    for (const command of ["demo", "emulator", "ingest", "query", "serve"]) expect(stdout).toContain(command);
  });
});

function readDevVersion(name: string): string | undefined {
  return JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).devDependencies?.[name];
}
