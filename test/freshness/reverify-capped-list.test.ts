// A short answer's re-verification whose renewed allow list comes back cut at a cap (the grant it
// was looking for may be what took the list past it): the list cannot filter, so the query is
// post-filtered. Over the real emulator, client, Permissions API access and store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedSyncAccessControl } from "../../src/access/index.js";
import type { CorpusSpec } from "../../src/emulator/index.js";
import { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import { textFor } from "../retrieval/helpers/corpus.js";
import { ingestFiles, startWorld, type World } from "../retrieval/helpers/emulator-world.js";

const LEA = "lea@northwind.test";

function corpus(): CorpusSpec {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`drive/Private/doc-${i}.md`] = `private ${i}`;
  files["drive/Mine/a.md"] = "a";
  files["drive/Mine/b.md"] = "b";
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test" }, { email: LEA }],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [{ integration: "googledrive", root: "drive", owner: "maya@northwind.test" }],
        },
      ],
      sharing: { "drive/Mine/": { grants: [{ user: LEA, role: "reader" as const }] } },
    },
    files,
  };
}

let world: World;

beforeAll(async () => {
  world = await startWorld(corpus(), "northwind");
  await ingestFiles(world, (_file, index) => [textFor(index * 2, 10)]);
});

afterAll(async () => {
  await world?.close();
});

const fileAt = (path: string) => [...world.files.values()].find((f) => f.path === path)!;

describe("a short answer whose renewed list hits a cap", () => {
  it("keeps what the query already found when the post-filter it falls back to stops on a budget", async () => {
    const { syncId } = fileAt("Mine/a.md");
    // Lists past 2 ids are cut and incomplete; a list known to hold more than 1 is streamed.
    const access = new ManagedSyncAccessControl({
      permissions: world.client.permissions,
      maxListSize: 2,
      plainListCap: 1,
    });
    const retriever = new PermissionAwareRetriever({
      store: world.store,
      embeddings: world.embeddings,
      access,
      tenant: "northwind",
      syncIds: [syncId],
      k: 5,
      strategy: "pre",
      reverifyShortAfterMs: 0,
      budget: { maxPermissionCalls: 2 },
    });
    const ask = () => retriever.retrieveWithReport("budget roadmap", { user: LEA });
    const mine = [fileAt("Mine/a.md").id, fileAt("Mine/b.md").id].sort();
    const ids = (result: Awaited<ReturnType<typeof ask>>) =>
      result.documents.map((d) => d.metadata.recordId).sort();
    // Her list (1 call): her two files, all she may read.
    expect(ids(await ask())).toEqual(mine);
    const doc = fileAt("Private/doc-3.md");
    await world.admin("POST", `/syncs/${syncId}/share`, {
      path: doc.path,
      grant: { user: LEA, role: "reader" },
    });
    // Her cached list admits her two files, checked (1 call); short, its list is fetched again
    // (the 2nd call) and now holds 3 ids, past the cap: the post-filter has no call left.
    const short = await ask();
    expect(short.report.permissionCalls).toBe(2);
    expect(short.report.reverified).toMatchObject({ lists: 1 });
    // Never fewer than before the re-verification: her two files were allowed in this query.
    expect(ids(short)).toEqual(mine);
    expect(short.report).toMatchObject({ returned: 2, exhausted: false, budgetHit: "permissionCalls" });
  });
});
