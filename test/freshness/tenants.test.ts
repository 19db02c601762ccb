// The permission-changes follower is tenant-aware: one SyncFollower per (tenant, sync) asked about,
// each reading the feed with its own tenant's client, and a change reaches only the caches of the
// tenant whose sync it happened in. Real emulator on loopback, real client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Invalidation } from "../../src/access/index.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { PermissionFollower } from "../../src/freshness/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { smallCorpus } from "../emulator/helpers.js";

const TENANTS = ["northwind", "other-co"] as const;
let emu: Emulator;
const clients = new Map<string, ManagedSyncClient>();

beforeAll(async () => {
  emu = await startEmulator({ corpus: smallCorpus() });
  for (const tenant of TENANTS) {
    clients.set(
      tenant,
      new ManagedSyncClient({
        baseUrl: emu.url,
        auth: { token: await emu.tokenFor(tenant) },
        retry: { retries: 0 },
      }),
    );
  }
});

afterAll(async () => {
  await emu?.close();
});

/** Until every follower has read to the end of its feed with a poll sent after `after`, or is failing. */
async function settled(follower: PermissionFollower, after: number): Promise<void> {
  while (!follower.status().every((s) => s.state === "failing" || (s.caughtUpAt ?? 0) > after))
    await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("the permission-changes follower across tenants", () => {
  it("follows each (tenant, sync) in use with the tenant's own client; a change reaches only that tenant", async () => {
    const seen: { tenant: string; scope: Invalidation }[] = [];
    const readers: string[] = [];
    const follower = new PermissionFollower({
      readerFor: (tenant) => {
        readers.push(tenant);
        return clients.get(tenant)!.permissions;
      },
      invalidate: (tenant, scope) => seen.push({ tenant, scope }),
      intervalMs: 50,
    });
    const northwind = emu.state.syncsOf("northwind")[0]!.id;
    const other = emu.state.syncsOf("other-co")[0]!.id;
    try {
      expect(follower.forTenant("northwind").coverage(northwind)).toMatchObject({ verified: false });
      follower.forTenant("other-co").coverage(other);
      follower.forTenant("northwind").coverage(northwind); // asked again: the same follower
      expect(readers.sort()).toEqual(["northwind", "other-co"]);
      expect(follower.status().map((s) => `${s.tenant}/${s.syncId}`)).toEqual([
        `northwind/${northwind}`,
        `other-co/${other}`,
      ]);
      await settled(follower, Date.now());
      expect(follower.forTenant("northwind").coverage(northwind)).toMatchObject({ verified: true });
      seen.length = 0;

      const response = await fetch(`${emu.url}/__admin/syncs/${other}/share`, {
        method: "POST",
        headers: { authorization: `Bearer ${emu.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ path: "Secret.md", grant: { user: "leo@northwind.test", role: "reader" } }),
      });
      expect(response.ok).toBe(true);
      await settled(follower, Date.now());
      expect(seen.length).toBeGreaterThan(0);
      for (const { tenant, scope } of seen) {
        expect(tenant).toBe("other-co");
        expect(scope.syncId).toBe(other);
      }
      expect(seen.some(({ scope }) => scope.subject === "leo@northwind.test" && scope.recordId)).toBe(true);
    } finally {
      await follower.close();
    }
  });

  it("never vouches for another tenant's sync: its feed refuses the tenant's client", async () => {
    const follower = new PermissionFollower({
      readerFor: (tenant) => clients.get(tenant)!.permissions,
      invalidate: () => {},
      intervalMs: 50,
    });
    const other = emu.state.syncsOf("other-co")[0]!.id;
    try {
      follower.forTenant("northwind").coverage(other);
      await settled(follower, Date.now());
      expect(follower.status()[0]).toMatchObject({ tenant: "northwind", state: "failing" });
      expect(follower.forTenant("northwind").coverage(other)).toMatchObject({ verified: false });
    } finally {
      await follower.close();
    }
  });
});
