import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK } from "jose";
import { expect } from "vitest";
import { HashingEmbeddings } from "../../../src/embeddings/index.js";
import { type Emulator, startEmulator } from "../../../src/emulator/index.js";
import { LanceChunkStore } from "../../../src/store/index.js";
import { ingestTenants, TenantClients } from "../../../src/tenants/index.js";
import { companiesCorpus } from "./companies.js";

/** What a configured multi-tenant `clearance serve` test stands on. */
export interface ServedTenants {
  emulator: Emulator;
  /** The temp folder holding the store (`<dir>/store`) and the signing key file. */
  dir: string;
  storeDir: string;
  /** The emulator's signing key, written to a file (for PARAGON_SIGNING_KEY_FILE). */
  keyFile: string;
  /** Serves `publicKey` as a JWKS (kid k1, RS256). */
  jwksUrl: string;
  close(): Promise<void>;
}

/**
 * The emulator over the test companies, northwind and contoso ingested into one LanceDB store the
 * way serve's offline embedder reads it (384 dimensions), and a JWKS server for `publicKey`.
 */
export async function startServedTenants(
  prefix: string,
  publicKey: Parameters<typeof exportJWK>[0],
): Promise<ServedTenants> {
  const emulator = await startEmulator({ corpus: companiesCorpus(), port: 0 });
  const dir = await mkdtemp(join(tmpdir(), prefix));
  let jwks: Server | undefined;
  const close = async () => {
    jwks?.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const storeDir = join(dir, "store");
    const store = await LanceChunkStore.open({ dir: storeDir, dimensions: 384 });
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
    const jwk = await exportJWK(publicKey);
    const server = createServer((_, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [{ ...jwk, alg: "RS256", kid: "k1" }] }));
    });
    jwks = server;
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const keyFile = join(dir, "signing-key.pem");
    await writeFile(keyFile, emulator.signingKeyPem!);
    return {
      emulator,
      dir,
      storeDir,
      keyFile,
      jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
