// The manifest's company form: each Connected User has its own domain, people and groups, and every
// reference (owners, grants, group members) stays inside that company. The single-company form is in
// corpus.test.ts and keeps loading unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CorpusError,
  type Emulator,
  type ManifestInput,
  manifestCompanies,
  manifestPeople,
  parseManifest,
  startEmulator,
} from "../../src/emulator/index.js";
import { call, pullAll, syncOf } from "./helpers.js";

const CONTRACTOR = { email: "pat@partner.test", name: "Pat", title: "Contractor" };

/** Two companies of one project: same group ids would clash, so Kestrel's are email-style. */
function twoCompanies(): ManifestInput {
  return {
    project: { id: "11111111-2222-4333-8444-555555555555" },
    connectedUsers: [
      {
        id: "northwind",
        name: "Northwind Labs",
        domain: "northwind.test",
        people: [{ email: "maya@northwind.test", name: "Maya" }, { email: "leo@northwind.test" }, CONTRACTOR],
        groups: [{ id: "engineering", members: ["leo@northwind.test"] }],
        syncs: [{ integration: "googledrive", root: "northwind", owner: "maya@northwind.test" }],
      },
      {
        id: "kestrel",
        name: "Kestrel Health",
        domain: "kestrel.test",
        people: [
          { email: "ines@kestrel.test", name: "Ines" },
          { ...CONTRACTOR, title: "Pentester" },
        ],
        groups: [{ id: "engineering@kestrel.test", members: ["ines@kestrel.test", "pat@partner.test"] }],
        syncs: [{ integration: "googledrive", root: "kestrel", owner: "ines@kestrel.test" }],
      },
    ],
    sharing: {
      "northwind/Finance/": {
        owner: "maya@northwind.test",
        grants: [{ group: "engineering", role: "reader" }],
      },
      "kestrel/Finance/": { grants: [{ group: "engineering@kestrel.test", role: "reader" }] },
      "kestrel/Company/": { grants: [{ domain: "kestrel.test", role: "reader" }] },
    },
  };
}

function expectCorpusError(fn: () => unknown, message: string | RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CorpusError);
  expect((thrown as Error).message).toMatch(message);
}

describe("manifest: a company per Connected User", () => {
  it("gives each tenant its own domain, people and groups; everyone is listed once", () => {
    const manifest = parseManifest(twoCompanies());
    const [northwind, kestrel] = manifestCompanies(manifest);
    expect(northwind).toMatchObject({
      tenant: "northwind",
      name: "Northwind Labs",
      domain: "northwind.test",
    });
    expect(northwind!.people.map((p) => p.email)).toEqual([
      "maya@northwind.test",
      "leo@northwind.test",
      "pat@partner.test",
    ]);
    expect(kestrel!.people.map((p) => p.email)).toEqual(["ines@kestrel.test", "pat@partner.test"]);
    expect(kestrel!.groups.map((g) => g.id)).toEqual(["engineering@kestrel.test"]);
    // The contractor works for both: one person in the project directory, first listing wins.
    expect(manifestPeople(manifest).map((p) => p.email)).toEqual([
      "maya@northwind.test",
      "leo@northwind.test",
      "pat@partner.test",
      "ines@kestrel.test",
    ]);
    expect(manifestPeople(manifest).find((p) => p.email === "pat@partner.test")?.title).toBe("Contractor");
  });

  it("reads the single-company form as that company shared by every Connected User", () => {
    const manifest = parseManifest({
      domain: "acme.test",
      people: [{ email: "a@acme.test" }],
      groups: [{ id: "all", members: ["a@acme.test"] }],
      connectedUsers: [{ id: "acme" }, { id: "acme-eu" }],
    });
    expect(
      manifestCompanies(manifest).map((c) => [c.tenant, c.domain, c.people.length, c.groups.length]),
    ).toEqual([
      ["acme", "acme.test", 1, 1],
      ["acme-eu", "acme.test", 1, 1],
    ]);
  });

  it("re-parses its own output unchanged", () => {
    const once = parseManifest(twoCompanies());
    expect(parseManifest(once)).toEqual(once);
  });

  it("refuses mixing the two forms, and a company without a domain", () => {
    const mixed = twoCompanies() as ManifestInput & { domain?: string };
    mixed.domain = "northwind.test";
    expectCorpusError(
      () => parseManifest(mixed, "m.yaml"),
      /m\.yaml: connectedUsers\[0\]\.domain cannot be here when the manifest has a top-level domain/,
    );
    const noDomain = twoCompanies();
    delete noDomain.connectedUsers[1]!.domain;
    expectCorpusError(() => parseManifest(noDomain), /connectedUsers\[1\]\.domain is required/);
    const topPeople = { ...twoCompanies(), people: [{ email: "x@y.test" }] };
    expectCorpusError(() => parseManifest(topPeople), /^manifest\.yaml: people needs a top-level domain/);
  });

  it("keeps every reference inside its company", () => {
    const crossGrant = twoCompanies();
    crossGrant.sharing!["kestrel/Finance/"] = { grants: [{ user: "maya@northwind.test", role: "reader" }] };
    expectCorpusError(
      () => parseManifest(crossGrant),
      'sharing."kestrel/Finance/".grants[0].user "maya@northwind.test" is not in connectedUsers[1].people',
    );
    const crossGroup = twoCompanies();
    crossGroup.sharing!["kestrel/Finance/"] = { grants: [{ group: "engineering", role: "reader" }] };
    expectCorpusError(
      () => parseManifest(crossGroup),
      'sharing."kestrel/Finance/".grants[0].group "engineering" is not a group id: add it to connectedUsers[1].groups',
    );
    const crossMember = twoCompanies();
    crossMember.connectedUsers[1]!.groups![0]!.members!.push("leo@northwind.test");
    expectCorpusError(
      () => parseManifest(crossMember),
      'connectedUsers[1].groups[0].members[2] "leo@northwind.test" is not in connectedUsers[1].people',
    );
    const crossOwner = twoCompanies();
    crossOwner.connectedUsers[1]!.syncs![0]!.owner = "maya@northwind.test";
    expectCorpusError(
      () => parseManifest(crossOwner),
      /connectedUsers\[1\]\.syncs\[0\]\.owner "maya@northwind\.test"/,
    );
  });

  it("refuses a group id used by two companies, and a sync root used twice", () => {
    const sameGroup = twoCompanies();
    sameGroup.connectedUsers[1]!.groups![0]!.id = "engineering";
    sameGroup.sharing = {};
    expectCorpusError(
      () => parseManifest(sameGroup),
      'connectedUsers[1].groups[0].id "engineering" is also a group of northwind: group ids are project-wide',
    );
    const sameRoot = twoCompanies();
    sameRoot.connectedUsers[1]!.syncs![0]!.root = "northwind";
    sameRoot.sharing = {};
    expectCorpusError(() => parseManifest(sameRoot), 'sync root "northwind" is used by two syncs');
  });
});

describe("emulator: two companies in one corpus, one project", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      corpus: {
        manifest: twoCompanies(),
        files: {
          "northwind/Finance/Q3 report.md": "Northwind Q3 revenue: $912,400\n",
          "kestrel/Finance/Q3 report.md": "Kestrel Q3 revenue: $1,318,000\n",
          "kestrel/Company/Handbook.md": "Kestrel handbook\n",
        },
      },
    });
  });
  afterAll(() => emu?.close());

  it("serves each tenant its own syncs and files under one project id, with a token per Connected User", async () => {
    expect(emu.state.tenants()).toEqual(["northwind", "kestrel"]);
    const contents: Record<string, string> = {};
    for (const tenant of ["northwind", "kestrel"]) {
      const token = await emu.tokenFor(tenant);
      const syncs = await call(emu, token, "/api/syncs");
      expect(syncs.body.data.map((s: { id: string }) => s.id)).toEqual([syncOf(emu, tenant)]);
      const { records } = await pullAll(emu, token, syncOf(emu, tenant));
      const report = records.find((r) => r.name === "Q3 report.md")!;
      const content = await call(
        emu,
        token,
        `/api/syncs/${syncOf(emu, tenant)}/records/${report.id}/content`,
      );
      contents[tenant] = content.body;
    }
    expect(contents).toEqual({
      northwind: "Northwind Q3 revenue: $912,400\n",
      kestrel: "Kestrel Q3 revenue: $1,318,000\n",
    });
    // A tenant's token cannot reach the other tenant's sync.
    const northwindToken = await emu.tokenFor("northwind");
    expect((await call(emu, northwindToken, `/api/syncs/${syncOf(emu, "kestrel")}/records`)).status).toBe(
      404,
    );
  });

  it("puts every company's people and groups in the project directory", () => {
    expect(emu.state.directory.people.map((p) => p.email).sort()).toEqual(
      ["ines@kestrel.test", "leo@northwind.test", "maya@northwind.test", "pat@partner.test"].sort(),
    );
    expect(emu.state.directory.group("engineering@kestrel.test")?.members).toHaveLength(2);
  });
});
