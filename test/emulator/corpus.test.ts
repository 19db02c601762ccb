import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  CorpusError,
  corpusToState,
  FOLDER_MIME_TYPE,
  loadCorpusDir,
  type ManifestInput,
  parseManifest,
  startEmulator,
} from "../../src/emulator/index.js";
import { ContentStore } from "../../src/emulator/state/index.js";
import { call, pullAll, smallCorpus, smallManifest, syncOf } from "./helpers.js";

function expectCorpusError(fn: () => unknown, message: RegExp | string) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CorpusError);
    expect((error as CorpusError).code).toBe("CORPUS_INVALID");
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error("expected a CorpusError");
}

const withSharing = (sharing: Record<string, unknown>): ManifestInput =>
  ({ ...smallManifest(), sharing }) as ManifestInput;

describe("manifest validation", () => {
  it("accepts the documented example shape and applies defaults", () => {
    const manifest = parseManifest(smallManifest());
    expect(manifest.connectedUsers[0]?.syncs[0]).toMatchObject({
      pipeline: "files",
      configurationName: "default",
    });
    expect(manifest.sharing["drive/Engineering/"]?.grants).toEqual([
      { group: "engineering", role: "writer" },
    ]);
  });

  it("names the field and the file for a bad role", () => {
    expectCorpusError(
      () =>
        parseManifest(
          withSharing({ "drive/HR/": { grants: [{ user: "leo@northwind.test", role: "editor" }] } }),
          "m.yaml",
        ),
      'm.yaml: sharing."drive/HR/".grants[0].role must be owner|writer|reader',
    );
  });

  it("refuses a grant naming no principal or two", () => {
    expectCorpusError(
      () => parseManifest(withSharing({ "drive/HR/": { grants: [{ role: "reader" }] } })),
      /exactly one of user\|group\|domain\|anyone/,
    );
    expectCorpusError(
      () =>
        parseManifest(
          withSharing({
            "drive/HR/": { grants: [{ user: "leo@northwind.test", domain: "x.test", role: "reader" }] },
          }),
        ),
      /got user, domain/,
    );
  });

  it("refuses unknown people and groups in sharing, owners and group members", () => {
    expectCorpusError(
      () =>
        parseManifest(
          withSharing({ "drive/HR/": { grants: [{ user: "ghost@northwind.test", role: "reader" }] } }),
        ),
      'sharing."drive/HR/".grants[0].user "ghost@northwind.test" is not in people',
    );
    expectCorpusError(
      () => parseManifest(withSharing({ "drive/HR/": { grants: [{ group: "ghosts", role: "reader" }] } })),
      'sharing."drive/HR/".grants[0].group "ghosts" is not a group id',
    );
    expectCorpusError(
      () => parseManifest(withSharing({ "drive/HR/": { owner: "ghost@northwind.test" } })),
      /owner "ghost@northwind.test"/,
    );
    const manifest = smallManifest();
    manifest.groups = [{ id: "a", members: ["group:b"] }];
    expectCorpusError(() => parseManifest(manifest), 'groups[0].members[0] "b" is not a group id');
  });

  it("refuses a sharing key outside every sync root, bad integration names and empty connectedUsers", () => {
    expectCorpusError(
      () => parseManifest(withSharing({ "dropbox/x.md": {} })),
      /does not start with a sync root \(drive\/, other\/\)/,
    );
    const manifest = smallManifest();
    manifest.connectedUsers[0]!.syncs![0]!.integration = "Google Drive";
    expectCorpusError(
      () => parseManifest(manifest),
      /connectedUsers\[0\]\.syncs\[0\]\.integration must be lowercase/,
    );
    expectCorpusError(
      () => parseManifest({ ...smallManifest(), connectedUsers: [] }),
      /at least one Connected User/,
    );
  });

  it("refuses unknown fields (typos) with their location", () => {
    expectCorpusError(
      () => parseManifest(withSharing({ "drive/HR/": { grant: [] } })),
      /sharing\."drive\/HR\/"/,
    );
  });

  it("refuses a group cycle when building state", () => {
    const manifest = smallManifest();
    manifest.groups = [
      { id: "a", members: ["group:b"] },
      { id: "b", members: ["group:a"] },
    ];
    manifest.sharing = {};
    expectCorpusError(
      () => corpusToState({ ...smallCorpus(), manifest }, new ContentStore()),
      /groups: group "a" would contain itself \(a → b → a\)/,
    );
  });

  it("refuses sharing for a path that is not in the corpus, and a folder key without its slash", () => {
    expectCorpusError(
      () =>
        corpusToState(
          { ...smallCorpus(), manifest: withSharing({ "drive/Nope.md": {} }) },
          new ContentStore(),
        ),
      'sharing."drive/Nope.md": no such file or folder',
    );
    expectCorpusError(
      () =>
        corpusToState({ ...smallCorpus(), manifest: withSharing({ "drive/HR": {} }) }, new ContentStore()),
      'write "drive/HR/"',
    );
  });
});

describe("corpus folder on disk", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-corpus-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function put(path: string, content: string | Uint8Array) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }

  it("loads files, empty folders and pinned fields; skips dotfiles", async () => {
    const manifest = smallManifest();
    manifest.sharing = {
      "drive/": { grants: [{ domain: "northwind.test", role: "reader" }] },
      "drive/Company/Handbook.md": {
        externalId: "1HandbookPinnedId",
        url: "https://docs.example/handbook",
        updatedAt: "2025-06-01T10:00:00Z",
        grants: [{ anyone: "link", role: "reader" }],
      },
    };
    await put("manifest.yaml", stringify(manifest));
    await put("drive/Company/Handbook.md", "# Handbook\n");
    await put("drive/Company/.DS_Store", "junk");
    await put("drive/Report.pdf", new Uint8Array([0x25, 0x50, 0x44, 0x46]));
    await mkdir(join(dir, "drive/Empty"), { recursive: true });
    await put("other/x.md", "x");

    const emu = await startEmulator({ corpusDir: dir });
    try {
      const token = await emu.tokenFor("northwind");
      const { records } = await pullAll(emu, token, syncOf(emu, "northwind"));
      const byPath = Object.fromEntries(records.map((r) => [r.customFields.fullPath, r]));
      expect(Object.keys(byPath).sort()).toEqual([
        "/Company",
        "/Company/Handbook.md",
        "/Empty",
        "/Report.pdf",
      ]);
      expect(byPath["/Company/Handbook.md"]).toMatchObject({
        externalId: "1HandbookPinnedId",
        url: "https://docs.example/handbook",
        updatedAt: "2025-06-01T10:00:00.000Z",
        mimeType: "text/markdown",
      });
      expect(byPath["/Report.pdf"]).toMatchObject({
        mimeType: "application/pdf",
        size: 4,
        updatedAt: "2026-01-01T00:00:00.000Z",
      });
      expect(byPath["/Empty"]).toMatchObject({ mimeType: FOLDER_MIME_TYPE, hash: null });
      const content = await call(
        emu,
        token,
        `/api/syncs/${syncOf(emu, "northwind")}/records/${byPath["/Report.pdf"].id}/content`,
      );
      expect(content.headers.get("content-type")).toBe("application/pdf");
      const root = emu.state.requireSync(syncOf(emu, "northwind")).tree.root;
      expect(root.grants).toEqual([
        { principal: { type: "domain", domain: "northwind.test" }, role: "reader" },
      ]);
    } finally {
      await emu.close();
    }
  });

  it("reports a missing manifest, bad YAML and a missing sync root clearly", async () => {
    await expect(loadCorpusDir(dir)).rejects.toThrow(/has no manifest\.yaml/);
    await put("manifest.yaml", "people: [unclosed");
    await expect(loadCorpusDir(dir)).rejects.toThrow(/manifest\.yaml: not valid YAML/);
    await put("manifest.yaml", stringify(smallManifest()));
    await expect(loadCorpusDir(dir)).rejects.toThrow(/sync root "drive" is not a folder/);
  });
});
