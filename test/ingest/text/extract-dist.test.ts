import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigHtml } from "./fixture-files.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../../..");

// The other extraction tests run the workers from source (.ts through a loader hook); the
// `clearance` bin runs them from compiled JavaScript. This compiles src/ afresh (inside
// node_modules so packages resolve) and drives the compiled extractor from plain `node`.
describe("extraction workers from the compiled package", () => {
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(root, "node_modules/.clearance-dist-test-"));
    // Emit only (--noCheck): what this test runs is the JavaScript; the types are checked by
    // `npm run typecheck`, which `npm test` runs first. Checking them again here cost 5 of 7 s of CPU.
    await run(
      join(root, "node_modules/.bin/tsc"),
      ["-p", join(root, "tsconfig.json"), "--outDir", out, "--noCheck"],
      { cwd: root },
    );
    await writeFile(join(out, "archive.html"), bigHtml());
  }, 120_000);
  afterAll(() => rm(out, { recursive: true, force: true }));

  // Run with `node --input-type=module -e`: a worker that inherited that flag could not start.
  it("reads a file and kills a slow parser at its deadline, with no TypeScript loader", async () => {
    const script = `
      import { readFile } from "node:fs/promises";
      const { extractText } = await import(${JSON.stringify(join(out, "ingest/text/index.js"))});
      const limits = { maxBytes: 50e6, maxChars: 50e6 };
      const ok = await extractText({ bytes: new TextEncoder().encode("compiled ok"), mimeType: "text/plain", name: "a.txt" }, limits);
      const bytes = new Uint8Array(await readFile(${JSON.stringify(join(out, "archive.html"))}));
      const slow = await extractText({ bytes, mimeType: "text/html", name: "archive.html" }, { ...limits, timeoutMs: 20 })
        .then(() => "ok", (error) => error.code);
      console.log(JSON.stringify({ ok: ok.text, slow }));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({ ok: "compiled ok", slow: "TIMEOUT" });
  });
});
