import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ingestCommand } from "../../src/cli/commands/ingest.js";
import { HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import {
  ingestTenants,
  TenantClients,
  type TenantIngestEvent,
  type TenantsIngestReport,
} from "../../src/tenants/index.js";
import { companiesCorpus } from "./helpers/companies.js";

const DIMENSIONS = 64;
let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ corpus: companiesCorpus(), port: 0 });
  dir = await mkdtemp(join(tmpdir(), "clearance-ingest-tenants-"));
  // Paragon revoked one Connected User's credentials: every call as fabrikam is a 401.
  const revoked = await fetch(`${emulator.url}/__admin/users/fabrikam/revoke`, {
    method: "POST",
    headers: { authorization: `Bearer ${emulator.adminToken}` },
  });
  expect(revoked.status).toBe(200);
});

afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const clients = () =>
  new TenantClients({
    baseUrl: emulator.url,
    credentials: { signingKey: emulator.signingKeyPem!, projectId: emulator.projectId },
    retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 },
  });

async function textsOf(store: LanceChunkStore, tenant: string): Promise<string[]> {
  const total = await store.count({ tenant });
  if (total === 0) return [];
  const probe = Array.from({ length: DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0));
  return (await store.search(probe, { tenant, limit: total })).map((h) => h.chunk.text);
}

describe("ingestTenants", () => {
  it("ingests every tenant with its own client; one with revoked credentials fails alone", async () => {
    const store = await LanceChunkStore.open({ dir: join(dir, "library"), dimensions: DIMENSIONS });
    const events: TenantIngestEvent[] = [];
    try {
      const tenantClients = clients();
      const report = await ingestTenants({
        tenants: ["northwind", "fabrikam", "contoso", "northwind"],
        clientFor: (tenant) => tenantClients.forTenant(tenant),
        store,
        embeddings: new HashingEmbeddings({ dimensions: DIMENSIONS }),
        tenantConcurrency: 2,
        holder: "test",
        onProgress: (event) => events.push(event),
      });
      expect(report.tenants.map((t) => [t.tenant, t.ok])).toEqual([
        ["northwind", true],
        ["fabrikam", false],
        ["contoso", true],
      ]);
      expect(report.ok).toBe(false);
      expect(report.failedTenants).toEqual(["fabrikam"]);
      const fabrikam = report.tenants[1]!;
      expect(fabrikam.error?.message).toMatch(/401|revoked/i);
      expect(report.counts.new).toBe(6);
      expect(report.tenantConcurrency).toBe(2);

      // Each tenant's chunks carry its own company's text only; the revoked one wrote nothing.
      for (const [tenant, name] of [
        ["northwind", "Northwind"],
        ["contoso", "Contoso"],
      ] as const) {
        const texts = await textsOf(store, tenant);
        expect(texts).toHaveLength(3);
        expect(
          texts.every((t) => t.includes(name) && !/Northwind|Contoso|Fabrikam/.test(t.replaceAll(name, ""))),
        ).toBe(true);
      }
      expect(await store.count({ tenant: "fabrikam" })).toBe(0);

      const done = events.filter((e) => e.type === "tenant-done");
      expect(done.map((e) => e.done)).toEqual([1, 2, 3]);
      expect(done.every((e) => e.total === 3)).toBe(true);
      expect(events[0]).toEqual({
        type: "tenants-started",
        tenants: ["northwind", "fabrikam", "contoso"],
        concurrency: 2,
      });
      expect(
        events.some(
          (e) => e.type === "tenant-event" && e.tenant === "contoso" && e.event.type === "sync-started",
        ),
      ).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("reports a tenant whose client cannot even be made, and goes on with the others", async () => {
    const store = await LanceChunkStore.open({ dir: join(dir, "unmade"), dimensions: DIMENSIONS });
    try {
      const tenantClients = clients();
      const report = await ingestTenants({
        tenants: ["ghost", "contoso"],
        clientFor: (tenant) => {
          if (tenant === "ghost") throw new Error("no credentials for ghost");
          return tenantClients.forTenant(tenant);
        },
        store,
        embeddings: new HashingEmbeddings({ dimensions: DIMENSIONS }),
      });
      expect(report.tenants.map((t) => [t.tenant, t.ok, t.error?.message])).toEqual([
        ["ghost", false, "no credentials for ghost"],
        ["contoso", true, undefined],
      ]);
    } finally {
      await store.close();
    }
  });
});

describe("clearance ingest over every tenant", () => {
  let stdout = "";
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  const run = async (...args: string[]) => {
    stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    await ingestCommand().parseAsync(args, { from: "user" });
    vi.restoreAllMocks();
  };

  async function configFile(name: string, lines: string[]): Promise<string> {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      [
        ...lines,
        "managedSync:",
        `  baseUrl: ${emulator.url}`,
        ...(lines.some((l) => l.startsWith("  token")) ? [] : [`  projectId: ${emulator.projectId}`]),
        "store:",
        "  kind: lancedb",
        `  dir: ${join(dir, `${name}-store`)}`,
        "",
      ].join("\n"),
    );
    return file;
  }

  it("without --tenant ingests every configured tenant; --json has a section per tenant; exit 1 names the failed one", async () => {
    const keyFile = join(dir, "signing-key.pem");
    await writeFile(keyFile, emulator.signingKeyPem!);
    vi.stubEnv("PARAGON_SIGNING_KEY_FILE", keyFile);
    try {
      const file = await configFile("all", ["tenants: [northwind, fabrikam, contoso]"]);
      await run("--config", file, "--json", "--concurrency", "3");
      const report = JSON.parse(stdout) as TenantsIngestReport;
      expect(report.tenants.map((t) => t.tenant)).toEqual(["northwind", "fabrikam", "contoso"]);
      expect(report.failedTenants).toEqual(["fabrikam"]);
      expect(report.tenantConcurrency).toBe(3);
      expect(process.exitCode).toBe(1);

      process.exitCode = undefined;
      await run("--config", file, "--no-progress");
      expect(stdout).toMatch(/^tenant\s+status\s+seen/m);
      expect(stdout).toMatch(/^northwind\s+ok\s/m);
      expect(stdout).toMatch(/^fabrikam\s+FAILED\s/m);
      expect(stdout).toMatch(/failed tenants: fabrikam/);
      expect(stdout).toMatch(/fabrikam: run stopped: .*revoked/);
      expect(process.exitCode).toBe(1);

      // --tenant: only that one, and a clean exit.
      process.exitCode = undefined;
      await run("--config", file, "--json", "--tenant", "contoso");
      const one = JSON.parse(stdout) as TenantsIngestReport;
      expect(one.tenants.map((t) => [t.tenant, t.ok])).toEqual([["contoso", true]]);
      expect(process.exitCode ?? 0).toBe(0);
      await expect(run("--config", file, "--sync", "s1")).rejects.toMatchObject({
        code: "INGEST_SYNC_NEEDS_TENANT",
      });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("a configured tenant that is not the token's sub is a startup error naming both", async () => {
    const token = await emulator.tokenFor("northwind");
    const file = join(dir, "mismatch.yaml");
    await writeFile(
      file,
      ["tenant: contoso", "managedSync:", `  baseUrl: ${emulator.url}`, `  token: ${token}`].join("\n"),
    );
    await expect(run("--config", file, "--json")).rejects.toMatchObject({
      code: "TENANT_TOKEN_MISMATCH",
      message: expect.stringMatching(/tenant contoso is not the Paragon user token's sub northwind/),
    });
    // A token alone serves its sub.
    const alone = join(dir, "alone.yaml");
    await writeFile(
      alone,
      [
        "managedSync:",
        `  baseUrl: ${emulator.url}`,
        `  token: ${token}`,
        "store:",
        `  dir: ${join(dir, "alone-store")}`,
      ].join("\n"),
    );
    await run("--config", alone, "--json");
    expect((JSON.parse(stdout) as TenantsIngestReport).tenants.map((t) => [t.tenant, t.ok])).toEqual([
      ["northwind", true],
    ]);
  });
});
