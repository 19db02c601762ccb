import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ingestCommand } from "../../src/cli/commands/ingest.js";
import {
  loadConfig,
  ownersForTenant,
  sharedOwnersWarning,
  unservedTenantsWarning,
} from "../../src/config/index.js";
import { HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, recordIdFor, startEmulator } from "../../src/emulator/index.js";
import { OwnerDirectory } from "../../src/records/index.js";
import { openConfiguredTenants } from "../../src/server/from-config.js";
import { startConfiguredWebhooks } from "../../src/server/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { ingestTenants, type TenantsIngestReport } from "../../src/tenants/index.js";
import {
  GLOBEX_BOB,
  GLOBEX_HUBSPOT_DEAL,
  HUBSPOT_OWNER,
  MAYA,
  NORTHWIND_HUBSPOT_DEAL,
  sharedOwnerIdCorpus,
} from "../fixtures/crm-corpus.js";
import { recordText } from "../record-text.js";
import { serve } from "../webhooks/harness.js";

// Two customers whose HubSpot accounts both have owner 7001: Maya at Northwind, Bob at Globex.
// Through the config file (`clearance ingest`, serve's retrievers, serve's webhook ingest), each
// tenant's deal must name and allow its own 7001, never the other tenant's: one map for every
// tenant wrote Maya into Globex's deal (a disclosure) and denied Bob his own.
const TENANTS = ["northwind", "globex"] as const;
const DIMENSIONS = 384; // the offline embedder the config path uses
let emulator: Emulator;
let dir: string;
let configFile: string;

const hubspotDeals = (tenant: string) =>
  emulator.state.syncsOf(tenant).find((s) => s.integration === "hubspot" && s.pipeline === "deals")!.id;

/** Every chunk text of one record of one tenant, in order, read from the on-disk store. */
async function textOf(tenant: string, externalId: string): Promise<string> {
  const store = await LanceChunkStore.open({ dir: join(dir, "store"), dimensions: DIMENSIONS });
  try {
    return await recordText(store, new HashingEmbeddings(), {
      tenant,
      syncId: hubspotDeals(tenant),
      recordId: recordIdFor("hubspot", externalId),
    });
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  emulator = await startEmulator({ corpus: sharedOwnerIdCorpus(), port: 0 });
  dir = await mkdtemp(join(tmpdir(), "clearance-owners-per-tenant-"));
  const keyFile = join(dir, "signing-key.pem");
  await writeFile(keyFile, emulator.signingKeyPem!);
  vi.stubEnv("PARAGON_SIGNING_KEY_FILE", keyFile);
  configFile = join(dir, "clearance.yaml");
  await writeFile(
    configFile,
    [
      `tenants: [${TENANTS.join(", ")}]`,
      "managedSync:",
      `  baseUrl: ${emulator.url}`,
      `  projectId: ${emulator.projectId}`,
      "store:",
      `  dir: ${join(dir, "store")}`,
      "retrieval:",
      "  follow: false",
      "server:",
      "  webhookSecret: s3cret-value",
      "records:",
      "  policies:",
      "    - { integration: hubspot, pipeline: deals, policy: owner }",
      // As a deployment that had one map before Globex came: Northwind's owner stays shared (and
      // is warned about); Globex's bare id must win over the shared `hubspot:` one.
      "  owners:",
      `    "hubspot:${HUBSPOT_OWNER}": { email: ${MAYA}, name: Maya Patel }`,
      "  ownersByTenant:",
      "    globex:",
      `      "${HUBSPOT_OWNER}": { email: ${GLOBEX_BOB}, name: Bob Globex }`,
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("records.ownersByTenant through the config path", () => {
  it("clearance ingest names each tenant's own owner in its deal, never the other tenant's namesake", async () => {
    let stdout = "";
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    let stderr = "";
    const warn = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    try {
      await ingestCommand().parseAsync(["--config", configFile, "--json", "--no-progress"], { from: "user" });
    } finally {
      write.mockRestore();
      warn.mockRestore();
      process.exitCode = undefined;
    }
    const report = JSON.parse(stdout) as TenantsIngestReport;
    expect(report.tenants.map((t) => [t.tenant, t.ok])).toEqual([
      ["northwind", true],
      ["globex", true],
    ]);
    // The shared numeric id is named, with where to move it.
    expect(stderr).toMatch(
      /warning: records\.owners applies to every tenant \(northwind, globex\).*\(hubspot:7001\).*records\.ownersByTenant/,
    );

    const northwind = await textOf("northwind", NORTHWIND_HUBSPOT_DEAL);
    expect(northwind).toContain("Deal: Northwind turbine service contract");
    expect(northwind).toContain("Owner: Maya Patel <maya@northwind.test>");
    expect(northwind).not.toMatch(/Bob Globex|bob@globex\.test/);
    const globex = await textOf("globex", GLOBEX_HUBSPOT_DEAL);
    expect(globex).toContain("Deal: Globex pipeline inspection");
    expect(globex).toContain("Owner: Bob Globex <bob@globex.test>");
    expect(globex).not.toMatch(/Maya Patel|maya@northwind\.test/);
  });

  it("the owner policy allows each tenant's 7001 their own deal, and not the other tenant's", async () => {
    const opened = await openConfiguredTenants(loadConfig({ file: configFile }), { warmUp: false });
    try {
      const hubspotDealsOf = async (tenant: string, user: string) => {
        const { documents, report } = await opened.retrievers
          .forTenant(tenant)
          .retrieveWithReport("deal contract inspection turbines pipeline", { user });
        // The owner resolved in every tenant: nothing undecided, nothing reported.
        expect(report.errors).toEqual([]);
        return documents
          .filter((d) => d.metadata.syncId === hubspotDeals(tenant))
          .map((d) => d.metadata.externalId);
      };
      expect(await hubspotDealsOf("northwind", MAYA)).toContain(NORTHWIND_HUBSPOT_DEAL);
      expect(await hubspotDealsOf("northwind", GLOBEX_BOB)).toEqual([]);
      expect(await hubspotDealsOf("globex", GLOBEX_BOB)).toContain(GLOBEX_HUBSPOT_DEAL);
      expect(await hubspotDealsOf("globex", MAYA)).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it("serve's webhook ingest renders a new deal with its own tenant's owner", async () => {
    const config = loadConfig({ file: configFile });
    const opened = await openConfiguredTenants(config, { warmUp: false });
    const webhooks = await startConfiguredWebhooks(config, opened, { spoolDir: join(dir, "spool") });
    const hooks = await serve((app) => app.post("/hooks", (c) => webhooks.handler(c.req.raw)));
    emulator.webhooks.setUrl(`${hooks.url}/hooks?secret=s3cret-value`);
    const created = "9100000003";
    try {
      emulator.state.createRecord(hubspotDeals("globex"), {
        externalId: created,
        name: "Globex compressor retrofit",
        amount: 75000,
        statusType: "open",
        status: "Qualification",
        accountId: "8100000002",
        ownerId: HUBSPOT_OWNER,
        closeDate: "2026-08-31",
      });
      await emulator.webhooks.idle();
      await webhooks.idle();
      expect(webhooks.metrics()).toMatchObject({ deadLettered: 0 });
    } finally {
      emulator.webhooks.setUrl(undefined);
      await hooks.close();
      await webhooks.close();
      await opened.close();
    }
    const text = await textOf("globex", created);
    expect(text).toContain("Deal: Globex compressor retrofit");
    expect(text).toContain("Owner: Bob Globex <bob@globex.test>");
    expect(text).not.toMatch(/Maya Patel|maya@northwind\.test/);
  });

  it("ingestTenants refuses one owners map beside per-tenant ones", async () => {
    const store = await LanceChunkStore.open({ dir: join(dir, "store"), dimensions: DIMENSIONS });
    try {
      const both = ingestTenants({
        tenants: [...TENANTS],
        clientFor: () => {
          throw new Error("not reached");
        },
        store,
        embeddings: new HashingEmbeddings(),
        owners: { [HUBSPOT_OWNER]: MAYA },
        ownersFor: () => ({ [HUBSPOT_OWNER]: GLOBEX_BOB }),
      });
      await expect(both).rejects.toMatchObject({ code: "TENANT_CONFIG_INVALID" });
      await expect(both).rejects.toThrow(/owners .* or ownersFor .*not both/);
    } finally {
      await store.close();
    }
  });

  it("refuses a malformed per-tenant owner entry, naming where it is and what to write", () => {
    const load = (ownersByTenant: unknown) => () =>
      loadConfig({
        env: {},
        overrides: { tenants: [...TENANTS], managedSync: { token: "t" }, records: { ownersByTenant } },
      });
    expect(load({ globex: { [HUBSPOT_OWNER]: 42 } })).toThrow(
      /records\.ownersByTenant\.globex\.7001 \(set in code or by a flag\): must be the owner's email, or \{ email, name \} \(got 42\)/,
    );
    expect(load({ globex: { [HUBSPOT_OWNER]: { mail: GLOBEX_BOB } } })).toThrow(
      /records\.ownersByTenant\.globex\.7001 \(set in code or by a flag\): must be the owner's email, or \{ email, name \}/,
    );
    expect(load({ globex: { [HUBSPOT_OWNER]: "bob" } })).toThrow(
      /records\.ownersByTenant\.globex\.7001 \(set in code or by a flag\): must be an email address \(got "bob"\)/,
    );
    expect(load({ globex: [GLOBEX_BOB] })).toThrow(
      /records\.ownersByTenant\.globex \(set in code or by a flag\): must map owner ids to people/,
    );
  });
});

describe("ownersForTenant and the shared-owners warning", () => {
  const config = (records: object, tenants: string[] = [...TENANTS], discover = false) =>
    loadConfig({
      env: {},
      overrides: {
        tenants,
        tenancy: { discover },
        managedSync: { token: "t", ...(discover ? { signingKey: "k", projectId: "p" } : {}) },
        records,
      },
    });
  const tenancyOf = (c: ReturnType<typeof config>) => ({
    tenants: c.tenants,
    single: c.tenants.length <= 1 && !c.tenancy.discover,
  });

  it("a tenant's entries win over shared ones, bare or integration-prefixed; the rest stay shared", async () => {
    const { records } = config({
      owners: { "hubspot:7001": MAYA, "0050000000LeoAAA": "leo@northwind.test" },
      ownersByTenant: { globex: { "7001": { email: GLOBEX_BOB, name: "Bob Globex" } } },
    });
    const resolve = (tenant: string, id: string, integration: string) =>
      new OwnerDirectory(ownersForTenant(records, tenant)).resolve(id, integration);
    expect(await resolve("globex", "7001", "hubspot")).toEqual({ email: GLOBEX_BOB, name: "Bob Globex" });
    expect(await resolve("northwind", "7001", "hubspot")).toEqual({ email: MAYA });
    expect(await resolve("globex", "0050000000LeoAAA", "salesforce")).toEqual({
      email: "leo@northwind.test",
    });
    // Object's own members are no owners, in either map.
    expect(await resolve("globex", "constructor", "hubspot")).toBeUndefined();
    // No entry of its own: the shared map as it is (existing configs behave as before).
    expect(ownersForTenant(records, "northwind")).toBe(records.owners);
  });

  it("warns of owners or members given for a tenant the deployment does not serve (a misspelt id), unless tenants are discovered", () => {
    const records = {
      ownersByTenant: { globexx: { "7001": GLOBEX_BOB }, northwind: { "7001": MAYA } },
      members: {
        tenants: { northwind: ["northwind.test"], globex: ["globex.test"], initech: ["initech.test"] },
      },
    };
    const served = config(records);
    expect(unservedTenantsWarning(served.records, { tenants: served.tenants, discover: false })).toMatch(
      /^globexx \(records\.ownersByTenant\), initech \(records\.members\.tenants\): tenants this deployment does not serve \(it serves northwind, globex\)\. A misspelt tenant id/,
    );
    const discovered = config(records, ["northwind"], true);
    expect(
      unservedTenantsWarning(discovered.records, { tenants: discovered.tenants, discover: true }),
    ).toBeUndefined();
    const right = config({ ownersByTenant: { globex: { "7001": GLOBEX_BOB } } });
    expect(
      unservedTenantsWarning(right.records, { tenants: right.tenants, discover: false }),
    ).toBeUndefined();
  });

  it("warns of shared numeric ids only when several tenants (or discovered ones) are served", () => {
    const numeric = { owners: { "7001": MAYA, "zendesk:42": MAYA } };
    const several = config(numeric);
    expect(sharedOwnersWarning(several.records, tenancyOf(several))).toMatch(
      /applies to every tenant \(northwind, globex\).*2 of its owner ids look account-scoped \(7001, zendesk:42\).*records\.ownersByTenant/,
    );
    const discovered = config(numeric, ["northwind"], true);
    expect(sharedOwnersWarning(discovered.records, tenancyOf(discovered))).toContain("look account-scoped");
    const one = config(numeric, ["northwind"]);
    expect(sharedOwnersWarning(one.records, tenancyOf(one))).toBeUndefined();
    // Salesforce, ServiceNow and Jira ids are unique across accounts: one map is right for them.
    const global = config({
      owners: {
        "0050000000MayaAAA": MAYA,
        "servicenow:5137153cc611227c000bbd1bd8cd2005": MAYA,
        "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077": MAYA,
      },
    });
    expect(sharedOwnersWarning(global.records, tenancyOf(global))).toBeUndefined();
  });
});
