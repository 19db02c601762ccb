// Every kind of admin change that revokes read access, over the real emulator, client, LanceDB store
// and permission-changes follower (serve's default "follower" mode, freshnessMs 60 s): once the
// follower has read past the change, the next query no longer returns the revoked files, although
// each was served from a cache the follower vouched for just before. Each case has its own folder
// and person, so the cases do not disturb one another.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CorpusSpec } from "../../src/emulator/index.js";
import { textFor } from "../retrieval/helpers/corpus.js";
import { ingestFiles, startWorld, type World } from "../retrieval/helpers/emulator-world.js";
import { caughtUp, followedRetriever } from "./helpers/followed.js";

const INTERVAL_MS = 200;
const DOMAIN = "northwind.test";
const at = (name: string) => `${name}@${DOMAIN}`;

function corpus(): CorpusSpec {
  const files: Record<string, string> = {};
  const folders = [
    "Nested",
    "Linked",
    "Team/Sub",
    "Team",
    "Moves",
    "Partner",
    "Public",
    "Owned",
    "OwnedF",
    "Gone",
    "Replaced",
    "Root2",
  ];
  for (const folder of folders)
    for (let i = 0; i < 2; i++) files[`drive/${folder}/doc-${i}.md`] = `${folder} ${i}`;
  files["wiki/Nested/doc-0.md"] = "wiki nested";
  const people = ["maya", "pia", "quinn", "rosa", "sam", "uma", "vic", "wes", "xia", "yan", "zed"].map(
    (n) => ({
      email: at(n),
    }),
  );
  return {
    manifest: {
      domain: DOMAIN,
      people: [...people, { email: "tess@partner.test" }],
      groups: [
        { id: "sub", members: [at("pia")] },
        { id: "all", members: ["group:sub"] },
        { id: "inner", members: [at("quinn")] },
        { id: "outer", members: ["group:inner"] },
        { id: "replaced", members: [at("yan")] },
      ],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [
            { integration: "googledrive", root: "drive", owner: at("maya") },
            { integration: "notion", root: "wiki", owner: at("maya") },
          ],
        },
      ],
      sharing: {
        "drive/Nested/": { grants: [{ group: "all", role: "reader" }] },
        "wiki/Nested/": { grants: [{ group: "all", role: "reader" }] },
        "drive/Linked/": { grants: [{ group: "outer", role: "writer" }] },
        "drive/Team/": { grants: [{ user: at("rosa"), role: "reader" }] },
        "drive/Moves/": { grants: [{ user: at("sam"), role: "reader" }] },
        "drive/Partner/": { grants: [{ domain: "partner.test", role: "reader" }] },
        "drive/Public/doc-0.md": { grants: [{ anyone: "public", role: "reader" }] },
        "drive/Owned/doc-0.md": { owner: at("vic") },
        "drive/OwnedF/": { owner: at("wes") },
        "drive/Gone/": { grants: [{ user: at("xia"), role: "reader" }] },
        "drive/Replaced/": { grants: [{ group: "replaced", role: "reader" }] },
        // The sync root's grants reach every file of the sync.
        "drive/": { grants: [{ user: at("zed"), role: "reader" }] },
      },
    },
    files,
  };
}

let world: World;

/** Record ids of the files whose path (in any sync) starts with `prefix`. */
function idsUnder(prefix: string): string[] {
  return [...world.files.values()].filter((f) => f.path.startsWith(prefix)).map((f) => f.id);
}

const followed = (strategy: "post" | "pre") =>
  followedRetriever(world, { strategy, k: 100, intervalMs: INTERVAL_MS });

interface Case {
  name: string;
  user: string;
  /** Files the person reads before the change and not after. */
  revoked: () => string[];
  change: () => Promise<unknown>;
}

const cases: Case[] = [
  {
    name: "a member leaves a group nested in the group granted on a folder (two syncs)",
    user: at("pia"),
    revoked: () => idsUnder("Nested/"),
    change: () => world.admin("DELETE", `/groups/sub/members/${encodeURIComponent(at("pia"))}`),
  },
  {
    name: "a nested group is taken out of the granted group",
    user: at("quinn"),
    revoked: () => idsUnder("Linked/"),
    change: () => world.admin("DELETE", "/groups/outer/members/group%3Ainner"),
  },
  {
    name: "a subfolder is moved out of the folder shared with the person",
    user: at("rosa"),
    revoked: () => idsUnder("Team/Sub/"),
    change: () =>
      world.admin("POST", `/syncs/${syncOf("Team/Sub/")}/move`, { from: "Team/Sub", to: "Archive/Sub" }),
  },
  {
    name: "a file is moved out of the folder shared with the person",
    user: at("sam"),
    revoked: () => idsUnder("Moves/doc-0"),
    change: () =>
      world.admin("POST", `/syncs/${syncOf("Moves/")}/move`, {
        from: "Moves/doc-0.md",
        to: "Archive/doc-0.md",
      }),
  },
  {
    name: "a domain grant on a folder is removed",
    user: "tess@partner.test",
    revoked: () => idsUnder("Partner/"),
    change: () =>
      world.admin("POST", `/syncs/${syncOf("Partner/")}/unshare`, {
        path: "Partner",
        principal: { domain: "partner.test" },
      }),
  },
  {
    name: "a public (user:*) file is made private",
    user: at("uma"),
    revoked: () => idsUnder("Public/doc-0"),
    change: () =>
      world.admin("POST", `/syncs/${syncOf("Public/")}/unshare`, {
        path: "Public/doc-0.md",
        principal: { anyone: "public" },
      }),
  },
  {
    name: "a file's owner is changed",
    user: at("vic"),
    revoked: () => idsUnder("Owned/doc-0"),
    change: () =>
      world.admin("POST", `/syncs/${syncOf("Owned/")}/share`, { path: "Owned/doc-0.md", owner: at("maya") }),
  },
  {
    name: "a folder's owner is changed",
    user: at("wes"),
    revoked: () => idsUnder("OwnedF/"),
    change: () =>
      world.admin("POST", `/syncs/${syncOf("OwnedF/")}/share`, { path: "OwnedF", owner: at("maya") }),
  },
  {
    name: "a folder shared with the person is deleted",
    user: at("xia"),
    revoked: () => idsUnder("Gone/"),
    change: () => world.admin("DELETE", `/syncs/${syncOf("Gone/")}/files?path=Gone`),
  },
  {
    name: "a group's members are replaced",
    user: at("yan"),
    revoked: () => idsUnder("Replaced/"),
    change: () => world.admin("PUT", "/groups/replaced", { members: [at("pia")] }),
  },
  {
    name: "a grant on the sync root is removed",
    user: at("zed"),
    // Every file of the drive that is still there (an earlier case deleted Gone/).
    revoked: () =>
      [...world.files.values()]
        .filter((f) => f.syncId === syncOf("Team/") && !f.path.startsWith("Gone/"))
        .map((f) => f.id),
    change: () =>
      world.admin("POST", `/syncs/${syncOf("Team/")}/unshare`, { path: "", principal: { user: at("zed") } }),
  },
];

function syncOf(prefix: string): string {
  return [...world.files.values()].find((f) => f.path.startsWith(prefix))!.syncId;
}

describe("an admin change that revokes access, read by the follower, reaches every cached allow", () => {
  for (const strategy of ["post", "pre"] as const) {
    describe(strategy, () => {
      // A world of its own: the cases change it.
      beforeAll(async () => {
        world = await startWorld(corpus(), "northwind");
        await ingestFiles(world, (_file, index) => [textFor(index * 2, 10), textFor(index * 2 + 1, 10)]);
      }, 60_000);
      afterAll(async () => {
        await world?.close();
      });
      for (const c of cases) {
        it(c.name, async () => {
          const { retriever, follower } = followed(strategy);
          const revoked = c.revoked();
          expect(revoked.length).toBeGreaterThan(0);
          const ids = async () => {
            const { documents, report } = await retriever.retrieveWithReport("budget roadmap", {
              user: c.user,
            });
            return { ids: new Set(documents.map((d) => d.metadata.recordId)), report };
          };
          try {
            await ids(); // starts following every sync
            await caughtUp(follower);
            await ids(); // decided after the follower started: cached and vouched for
            const warm = await ids();
            expect(warm.report.freshness.unverified).toBeUndefined();
            expect(warm.report.permissionCalls).toBe(0);
            for (const id of revoked) expect(warm.ids).toContain(id);

            await c.change();
            await caughtUp(follower);
            const after = await ids();
            expect(after.report.freshness.unverified).toBeUndefined();
            for (const id of revoked) expect(after.ids).not.toContain(id);
          } finally {
            await follower.close();
          }
        });
      }
    });
  }
});
