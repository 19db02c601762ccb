// The documentation a user reads: every relative link resolves inside the repository, the README
// leads to docs/ and docs/README.md to every page, and every TypeScript example type-checks
// against the real API (so a renamed option breaks this test, not a reader's first try).
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = resolve(new URL("../../", import.meta.url).pathname);
const SNIPPETS = join(ROOT, "test/docs/.snippets");

/** Every Markdown file a user reads: README, CHANGELOG, docs/, examples/README. */
function pages(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? docs(join(dir, entry.name))
        : entry.name.endsWith(".md")
          ? [join(dir, entry.name)]
          : [],
    );
  return ["README.md", "CHANGELOG.md", "examples/README.md", ...docs("docs")];
}

function linksOf(page: string): string[] {
  const text = readFileSync(join(ROOT, page), "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

afterAll(async () => {
  await rm(SNIPPETS, { recursive: true, force: true });
});

describe("documentation", () => {
  it("every relative link resolves to a file inside the repository", () => {
    const broken: string[] = [];
    for (const page of pages()) {
      for (const link of linksOf(page)) {
        if (/^(https?:|mailto:|#)/.test(link)) continue;
        const target = resolve(ROOT, dirname(page), link.split("#")[0]!);
        const inside = !relative(ROOT, target).startsWith("..");
        if (!inside || !existsSync(target)) broken.push(`${page} → ${link}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("nothing points outside the repository (no ../shared, no seeds)", () => {
    for (const page of pages())
      expect(readFileSync(join(ROOT, page), "utf8"), page).not.toMatch(
        /\.\.\/shared|reference\/managed-sync/,
      );
  });

  it("the README links docs/, and docs/README.md links every page", () => {
    expect(linksOf("README.md")).toContain("docs/README.md");
    const index = linksOf("docs/README.md").map((link) => link.split("#")[0]);
    const all = pages().filter((p) => p.startsWith("docs/") && p !== "docs/README.md");
    expect(all.filter((page) => !index.includes(relative("docs", page)))).toEqual([]);
  });

  it("every entry point of the package has a page whose example imports it", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: object };
    const specifiers = Object.keys(manifest.exports)
      .filter((key) => key !== "./package.json")
      .map((key) => `clearance${key.slice(1)}`);
    expect(specifiers).toEqual(expect.arrayContaining(["clearance", "clearance/emulator", "clearance/mcp"]));
    const examples = pages()
      .filter((page) => page.startsWith("docs/"))
      .flatMap((page) => [...readFileSync(join(ROOT, page), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)])
      .map((block) => block[1]!);
    const undocumented = specifiers.filter(
      (specifier) => !examples.some((code) => code.includes(`from "${specifier}"`)),
    );
    expect(undocumented).toEqual([]);
  });

  it("every TypeScript example type-checks against the API (strict)", async () => {
    await rm(SNIPPETS, { recursive: true, force: true });
    await mkdir(SNIPPETS, { recursive: true });
    const files: string[] = [];
    for (const page of pages()) {
      const blocks = [...readFileSync(join(ROOT, page), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)];
      for (const [index, block] of blocks.entries()) {
        const name = `${page.replace(/[/.]/g, "_")}_${index + 1}.ts`;
        // Each block is a module of its own; names the page assumes exist come from globals.d.ts.
        await writeFile(join(SNIPPETS, name), `${block[1]}\nexport {};\n`);
        files.push(name);
      }
    }
    expect(files.length).toBeGreaterThan(15);
    await writeFile(join(SNIPPETS, "globals.d.ts"), GLOBALS);
    await writeFile(
      join(SNIPPETS, "tsconfig.json"),
      JSON.stringify({
        extends: "../../../tsconfig.json",
        compilerOptions: { noEmit: true, rootDir: "../../..", noUnusedLocals: false },
        files: ["globals.d.ts", ...files],
      }),
    );
    try {
      await run(join(ROOT, "node_modules/.bin/tsc"), ["-p", join(SNIPPETS, "tsconfig.json")], { cwd: ROOT });
    } catch (error) {
      const { stdout } = error as { stdout: string };
      // Name the page and block for each error: the file names encode them.
      expect.fail(`documentation examples do not type-check:\n${stdout}`);
    }
  }, 120_000);
});

/** What the pages' examples take as given (a client, a store, a retriever…), typed as the API gives them. */
const GLOBALS = `import type {
  ChunkStore,
  ClearanceEmbeddings,
  Identify,
  ManagedSyncClient,
  PermissionAwareRetriever,
  ScoredChunk,
  TenantRetrievers,
} from "clearance";

declare global {
  const client: ManagedSyncClient;
  const store: ChunkStore;
  const embeddings: ClearanceEmbeddings;
  const retriever: PermissionAwareRetriever;
  const retrievers: TenantRetrievers;
  const identify: Identify;
  const tenant: string;
  const jwksUrl: string;
  const issuer: string;
  const signInToken: string;
  const myKeywordIndex: { search(tenant: string, query: string): Promise<ScoredChunk[]> };
}
`;
