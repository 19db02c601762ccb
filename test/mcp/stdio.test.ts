import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_READABLE } from "../../src/mcp/index.js";
import { toolJson } from "./helpers/mcp-world.js";

// `clearance mcp --demo` as an MCP client runs it: a child process speaking JSON-RPC over stdio.
// Every person is a process of their own (a local server answers for one person); they share one
// store folder, so only the first ingests the corpus and the others find it current.
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
let storeDir: string;
const running: { client: Client; errors: Error[] }[] = [];

beforeAll(async () => {
  storeDir = await mkdtemp(join(tmpdir(), "clearance-mcp-stdio-"));
});

afterAll(async () => {
  for (const { client } of running) await client.close().catch(() => undefined);
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
});

/** Starts `clearance mcp --demo` for one person; `errors` collects anything on stdout that is not JSON-RPC. */
async function serverFor(user: string, tenant?: string): Promise<{ client: Client; errors: Error[] }> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(PARAGON_|CLEARANCE_|OPENAI_|QDRANT_)/.test(key)) env[key] = value;
  }
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "mcp",
      "--demo",
      "--store-dir",
      storeDir,
      "--user",
      user,
      ...(tenant ? ["--tenant", tenant] : []),
    ],
    cwd: ROOT,
    env,
    stderr: "pipe",
  });
  const errors: Error[] = [];
  const client = new Client({ name: "clearance-stdio-test", version: "0" });
  await client.connect(transport);
  // Set after connect, which installs the client's own handler: any later transport error is a stray line.
  transport.onerror = (error) => errors.push(error);
  const server = { client, errors };
  running.push(server);
  return server;
}

const search = async (client: Client, query: string) => {
  const { json, isError, text } = toolJson<{ results: { id: string; title: string }[] }>(
    await client.callTool({ name: "search", arguments: { query } }),
  );
  expect(isError, text).toBe(false);
  return json!.results;
};

describe("clearance mcp --demo over stdio", () => {
  it("two people of one company get different results; both tools are read-only; stdout is only JSON-RPC", async () => {
    const hana = await serverFor("hana@northwind.test");
    const sam = await serverFor("sam@northwind.test");
    const { tools } = await hana.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["fetch", "search"]);
    for (const tool of tools) expect(tool.annotations).toMatchObject({ readOnlyHint: true });
    expect(hana.client.getInstructions()).toMatch(/hana@northwind\.test .*configured .* not a sign-in/);

    const question = "What are the salary bands for engineers?";
    const hanaTitles = (await search(hana.client, question)).map((r) => r.title);
    const samTitles = (await search(sam.client, question)).map((r) => r.title);
    expect(hanaTitles).toContain("Compensation bands 2026.pdf");
    expect(samTitles).not.toContain("Compensation bands 2026.pdf");
    expect(samTitles).not.toEqual(hanaTitles);
    const bands = (await search(hana.client, question)).find(
      (r) => r.title === "Compensation bands 2026.pdf",
    )!;
    expect(
      toolJson<{ text: string }>(await hana.client.callTool({ name: "fetch", arguments: { id: bands.id } }))
        .json!.text,
    ).toContain("$118,000");
    expect(toolJson(await sam.client.callTool({ name: "fetch", arguments: { id: bands.id } })).text).toBe(
      NOT_READABLE,
    );
    expect([...hana.errors, ...sam.errors]).toEqual([]);
  }, 180_000);

  it("without --tenant, a person of the other company is answered in their own company", async () => {
    // The corpus's first company used to be the default whoever asked: Kestrel's Diego searched Northwind.
    const diego = await serverFor("diego@kestrel.test");
    const results = await search(diego.client, "What is our parental leave policy?");
    const policy = results.find((r) => r.title === "Parental leave policy.docx");
    expect(policy).toBeDefined();
    const { json } = toolJson<{ text: string }>(
      await diego.client.callTool({ name: "fetch", arguments: { id: policy!.id } }),
    );
    expect(json!.text).toContain("12 weeks");
    expect(diego.errors).toEqual([]);
  }, 180_000);

  it("a person of the other company gets only their company's records", async () => {
    const diego = await serverFor("diego@kestrel.test", "kestrel");
    const question = "What is our parental leave policy?";
    const results = await search(diego.client, question);
    const policy = results.find((r) => r.title === "Parental leave policy.docx");
    expect(policy).toBeDefined();
    const { json } = toolJson<{ text: string }>(
      await diego.client.callTool({ name: "fetch", arguments: { id: policy!.id } }),
    );
    expect(json!.text).toContain("12 weeks");
    expect(json!.text).not.toContain("16 weeks");
    // Northwind's copy has the same record id; its MCP id (another sync) finds nothing here.
    const [hana] = running;
    const northwind = (await search(hana!.client, question)).find(
      (r) => r.title === "Parental leave policy.docx",
    )!;
    expect(northwind.id).not.toBe(policy!.id);
    expect(
      toolJson(await diego.client.callTool({ name: "fetch", arguments: { id: northwind.id } })).text,
    ).toBe(NOT_READABLE);
    expect(diego.errors).toEqual([]);
  }, 180_000);
});
