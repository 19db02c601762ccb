import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { admin, call, pullAll, smallCorpus, syncOf } from "./helpers.js";

describe("state folder", () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "clearance-emu-state-"));
  });
  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  it("keeps changes, added bytes, cursors, the dev key and the admin token across a restart", async () => {
    const first = await startEmulator({ corpus: smallCorpus(), stateDir });
    const syncId = syncOf(first, "northwind");
    const token = await first.tokenFor("northwind");
    const before = await pullAll(first, token, syncId);
    const put = await admin(first, `/syncs/${syncId}/files?path=Notes/new.md`, {
      method: "PUT",
      body: "fresh bytes",
    });
    await admin(first, `/syncs/${syncId}/files?path=logo.png`, { method: "DELETE" });
    await admin(first, `/syncs/${syncId}/share`, {
      method: "POST",
      body: JSON.stringify({ path: "HR", grant: { group: "platform", role: "reader" } }),
    });
    await admin(first, "/groups/platform/members", {
      method: "POST",
      body: JSON.stringify({ member: "maya@northwind.test" }),
    });
    await call(first, token, `/api/syncs/${syncId}/disable`, { method: "POST" });
    const adminToken = first.adminToken;
    await first.close();
    expect(existsSync(join(stateDir, "state.json"))).toBe(true);
    expect(existsSync(join(stateDir, "signing-key.pem"))).toBe(true);

    // the corpus passed now is ignored: the state folder wins
    const second = await startEmulator({ corpus: smallCorpus({ "drive/ignored.md": "x" }), stateDir });
    try {
      expect(second.adminToken).toBe(adminToken);
      // a token minted before the restart still verifies (same dev key)
      const after = await pullAll(second, token, syncId, { cursor: before.cursor });
      expect(after.records.map((r) => r.customFields.fullPath)).toEqual(["/Notes", "/Notes/new.md"]);
      const content = await call(second, token, `/api/syncs/${syncId}/records/${put.body.data.id}/content`);
      expect(content.body).toBe("fresh bytes");
      const all = await pullAll(second, token, syncId);
      expect(all.records.map((r) => r.customFields.fullPath)).not.toContain("/logo.png");
      expect(all.records.map((r) => r.customFields.fullPath)).not.toContain("/ignored.md");
      expect(second.state.nodeAt(syncId, "HR").grants).toEqual([
        { principal: { type: "group", id: "platform" }, role: "reader" },
      ]);
      expect(second.state.directory.group("platform")?.members).toContainEqual({
        type: "user",
        email: "maya@northwind.test",
      });
      expect((await call(second, token, `/api/syncs/${syncId}`)).body.status).toBe("DISABLED");
      // new records continue after the old seqs
      const again = await admin(second, `/syncs/${syncId}/files?path=Notes/second.md`, {
        method: "PUT",
        body: "2",
      });
      expect(again.body.data.seq).toBeGreaterThan(put.body.data.seq);
      const corpusFile = await call(second, token, `/api/syncs/${syncId}/records/${before.records[0].id}`);
      expect(corpusFile.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it("refuses a corrupt state file with a message saying what to do", async () => {
    await writeFile(join(stateDir, "state.json"), "{not json");
    await expect(startEmulator({ corpus: smallCorpus(), stateDir })).rejects.toThrow(
      /delete the state folder/,
    );
    await writeFile(join(stateDir, "state.json"), JSON.stringify({ version: 2 }));
    await expect(startEmulator({ corpus: smallCorpus(), stateDir })).rejects.toThrow(
      /delete the state folder/,
    );
  });
});
