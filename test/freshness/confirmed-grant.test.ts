// A grant in `confirmed` mode (freshnessMs 0, no follower: the library default), over the real
// emulator, client and store: a file shared with someone who was just denied it, or whose allow list
// was fetched before, waits for their cached denial or list to expire (docs/concepts.md#freshness),
// unless the retriever is told the record changed: then their next query has it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CorpusSpec } from "../../src/emulator/index.js";
import { createManagedSyncRetriever } from "../../src/retrieval/index.js";
import { textFor } from "../retrieval/helpers/corpus.js";
import { ingestFiles, startWorld, type World } from "../retrieval/helpers/emulator-world.js";

const ANA = "ana@northwind.test";

function corpus(): CorpusSpec {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`drive/Private/doc-${i}.md`] = `private ${i}`;
  files["drive/Mine/a.md"] = "a";
  files["drive/Mine/b.md"] = "b";
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test" }, { email: ANA }],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [{ integration: "googledrive", root: "drive", owner: "maya@northwind.test" }],
        },
      ],
      sharing: { "drive/Mine/": { grants: [{ user: ANA, role: "reader" }] } },
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

describe("a grant in confirmed mode", () => {
  it.each([
    ["auto", "Private/doc-1.md"],
    ["pre", "Private/doc-2.md"],
    ["post", "Private/doc-3.md"],
  ] as const)(
    "reaches the person's next query once the retriever is told the record changed (%s)",
    async (strategy, path) => {
      const retriever = createManagedSyncRetriever({
        client: world.client,
        store: world.store,
        embeddings: world.embeddings,
        tenant: "northwind",
        k: 5,
        strategy,
      });
      const file = [...world.files.values()].find((f) => f.path === path)!;
      const ids = async () =>
        (await retriever.retrieveWithReport("budget roadmap", { user: ANA })).documents.map(
          (d) => d.metadata.recordId,
        );
      // Twice: the second query decides from what the first cached (a denial, or her list).
      await ids();
      expect(await ids()).not.toContain(file.id);
      await world.admin("POST", `/syncs/${file.syncId}/share`, {
        path,
        grant: { user: ANA, role: "reader" },
      });
      retriever.invalidateRecord(file.id, file.syncId);
      expect(await ids()).toContain(file.id);
    },
  );
});
