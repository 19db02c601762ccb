import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ChatResponseBody } from "../../src/chat/index.js";
import { startServe } from "../../src/cli/commands/serve.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { CONTRACTOR } from "./helpers/companies.js";
import { type ServedTenants, startServedTenants } from "./helpers/served-tenants.js";

// One `clearance serve` for every tenant of the project: signing key, tenants list, bearer JWTs
// whose org_id claim names the tenant, one store holding both companies.
const ISSUER = "https://idp.test";
let world: ServedTenants;
let configFile: string;
const idp = await generateKeyPair("RS256");

beforeAll(async () => {
  world = await startServedTenants("clearance-serve-tenants-", idp.publicKey);
  const { emulator, jwksUrl } = world;
  configFile = join(world.dir, "clearance.yaml");
  await writeFile(
    configFile,
    [
      "tenants: [northwind, contoso]",
      "managedSync:",
      `  baseUrl: ${emulator.url}`,
      `  projectId: ${emulator.projectId}`,
      "store:",
      `  dir: ${world.storeDir}`,
      "retrieval:",
      "  follow: false",
      "auth:",
      `  jwksUrl: ${jwksUrl}`,
      `  issuer: ${ISSUER}`,
      "  audience: clearance",
      "",
    ].join("\n"),
  );
  vi.stubEnv("PARAGON_SIGNING_KEY_FILE", world.keyFile);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await world?.close();
});

const token = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(ISSUER)
    .setAudience("clearance")
    .setExpirationTime("5m")
    .sign(idp.privateKey);

describe("clearance serve for every tenant", () => {
  it("refuses to start with several tenants and no tenant claim", async () => {
    await expect(startServe({ config: configFile, corpus: "", port: 0 })).rejects.toMatchObject({
      code: "SERVE_TENANT_CLAIM_MISSING",
    });
  });

  it("answers each tenant's people from that tenant, by the token's tenant claim", async () => {
    const warmUp = vi.spyOn(LanceChunkStore.prototype, "warmUp");
    let warmUps = 0;
    const running = await startServe({
      config: configFile,
      corpus: "",
      jwtTenantClaim: "org_id",
      host: "127.0.0.1",
      port: 0,
    }).finally(() => {
      warmUps = warmUp.mock.calls.length;
      warmUp.mockRestore();
    });
    // The store's indexes are loaded before the first question, not by it.
    expect(warmUps).toBe(1);
    try {
      expect(running.banner).toContain("Clearance serving 2 tenants");
      const ask = async (claims: Record<string, unknown>) =>
        fetch(`${running.url}/api/chat`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${await token(claims)}` },
          body: JSON.stringify({ question: "What are the salary bands?" }),
        });
      for (const [tenant, name, other] of [
        ["northwind", "Northwind", "Contoso"],
        ["contoso", "Contoso", "Northwind"],
      ] as const) {
        const response = await ask({ email: CONTRACTOR, org_id: tenant });
        expect(response.status).toBe(200);
        const body = (await response.json()) as ChatResponseBody;
        expect(body.tenant).toBe(tenant);
        expect(body.report.tenant).toBe(tenant);
        expect(body.citations.length).toBeGreaterThan(0);
        expect(body.citations.every((c) => c.excerpt.includes(name) && !c.excerpt.includes(other))).toBe(
          true,
        );
      }
      // No tenant claim: 401. A tenant not configured here: 403. Never a default tenant.
      expect((await ask({ email: CONTRACTOR })).status).toBe(401);
      expect((await ask({ email: CONTRACTOR, org_id: "fabrikam" })).status).toBe(403);
      const health = (await (await fetch(`${running.url}/health`)).json()) as { tenants: number };
      expect(health.tenants).toBe(2);
    } finally {
      await running.close();
    }
  });
});
