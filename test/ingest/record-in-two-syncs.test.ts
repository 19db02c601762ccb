import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CorpusSpec } from "../../src/emulator/index.js";
import { DIMENSIONS, type Harness, startHarness, TENANT } from "./harness.js";

/**
 * Issue 11 item 7. Record ids are unique only within a sync: the same Drive file in a shared drive
 * and in My Drive (two syncs of one tenant) has one record id. The emulator derives a record id
 * from integration + provider id, so pinning one `externalId` in two googledrive syncs gives
 * exactly that.
 */
function twoDrives(sharedText: string): CorpusSpec {
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test" }],
      connectedUsers: [
        {
          id: TENANT,
          syncs: [
            { integration: "googledrive", root: "mydrive", owner: "maya@northwind.test" },
            {
              integration: "googledrive",
              configurationName: "shared-drive",
              root: "shared",
              owner: "maya@northwind.test",
            },
          ],
        },
      ],
      sharing: {
        "mydrive/Plan.md": { externalId: "plan-file" },
        "shared/Plan.md": { externalId: "plan-file" },
      },
    },
    files: {
      "mydrive/Plan.md": "# Plan\n\nThe launch moves to March; budget stays at 40k.\n",
      "shared/Plan.md": sharedText,
      "shared/Other.md": "# Other\n\nSomething else entirely.\n",
    },
  };
}

describe("one record id in two syncs of a tenant (issue 11 item 7)", () => {
  let h: Harness;
  let mine: string;
  let shared: string;
  let recordId: string;
  const probe = Array.from({ length: DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0));
  const chunksOf = async (syncId: string) =>
    (
      await h.store.search(probe, { tenant: TENANT, syncIds: [syncId], recordIds: [recordId], limit: 50 })
    ).map((hit) => hit.chunk.text);

  beforeAll(async () => {
    // Different bytes in the two copies: the case where only one survived every full run.
    h = await startHarness({ corpus: twoDrives("# Plan\n\nShared copy: the launch stays in May.\n") });
    const syncs = await h.client.syncs.list();
    mine = syncs.find((s) => s.configurationName !== "shared-drive")!.id;
    shared = syncs.find((s) => s.configurationName === "shared-drive")!.id;
    const nodes = (await h.admin("GET", `/syncs/${mine}/nodes`)) as { data: { path: string; id: string }[] };
    recordId = nodes.data.find((n) => n.path === "Plan.md")!.id;
    const sharedNodes = (await h.admin("GET", `/syncs/${shared}/nodes`)) as {
      data: { path: string; id: string }[];
    };
    // The premise: both syncs report the same record id.
    expect(sharedNodes.data.find((n) => n.path === "Plan.md")!.id).toBe(recordId);
  });
  afterAll(async () => {
    await h.close();
  });

  it("indexes both copies, each under its own sync", async () => {
    const report = await h.run();
    expect(report.ok).toBe(true);
    expect(report.counts.new).toBe(3);
    expect((await chunksOf(mine)).join()).toContain("moves to March");
    expect((await chunksOf(shared)).join()).toContain("stays in May");
    expect((await chunksOf(mine)).join()).not.toContain("stays in May");
  });

  it("re-embeds neither copy on the next full run, and both survive it", async () => {
    const report = await h.run({ mode: "full" });
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ unchanged: 3, new: 0, changed: 0, deleted: 0, embeddedTexts: 0 });
    expect((await chunksOf(mine)).join()).toContain("moves to March");
    expect((await chunksOf(shared)).join()).toContain("stays in May");
  });

  it("removing the file from one sync leaves the other sync's copy", async () => {
    await h.admin("DELETE", `/syncs/${shared}/files`, undefined, { path: "Plan.md" });
    // The emulator reports deletions to a full pull (it keeps no tombstones for the cursor).
    const report = await h.run({ mode: "full" });
    expect(report.ok).toBe(true);
    expect(report.counts.deleted).toBe(1);
    expect(await chunksOf(shared)).toEqual([]);
    expect((await chunksOf(mine)).join()).toContain("moves to March");
    expect((await h.store.getRecordVersions(TENANT, mine, [recordId])).size).toBe(1);
    expect((await h.store.getRecordVersions(TENANT, shared, [recordId])).size).toBe(0);
    // And the next run agrees: nothing more to delete, nothing to re-embed.
    const again = await h.run({ mode: "full" });
    expect(again.counts).toMatchObject({ deleted: 0, embeddedTexts: 0 });
    expect((await chunksOf(mine)).join()).toContain("moves to March");
  });
});
