import { afterAll, describe, expect, it } from "vitest";
import {
  ManagedSyncAccessControl,
  type PermissionsClient,
  PermissionsUnavailableError,
  SyncCatalog,
} from "../../src/access/index.js";
import type { CorpusSpec } from "../../src/emulator/index.js";
import { ManagedSyncHttpError } from "../../src/managed-sync/index.js";
import { createManagedSyncRetriever } from "../../src/retrieval/index.js";
import { ingestFiles, startWorld, type World } from "./helpers/emulator-world.js";

const ANA = "ana@northwind.test";

/** Two file syncs of one tenant; Ana reads everything in both. */
function corpus(): CorpusSpec {
  const files: Record<string, string> = {};
  for (const root of ["drive", "sharepoint"]) {
    for (let i = 0; i < 4; i++) files[`${root}/Budget/doc-${i}.md`] = `${root} budget ${i}`;
  }
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: ANA }],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [
            { integration: "googledrive", root: "drive", owner: ANA },
            { integration: "sharepoint", root: "sharepoint", owner: ANA },
          ],
        },
      ],
    },
    files,
  };
}

/**
 * Issue 11 item 5 (access part): a sync deleted in Managed Sync while its chunks are still in the
 * store (until the next ingest purges them) and while the retriever's sync list is cached. The
 * Permissions API answers 404 for it; that must not turn every query meeting its chunks into a 503.
 */
describe("a sync deleted after the retriever listed the syncs", () => {
  const worlds: World[] = [];
  afterAll(async () => {
    await Promise.all(worlds.map((w) => w.close()));
  });

  for (const strategy of ["post", "pre"] as const) {
    it(`answers from the other syncs and denies the deleted one's chunks (${strategy}-filter)`, async () => {
      const world = await startWorld(corpus(), "northwind");
      worlds.push(world);
      await ingestFiles(world, (file) => [`budget for ${file.path} in ${file.syncId}`]);
      const syncs = await world.client.syncs.list();
      const drive = syncs.find((s) => s.integration === "googledrive")!.id;
      const sharepoint = syncs.find((s) => s.integration === "sharepoint")!.id;
      const retriever = createManagedSyncRetriever({
        client: world.client,
        store: world.store,
        embeddings: world.embeddings,
        tenant: "northwind",
        k: 8,
        strategy,
        decisionCacheTtlMs: 0,
        allowSetTtlMs: 0,
      });
      // The first query lists both syncs (cached for minutes) and sees both syncs' chunks.
      const before = await retriever.retrieveWithReport("budget", { user: ANA });
      expect(new Set(before.documents.map((d) => d.metadata.syncId))).toEqual(new Set([drive, sharepoint]));

      await world.client.syncs.delete(sharepoint);
      const after = await retriever.retrieveWithReport("budget", { user: ANA });
      expect(after.documents.length).toBe(4);
      expect(after.documents.every((d) => d.metadata.syncId === drive)).toBe(true);
      expect(after.report.itemErrors).toBe(0);
    });
  }

  it("still fails closed on a 404 for a sync that is still listed", async () => {
    const world = await startWorld(corpus(), "northwind");
    worlds.push(world);
    const [sync] = await world.client.syncs.list();
    const catalog = new SyncCatalog(world.client.syncs);
    const notFound = async (): Promise<never> => {
      throw new ManagedSyncHttpError("Sync not found", { status: 404 });
    };
    // A FAKE Permissions API that answers 404 for a sync GET /api/syncs still lists.
    const permissions: PermissionsClient = {
      batchCheck: notFound,
      listObjects: notFound,
      streamListObjects: world.client.permissions.streamListObjects.bind(world.client.permissions),
    };
    const access = new ManagedSyncAccessControl({
      permissions,
      syncKind: (id, signal) => catalog.kind(id, signal),
      syncGone: (id, signal) => catalog.confirmGone(id, signal),
    });
    await expect(
      access.batchCheck(ANA, [{ syncId: sync!.id, recordId: "r1" }], "can_read"),
    ).rejects.toBeInstanceOf(PermissionsUnavailableError);
    await expect(access.listObjects(ANA, "can_read", sync!.id)).rejects.toBeInstanceOf(
      PermissionsUnavailableError,
    );
  });
});
