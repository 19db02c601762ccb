import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ChatResponseBody } from "../../src/chat/index.js";
import { startServe } from "../../src/cli/commands/serve.js";
import { HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { ingestTenants, TenantClients } from "../../src/tenants/index.js";
import { CONTRACTOR, companiesCorpus } from "./helpers/companies.js";

// One `clearance serve` for every tenant of the project: signing key, tenants list, bearer JWTs
// whose org_id claim names the tenant, one store holding both companies.
const ISSUER = "https://idp.test";
let emulator: Emulator;
let dir: string;
let jwks: Server;
let jwksUrl: string;
let configFile: string;
const idp = await generateKeyPair("RS256");

beforeAll(async () => {
  emulator = await startEmulator({ corpus: companiesCorpus(), port: 0 });
  dir = await mkdtemp(join(tmpdir(), "clearance-serve-tenants-"));
  // The store the serve opens, embedded the way serve's default offline embedder does (384 dimensions).
  const store = await LanceChunkStore.open({ dir: join(dir, "store"), dimensions: 384 });
  const clients = new TenantClients({
    baseUrl: emulator.url,
    credentials: { signingKey: emulator.signingKeyPem!, projectId: emulator.projectId },
  });
  const report = await ingestTenants({
    tenants: ["northwind", "contoso"],
    clientFor: (t) => clients.forTenant(t),
    store,
    embeddings: new HashingEmbeddings(),
  });
  await store.close();
  expect(report.ok).toBe(true);
  jwks = createServer((_, res) => {
    void exportJWK(idp.publicKey).then((jwk) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [{ ...jwk, alg: "RS256", kid: "k1" }] }));
    });
  });
  await new Promise<void>((done) => jwks.listen(0, "127.0.0.1", done));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  const keyFile = join(dir, "signing-key.pem");
  await writeFile(keyFile, emulator.signingKeyPem!);
  configFile = join(dir, "clearance.yaml");
  await writeFile(
    configFile,
    [
      "tenants: [northwind, contoso]",
      "managedSync:",
      `  baseUrl: ${emulator.url}`,
      `  projectId: ${emulator.projectId}`,
      "store:",
      `  dir: ${join(dir, "store")}`,
      "retrieval:",
      "  follow: false",
      "auth:",
      `  jwksUrl: ${jwksUrl}`,
      `  issuer: ${ISSUER}`,
      "  audience: clearance",
      "",
    ].join("\n"),
  );
  vi.stubEnv("PARAGON_SIGNING_KEY_FILE", keyFile);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  jwks?.close();
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
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
    const running = await startServe({
      config: configFile,
      corpus: "",
      jwtTenantClaim: "org_id",
      host: "127.0.0.1",
      port: 0,
    });
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
