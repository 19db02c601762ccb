import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { LanceChunkStore } from "../../src/store/index.js";
import {
  TENANTS_STATE_SCOPE,
  TenantClients,
  TenantRegistry,
  UnknownTenantError,
} from "../../src/tenants/index.js";

describe("TenantRegistry", () => {
  it("knows configured tenants, from a list or a function re-read on refresh", async () => {
    const registry = await TenantRegistry.open({ tenants: ["northwind", " contoso ", ""] });
    expect(registry.list()).toEqual(["northwind", "contoso"]);
    expect(registry.has("contoso")).toBe(true);
    expect(registry.has("mallory")).toBe(false);

    let source = ["a"];
    const fromFunction = await TenantRegistry.open({ tenants: async () => source });
    expect(fromFunction.list()).toEqual(["a"]);
    source = ["a", "b"];
    expect(fromFunction.has("b")).toBe(false);
    await fromFunction.refresh();
    expect(fromFunction.has("b")).toBe(true);
  });

  it("discovers tenants only when allowed, remembers them in the store, and a restart knows them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clearance-registry-"));
    let store = await LanceChunkStore.open({ dir, dimensions: 8 });
    try {
      const closed = await TenantRegistry.open({ tenants: ["northwind"], state: store });
      expect(await closed.discover("contoso")).toBe(false);
      expect(closed.has("contoso")).toBe(false);
      expect((await store.listState(TENANTS_STATE_SCOPE)).size).toBe(0);

      const open = await TenantRegistry.open({ tenants: ["northwind"], discover: true, state: store });
      expect(await open.discover("northwind")).toBe(true);
      expect(await open.discover("contoso")).toBe(true);
      expect(await open.discover("  ")).toBe(false);
      expect([...(await store.listState(TENANTS_STATE_SCOPE)).keys()]).toEqual(["contoso"]);

      // A restart (a new process on the same store folder) knows the discovered tenant.
      await store.close();
      store = await LanceChunkStore.open({ dir, dimensions: 8 });
      const restarted = await TenantRegistry.open({ tenants: ["northwind"], state: store });
      expect(restarted.list()).toEqual(["northwind", "contoso"]);
      expect(restarted.has("contoso")).toBe(true);
      await expect(TenantRegistry.open({ discover: true })).rejects.toMatchObject({
        code: "TENANT_CONFIG_INVALID",
      });
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("TenantClients", () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const tokenFor = (sub: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "RS256" })
      .setSubject(sub)
      .setExpirationTime("1h")
      .sign(privateKey);

  it("mints a client per tenant from the signing key, held in a bounded LRU", () => {
    const clients = new TenantClients({
      credentials: { signingKey: privateKey, projectId: "p1" },
      maxTenants: 2,
    });
    expect(clients.tokenTenant).toBeUndefined();
    const a = clients.forTenant("a");
    expect(clients.forTenant("a")).toBe(a);
    clients.forTenant("b");
    clients.forTenant("c");
    expect(clients.forTenant("a")).not.toBe(a);
  });

  it("a ready token serves only its sub; a configured tenant that differs is refused, naming both", async () => {
    const token = await tokenFor("northwind");
    const clients = new TenantClients({ credentials: { token } });
    expect(clients.tokenTenant).toBe("northwind");
    expect(clients.forTenant("northwind")).toBeDefined();
    expect(() => clients.forTenant("contoso")).toThrowError(UnknownTenantError);
    expect(() => clients.forTenant("contoso")).toThrowError(/serves only tenant northwind/);
    expect(() => new TenantClients({ credentials: { token, tenants: ["contoso"] } })).toThrowError(
      /configured tenant contoso is not the Paragon user token's sub northwind/,
    );
    expect(new TenantClients({ credentials: { token, tenants: ["northwind"] } }).tokenTenant).toBe(
      "northwind",
    );
  });

  it("an opaque token needs its tenant named, and serves only one", () => {
    expect(() => new TenantClients({ credentials: { token: "opaque" } })).toThrowError(
      /set CLEARANCE_TENANT/,
    );
    expect(new TenantClients({ credentials: { token: "opaque", tenants: ["acme"] } }).tokenTenant).toBe(
      "acme",
    );
    expect(() => new TenantClients({ credentials: { token: "opaque", tenants: ["a", "b"] } })).toThrowError(
      /serves one tenant, but a, b are configured/,
    );
  });
});
