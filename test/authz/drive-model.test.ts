import { describe, expect, it } from "vitest";
import {
  AuthzEngine,
  type DriveGraph,
  DriveGraphError,
  diffTuples,
  driveTuples,
  loadDriveModel,
  parentTuple,
} from "../../src/authz/index.js";

/** The manifest example of docs/corpus-manifest.md, after paths became record ids. */
const northwind: DriveGraph = {
  domain: "northwind.test",
  people: [
    "maya@northwind.test",
    "leo@northwind.test",
    "ana@northwind.test",
    "hana@northwind.test",
    "guest@partner.test",
  ],
  groups: [
    { id: "engineering", members: ["leo@northwind.test", "group:platform"] },
    { id: "platform", members: ["ana@northwind.test"] },
  ],
  nodes: [
    { id: "root", type: "folder", owner: "maya@northwind.test" },
    {
      id: "eng",
      type: "folder",
      parentId: "root",
      owner: "leo@northwind.test",
      grants: [{ group: "engineering", role: "writer" }],
    },
    { id: "eng-design", type: "folder", parentId: "eng" },
    { id: "eng-design-2026", type: "folder", parentId: "eng-design" },
    { id: "arch", type: "file", parentId: "eng-design-2026" },
    {
      id: "company",
      type: "folder",
      parentId: "root",
      grants: [{ domain: "northwind.test", role: "reader" }],
    },
    { id: "handbook", type: "file", parentId: "company" },
    { id: "press-kit", type: "file", parentId: "company", grants: [{ anyone: "link", role: "reader" }] },
    { id: "launch", type: "file", grants: [{ anyone: "public", role: "reader" }] },
    { id: "secret", type: "file", grants: [{ anyone: "link", role: "reader" }] },
    {
      id: "salaries",
      type: "file",
      owner: "maya@northwind.test",
      grants: [{ user: "hana@northwind.test", role: "writer" }],
    },
  ],
};

function engineFor(graph: DriveGraph): AuthzEngine {
  const engine = new AuthzEngine(loadDriveModel());
  engine.write(driveTuples(graph));
  return engine;
}

const user = (email: string) => `user:${email}`;

describe("drive model (src/authz/models/drive.fga) with tuples from driveTuples", () => {
  it("ranks is_owner ⊃ can_write ⊃ can_read", () => {
    const engine = engineFor(northwind);
    const can = (email: string, relation: string, object: string) =>
      engine.check({ user: user(email), relation, object }).allowed;
    expect(can("maya@northwind.test", "is_owner", "file:salaries")).toBe(true);
    expect(can("maya@northwind.test", "can_write", "file:salaries")).toBe(true);
    expect(can("maya@northwind.test", "can_read", "file:salaries")).toBe(true);
    expect(can("hana@northwind.test", "is_owner", "file:salaries")).toBe(false);
    expect(can("hana@northwind.test", "can_write", "file:salaries")).toBe(true);
    expect(can("hana@northwind.test", "can_read", "file:salaries")).toBe(true);
    expect(can("leo@northwind.test", "can_read", "file:salaries")).toBe(false);
  });

  it("nested groups: a member of platform ⊂ engineering reads what engineering may write", () => {
    const engine = engineFor(northwind);
    expect(
      engine.check({ user: user("ana@northwind.test"), relation: "can_write", object: "file:arch" }).allowed,
    ).toBe(true);
    expect(
      engine.check({ user: user("hana@northwind.test"), relation: "can_read", object: "file:arch" }).allowed,
    ).toBe(false);
  });

  it("inherits from a folder three levels up", () => {
    const engine = engineFor(northwind);
    // arch ← eng-design-2026 ← eng-design ← eng (shared with engineering)
    expect(
      engine.check({ user: user("leo@northwind.test"), relation: "can_write", object: "file:arch" }).allowed,
    ).toBe(true);
    expect(
      engine.check({ user: user("leo@northwind.test"), relation: "is_owner", object: "file:arch" }).allowed,
    ).toBe(true);
    expect(
      engine
        .listObjects({ user: user("ana@northwind.test"), relation: "can_read", type: "file" })
        .objects.sort(),
    ).toEqual(["file:arch", "file:handbook", "file:launch", "file:press-kit"]);
  });

  it("shares with the domain: members read, people outside it do not", () => {
    const engine = engineFor(northwind);
    expect(
      engine.check({ user: user("hana@northwind.test"), relation: "can_read", object: "file:handbook" })
        .allowed,
    ).toBe(true);
    expect(
      engine.check({ user: user("guest@partner.test"), relation: "can_read", object: "file:handbook" })
        .allowed,
    ).toBe(false);
  });

  it("keeps 'anyone with the link' apart from 'public'", () => {
    const engine = engineFor(northwind);
    const stranger = user("nobody@elsewhere.test");
    // Public: everyone reads it and it is in everyone's list.
    expect(engine.check({ user: stranger, relation: "can_read", object: "file:launch" }).allowed).toBe(true);
    // Link-only: not readable without the link, so not in anyone's can_read list …
    expect(engine.check({ user: stranger, relation: "can_read", object: "file:secret" }).allowed).toBe(false);
    expect(engine.listObjects({ user: stranger, relation: "can_read", type: "file" }).objects).toEqual([
      "file:launch",
    ]);
    // … but readable by whoever presents the link.
    expect(
      engine.check({ user: stranger, relation: "can_read_with_link", object: "file:secret" }).allowed,
    ).toBe(true);
    expect(
      engine.listObjects({ user: stranger, relation: "can_read_with_link", type: "file" }).objects.sort(),
    ).toEqual(["file:launch", "file:press-kit", "file:secret"]);
    // A domain member still reads the link-shared press kit through the folder's domain grant.
    expect(
      engine.check({ user: user("maya@northwind.test"), relation: "can_read", object: "file:press-kit" })
        .allowed,
    ).toBe(true);
  });

  it("makes a revocation visible to the very next request", () => {
    const engine = engineFor(northwind);
    const hana = user("hana@northwind.test");
    expect(engine.check({ user: hana, relation: "can_read", object: "file:salaries" }).allowed).toBe(true);
    engine.delete([{ object: "file:salaries", relation: "writer", user: hana }]);
    expect(engine.check({ user: hana, relation: "can_read", object: "file:salaries" }).allowed).toBe(false);
    expect(engine.listObjects({ user: hana, relation: "can_read", type: "file" }).objects).not.toContain(
      "file:salaries",
    );
  });

  it("removing a group member and moving a file take effect at once", () => {
    const engine = engineFor(northwind);
    const ana = user("ana@northwind.test");
    engine.delete([{ object: "group:platform", relation: "member", user: ana }]);
    expect(engine.check({ user: ana, relation: "can_read", object: "file:arch" }).allowed).toBe(false);
    engine.write([{ object: "group:platform", relation: "member", user: ana }]);
    expect(engine.check({ user: ana, relation: "can_read", object: "file:arch" }).allowed).toBe(true);

    const leo = user("leo@northwind.test");
    const file = { type: "file" as const, id: "arch" };
    engine.delete([parentTuple(file, "eng-design-2026")]);
    engine.write([parentTuple(file, "company")]);
    expect(engine.check({ user: leo, relation: "can_write", object: "file:arch" }).allowed).toBe(false);
    expect(
      engine.check({ user: user("guest@partner.test"), relation: "can_read", object: "file:arch" }).allowed,
    ).toBe(false);
    expect(
      engine.check({ user: user("hana@northwind.test"), relation: "can_read", object: "file:arch" }).allowed,
    ).toBe(true);
  });

  it("diffTuples turns a changed description into writes and deletes", () => {
    const engine = engineFor(northwind);
    const changed: DriveGraph = {
      ...northwind,
      nodes: northwind.nodes.map((node) =>
        node.id === "secret" ? { ...node, grants: [{ anyone: "public", role: "reader" }] } : node,
      ),
    };
    const { writes, deletes } = diffTuples(engine.tuples(), driveTuples(changed));
    expect(writes).toEqual([{ object: "file:secret", relation: "reader", user: "user:*" }]);
    expect(deletes).toEqual([{ object: "file:secret", relation: "link_reader", user: "user:*" }]);
    engine.delete(deletes);
    engine.write(writes);
    expect(engine.check({ user: "user:x@y.test", relation: "can_read", object: "file:secret" }).allowed).toBe(
      true,
    );
  });

  it("puts people in the domain by their email, case-insensitively", () => {
    const tuples = driveTuples({
      domain: "Northwind.test",
      people: ["Leo@NORTHWIND.test", "pat@partner.test"],
      nodes: [],
    });
    expect(tuples).toEqual([
      { object: "domain:northwind.test", relation: "member", user: "user:leo@northwind.test" },
    ]);
  });

  it("rejects descriptions the model cannot express", () => {
    const base = { people: [], nodes: [] };
    expect(() => driveTuples({ ...base, nodes: [{ id: "f", type: "file", parentId: "missing" }] })).toThrow(
      /not a folder node/,
    );
    expect(() =>
      driveTuples({
        ...base,
        nodes: [{ id: "f", type: "file", grants: [{ group: "ghosts", role: "reader" }] }],
      }),
    ).toThrow(/not defined/);
    expect(() =>
      driveTuples({
        ...base,
        nodes: [{ id: "f", type: "file", grants: [{ anyone: "link", role: "owner" }] }],
      }),
    ).toThrow(DriveGraphError);
    expect(() =>
      driveTuples({
        ...base,
        nodes: [{ id: "f", type: "file", grants: [{ user: "a@b.c", group: "g", role: "reader" }] }],
      }),
    ).toThrow(/exactly one/);
    expect(() => driveTuples({ ...base, groups: [{ id: "g", members: ["group:nope"] }] })).toThrow(
      /not a defined group/,
    );
  });
});
