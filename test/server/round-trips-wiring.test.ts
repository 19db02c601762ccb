import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import * as retrieval from "../../src/retrieval/index.js";
import { RoundTrips } from "../../src/retrieval/index.js";
import { openConfiguredTenants } from "../../src/server/index.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("a configured deployment's retrievers", () => {
  it("measure round trips together: every tenant's retriever gets the deployment's one RoundTrips", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clearance-round-trips-"));
    dirs.push(dir);
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const config = loadConfig({
      env: {
        CLEARANCE_TENANTS: "acme,globex",
        // Never called: building a retriever asks Paragon nothing.
        PARAGON_SYNC_URL: "http://127.0.0.1:9",
        PARAGON_PROJECT_ID: "project-1",
        PARAGON_SIGNING_KEY: privateKey,
        CLEARANCE_STORE_DIR: join(dir, "store"),
      },
    });
    // What each tenant's retriever was built with: the factory is wrapped, not replaced (a spy,
    // not vi.mock: the suite's workers share their modules between files).
    const built: { tenant: string; roundTrips: unknown }[] = [];
    const create = retrieval.createManagedSyncRetriever;
    const spy = vi.spyOn(retrieval, "createManagedSyncRetriever").mockImplementation((options) => {
      built.push({ tenant: options.tenant, roundTrips: options.roundTrips });
      return create(options);
    });
    const deployment = await openConfiguredTenants(config, { follow: false, warmUp: false });
    try {
      deployment.retrievers.forTenant("acme");
      deployment.retrievers.forTenant("globex");
      expect(built.map((b) => b.tenant)).toEqual(["acme", "globex"]);
      expect(built[0]!.roundTrips).toBeInstanceOf(RoundTrips);
      expect(built[1]!.roundTrips).toBe(built[0]!.roundTrips);
    } finally {
      spy.mockRestore();
      await deployment.close();
    }
  });
});
