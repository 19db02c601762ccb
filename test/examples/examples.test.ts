import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// Generous: each example takes a few seconds alone, much longer on a busy 2-core CI runner. They run
// at the same time (each is its own process with its own emulator, store and port): an example is
// a few seconds of process start and ingest that leave a core idle in between, so together they
// take ~17 s instead of ~21 s here.
const TIMEOUT_MS = 180_000;

interface Question {
  tenant: string;
  question: string;
  file: string;
  canSee: string[];
  cannotSee: string[];
  nearMisses?: { file: string; readers: string[] }[];
}
// The examples serve Northwind (the corpus's first tenant); Kestrel asks some of the same questions.
const questions = (
  parseYaml(readFileSync(`${ROOT}examples/corpus/questions.yaml`, "utf8")) as { questions: Question[] }
).questions.filter((q) => q.tenant === "northwind");

/** Runs `tsx examples/<name>` offline (no Paragon, OpenAI or Qdrant settings from the outer shell). */
function runExample(name: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(PARAGON_|CLEARANCE_|OPENAI_|QDRANT_)/.test(key)) env[key] = value;
  }
  return new Promise((resolve) => {
    // `node --import tsx` is what `npx tsx` runs, without npx's own second or two of start-up.
    execFile(
      process.execPath,
      ["--import", "tsx", `examples/${name}`],
      { cwd: ROOT, env, timeout: TIMEOUT_MS - 5_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface Asked {
  user: string;
  question: string;
  answer: string;
  sources: string[];
}

/** The `── <user> asks: <question>` blocks the chat and chain examples print. */
function askedBlocks(stdout: string): Asked[] {
  const blocks: Asked[] = [];
  for (const block of stdout.split(/^── /m).slice(1)) {
    const head = /^(\S+) asks: (.+)$/m.exec(block);
    const answer = /^answer: (.*)$/m.exec(block);
    const sources = /^sources: (.*)$/m.exec(block);
    if (!head || !answer || !sources) throw new Error(`unexpected output block:\n${block}`);
    blocks.push({
      user: head[1]!,
      question: head[2]!,
      answer: answer[1]!,
      sources: sources[1] === "(none)" ? [] : sources[1]!.split(" · ").map((s) => s.replace(/^\[\d+\] /, "")),
    });
  }
  return blocks;
}

/**
 * Checks each person's sources against questions.yaml: the answer's file for those who may read it
 * and never for those who may not, and no near miss for someone outside its readers.
 */
function expectPermissionAware(blocks: Asked[], sees: string, doesNot: string): void {
  expect(blocks.map((b) => b.user).sort()).toEqual([sees, doesNot].sort());
  for (const block of blocks) {
    const question = questions.find((q) => q.question === block.question);
    expect(question, `questions.yaml has "${block.question}"`).toBeDefined();
    const answerFile = basename(question!.file);
    if (question!.canSee.includes(block.user)) {
      expect(block.sources, `${block.user} may read ${answerFile}`).toContain(answerFile);
      expect(block.answer).toMatch(/\[\d+\]/);
    }
    if (question!.cannotSee.includes(block.user)) {
      expect(block.sources, `${block.user} may not read ${answerFile}`).not.toContain(answerFile);
    }
    for (const miss of question!.nearMisses ?? []) {
      if (!miss.readers.includes(block.user)) expect(block.sources).not.toContain(basename(miss.file));
    }
  }
  const seer = blocks.find((b) => b.user === sees)!;
  const other = blocks.find((b) => b.user === doesNot)!;
  const question = questions.find((q) => q.question === seer.question)!;
  expect(question.canSee).toContain(sees);
  expect(question.cannotSee).toContain(doesNot);
  expect(other.sources).not.toEqual(seer.sources);
}

describe("examples copy into a project as they are", () => {
  const files = readdirSync(`${ROOT}examples`).filter((name) => name.endsWith(".ts"));

  it("every example imports Clearance by its package name, and nothing private", () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      expect(file, "no private helpers: each example stands alone").not.toMatch(/^_/);
      const source = readFileSync(`${ROOT}examples/${file}`, "utf8");
      const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gms)].map(
        (m) => m[1]!,
      );
      expect(specifiers, file).toContain("clearance");
      // Only packages (and Node's own modules): a copied file has no ../src or ./helper next to it.
      expect(
        specifiers.filter((s) => s.startsWith(".")),
        file,
      ).toEqual([]);
    }
  });
});

describe.concurrent("examples run offline against the emulator", () => {
  it(
    "cron-ingest.ts: an incremental run, a change, then a full run that removes the deleted file",
    async () => {
      const { code, stdout, stderr } = await runExample("cron-ingest.ts");
      expect(code, stderr).toBe(0);
      // One line per tenant and run: "northwind incremental ok: …".
      const runs = stdout
        .split("\n")
        .filter((line) => /^northwind (incremental|full) /.test(line))
        .map((line) => line.replace(/^northwind /, ""));
      expect(runs).toHaveLength(3);
      const count = (line: string, what: string) => Number(new RegExp(`(\\d+) ${what}`).exec(line)?.[1]);
      const [first, second, full] = runs as [string, string, string];
      expect(first).toMatch(/^incremental ok:/);
      expect(count(first, "new")).toBeGreaterThan(0);
      expect(count(first, "failed")).toBe(0);
      // The added file arrives incrementally; the delete is invisible to a cursor pull…
      expect(second).toMatch(/^incremental ok:/);
      expect(count(second, "new")).toBe(1);
      expect(count(second, "deleted")).toBe(0);
      // …and the full run reconciles it.
      expect(full).toMatch(/^full ok:/);
      expect(count(full, "deleted")).toBe(1);
      expect(count(full, "new")).toBe(0);
      expect(count(full, "chunks written")).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    "langchain-chain.ts: one chain, the user from configurable, different sources per person",
    async () => {
      const { code, stdout, stderr } = await runExample("langchain-chain.ts");
      expect(code, stderr).toBe(0);
      expectPermissionAware(askedBlocks(stdout), "hana@northwind.test", "sam@northwind.test");
    },
    TIMEOUT_MS,
  );

  it(
    "langchain-agent.ts: a LangChain v1 agent, the person from the runtime context, different sources per person",
    async () => {
      const { code, stdout, stderr } = await runExample("langchain-agent.ts");
      expect(code, stderr).toBe(0);
      expectPermissionAware(askedBlocks(stdout), "hana@northwind.test", "sam@northwind.test");
    },
    TIMEOUT_MS,
  );

  it(
    "express-chat.ts: two people over HTTP get what they may read; no user is a 401",
    async () => {
      const { code, stdout, stderr } = await runExample("express-chat.ts");
      expect(code, stderr).toBe(0);
      expectPermissionAware(askedBlocks(stdout), "sam@northwind.test", "chloe@northwind.test");
      expect(stdout).toMatch(/^without a user: HTTP 401$/m);
    },
    TIMEOUT_MS,
  );

  it(
    "mcp-agent.ts: a LangChain agent gets Clearance's MCP tools with a person's token and sees only what they may read",
    async () => {
      const { code, stdout, stderr } = await runExample("mcp-agent.ts");
      expect(code, stderr).toBe(0);
      const blocks = askedBlocks(stdout);
      expectPermissionAware(blocks, "hana@northwind.test", "sam@northwind.test");
      // The scripted model searched, then fetched one result; hana's answer quotes the bands themselves.
      expect(stdout.match(/^tools: search → fetch$/gm)).toHaveLength(2);
      expect(blocks.find((b) => b.user === "hana@northwind.test")!.answer).toContain("$118,000");
    },
    TIMEOUT_MS,
  );

  it(
    "hono-chat.ts: verified tokens decide who asks; a forged token is a 401",
    async () => {
      const { code, stdout, stderr } = await runExample("hono-chat.ts");
      expect(code, stderr).toBe(0);
      expectPermissionAware(askedBlocks(stdout), "chloe@northwind.test", "sam@northwind.test");
      expect(stdout).toMatch(/^with a forged token: HTTP 401$/m);
    },
    TIMEOUT_MS,
  );
});
