import { describe, expect, it } from "vitest";
import {
  AuthzEngine,
  listedUserString,
  ResolutionTooComplexError,
  type TupleKey,
} from "../../src/authz/index.js";

const t = (object: string, relation: string, user: string): TupleKey => ({ object, relation, user });

describe("OpenFGA sample store: gdrive (openfga/sample-stores stores/gdrive)", () => {
  const engine = AuthzEngine.fromDsl(
    `model
  schema 1.1
type user
type group
  relations
    define member: [user]
type folder
  relations
    define can_create_file: owner
    define owner: [user]
    define parent: [folder]
    define viewer: [user, user:*, group#member] or owner or viewer from parent
type doc
  relations
    define can_change_owner: owner
    define can_read: viewer or owner or viewer from parent
    define can_share: owner or owner from parent
    define can_write: owner or owner from parent
    define owner: [user]
    define parent: [folder]
    define viewer: [user, user:*, group#member]
`,
    [
      t("group:contoso", "member", "user:anne"),
      t("group:contoso", "member", "user:beth"),
      t("group:fabrikam", "member", "user:charles"),
      t("doc:public-roadmap", "parent", "folder:product-2021"),
      t("doc:2021-roadmap", "parent", "folder:product-2021"),
      t("folder:product-2021", "viewer", "group:fabrikam#member"),
      t("folder:product-2021", "owner", "user:anne"),
      t("doc:2021-roadmap", "viewer", "user:beth"),
      t("doc:public-roadmap", "viewer", "user:*"),
    ],
  );
  const check = (user: string, relation: string, object: string) =>
    engine.check({ user, relation, object }).allowed;
  const users = (object: string, relation: string, filter: { type: string; relation?: string }) =>
    engine
      .listUsers({ object, relation, userFilters: [filter] })
      .users.map(listedUserString)
      .sort();

  it("answers the store's check assertions", () => {
    expect(check("user:anne", "can_write", "doc:2021-roadmap")).toBe(true);
    expect(check("user:beth", "can_change_owner", "doc:2021-roadmap")).toBe(false);
    expect(check("user:charles", "can_read", "doc:2021-roadmap")).toBe(true);
  });

  it("answers the README's extra outcomes", () => {
    expect(check("user:charles", "can_write", "doc:2021-roadmap")).toBe(false);
    expect(check("user:daniel", "can_read", "doc:2021-roadmap")).toBe(false);
    expect(check("user:daniel", "can_read", "doc:public-roadmap")).toBe(true);
    expect(check("user:anne", "can_write", "doc:public-roadmap")).toBe(true);
    expect(check("user:charles", "can_write", "doc:public-roadmap")).toBe(false);
  });

  it("lists anne's readable docs", () => {
    expect(
      engine.listObjects({ user: "user:anne", relation: "can_read", type: "doc" }).objects.sort(),
    ).toEqual(["doc:2021-roadmap", "doc:public-roadmap"]);
  });

  it("lists users the way the store's tests expect (a user filter expands group usersets)", () => {
    expect(users("doc:2021-roadmap", "can_read", { type: "user" })).toEqual([
      "user:anne",
      "user:beth",
      "user:charles",
    ]);
    expect(users("doc:public-roadmap", "viewer", { type: "user" })).toEqual(["user:*"]);
    expect(users("folder:product-2021", "viewer", { type: "group", relation: "member" })).toEqual([
      "group:fabrikam#member",
    ]);
    expect(users("folder:product-2021", "viewer", { type: "user" })).toEqual(["user:anne", "user:charles"]);
  });

  it("expands one level in OpenFGA's UsersetTree shape", () => {
    expect(engine.expand({ object: "doc:2021-roadmap", relation: "can_read" })).toEqual({
      tree: {
        root: {
          name: "doc:2021-roadmap#can_read",
          union: {
            nodes: [
              {
                name: "doc:2021-roadmap#can_read",
                leaf: { computed: { userset: "doc:2021-roadmap#viewer" } },
              },
              {
                name: "doc:2021-roadmap#can_read",
                leaf: { computed: { userset: "doc:2021-roadmap#owner" } },
              },
              {
                name: "doc:2021-roadmap#can_read",
                leaf: {
                  tupleToUserset: {
                    tupleset: "doc:2021-roadmap#parent",
                    computed: [{ userset: "folder:product-2021#viewer" }],
                  },
                },
              },
            ],
          },
        },
      },
    });
    expect(engine.expand({ object: "folder:product-2021", relation: "viewer" }).tree.root).toMatchObject({
      union: { nodes: [{ leaf: { users: { users: ["group:fabrikam#member"] } } }, {}, {}] },
    });
  });
});

describe('openfga.dev "Modeling Google Drive" scenario', () => {
  const engine = AuthzEngine.fromDsl(
    `model
  schema 1.1
type user
type domain
  relations
    define member: [user]
type document
  relations
    define parent: [document]
    define owner: [user, domain#member] or owner from parent
    define writer: [user, domain#member] or owner or writer from parent
    define commenter: [user, domain#member] or writer or commenter from parent
    define viewer: [user, user:*, domain#member] or commenter or viewer from parent
`,
    [
      t("domain:xyz", "member", "user:anne"),
      t("domain:xyz", "member", "user:beth"),
      t("domain:xyz", "member", "user:charles"),
      t("document:2021-budget", "owner", "user:anne"),
      t("document:2021-budget", "commenter", "user:beth"),
      t("document:2021-budget", "viewer", "domain:xyz#member"),
      t("document:2021-planning", "viewer", "user:diane"),
      t("document:2021-budget", "parent", "document:2021-planning"),
      t("document:2021-public-roadmap", "owner", "user:anne"),
      t("document:2021-public-roadmap", "commenter", "domain:xyz#member"),
      t("document:2021-public-roadmap", "viewer", "user:*"),
    ],
  );
  const check = (user: string, relation: string, object: string) =>
    engine.check({ user, relation, object }).allowed;

  it("gives the guide's answers", () => {
    expect(check("user:anne", "owner", "document:2021-budget")).toBe(true);
    expect(check("user:anne", "writer", "document:2021-budget")).toBe(true);
    expect(check("user:charles", "viewer", "document:2021-budget")).toBe(true);
    expect(check("user:diane", "viewer", "document:2021-budget")).toBe(true);
    expect(check("user:beth", "writer", "document:2021-public-roadmap")).toBe(false);
    expect(check("user:beth", "commenter", "document:2021-public-roadmap")).toBe(true);
    expect(check("user:erik", "writer", "document:2021-public-roadmap")).toBe(false);
    expect(check("user:erik", "commenter", "document:2021-public-roadmap")).toBe(false);
    expect(check("user:erik", "viewer", "document:2021-public-roadmap")).toBe(true);
  });
});

describe("cycles evaluate to false, never an error", () => {
  const dsl = `model
  schema 1.1
type user
type document
  relations
    define x: [user, document#y]
    define y: [user, document#x]
    define w: [user]
    define either: x or y
    define both: x and w
    define cycle_but_not_w: x but not w
    define w_but_not_cycle: w but not x
    define restricted: [user, document#viewer]
    define viewer: [user] but not restricted
`;
  const cyclic = [t("document:1", "x", "document:1#y"), t("document:1", "y", "document:1#x")];
  const check = (engine: AuthzEngine, relation: string) =>
    engine.check({ user: "user:jon", relation, object: "document:1" }).allowed;

  it("immediate cycle, cycle or cycle, cycle and true", () => {
    const engine = AuthzEngine.fromDsl(dsl, [...cyclic, t("document:1", "w", "user:jon")]);
    expect(check(engine, "x")).toBe(false);
    expect(check(engine, "either")).toBe(false);
    expect(check(engine, "both")).toBe(false);
  });

  it("cycle but not false is false; false but not cycle is false", () => {
    const engine = AuthzEngine.fromDsl(dsl, cyclic);
    expect(check(engine, "cycle_but_not_w")).toBe(false);
    expect(check(engine, "w_but_not_cycle")).toBe(false);
  });

  it("true but not cycle is true when the cycle grants nothing", () => {
    const engine = AuthzEngine.fromDsl(dsl, [...cyclic, t("document:1", "w", "user:jon")]);
    expect(check(engine, "w_but_not_cycle")).toBe(true);
  });

  it("true_butnot_cycle_return_false: a relation that excludes itself is false", () => {
    const engine = AuthzEngine.fromDsl(dsl, [
      t("document:1", "viewer", "user:jon"),
      t("document:1", "restricted", "document:1#viewer"),
    ]);
    expect(check(engine, "viewer")).toBe(false);
    expect(engine.listObjects({ user: "user:jon", relation: "viewer", type: "document" }).objects).toEqual(
      [],
    );
  });

  it("documented divergence: a cycle inside the subtract does not deny (OpenFGA would)", () => {
    const engine = AuthzEngine.fromDsl(
      `model
  schema 1.1
type user
type doc
  relations
    define parent: [doc]
    define blocked: [user] or blocked from parent
    define viewer: [user] but not blocked
`,
      [t("doc:1", "viewer", "user:jon"), t("doc:1", "parent", "doc:1")],
    );
    // blocked(doc:1) is a cycle that grants nothing, so it is false and jon stays a viewer.
    expect(engine.check({ user: "user:jon", relation: "blocked", object: "doc:1" }).allowed).toBe(false);
    expect(engine.check({ user: "user:jon", relation: "viewer", object: "doc:1" }).allowed).toBe(true);
  });

  it("a group cycle does not hide a real membership", () => {
    const engine = AuthzEngine.fromDsl(
      `model
  schema 1.1
type user
type group
  relations
    define member: [user, group#member]
`,
      [
        t("group:a", "member", "group:b#member"),
        t("group:b", "member", "group:a#member"),
        t("group:b", "member", "group:c#member"),
        t("group:c", "member", "user:anne"),
      ],
    );
    expect(engine.check({ user: "user:anne", relation: "member", object: "group:a" }).allowed).toBe(true);
    expect(engine.check({ user: "user:bob", relation: "member", object: "group:a" }).allowed).toBe(false);
    expect(
      engine.listObjects({ user: "user:anne", relation: "member", type: "group" }).objects.sort(),
    ).toEqual(["group:a", "group:b", "group:c"]);
  });
});

describe("resolution depth", () => {
  const dsl = `model
  schema 1.1
type user
type group
  relations
    define member: [user, group#member]
`;
  const chain = (length: number): TupleKey[] => [
    ...Array.from({ length: length - 1 }, (_, i) => t(`group:${i}`, "member", `group:${i + 1}#member`)),
    t(`group:${length - 1}`, "member", "user:anne"),
  ];

  it("a 27-deep userset chain is resolution_too_complex for check and list-objects", () => {
    const engine = AuthzEngine.fromDsl(dsl, chain(27));
    const error = (() => {
      try {
        engine.check({ user: "user:anne", relation: "member", object: "group:0" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ResolutionTooComplexError);
    expect(error).toMatchObject({ code: "authorization_model_resolution_too_complex", openfgaCode: 2002 });
    expect(() => engine.listObjects({ user: "user:anne", relation: "member", type: "group" })).toThrow(
      ResolutionTooComplexError,
    );
  });

  it("a 20-deep chain resolves", () => {
    const engine = AuthzEngine.fromDsl(dsl, chain(20));
    expect(engine.check({ user: "user:anne", relation: "member", object: "group:0" }).allowed).toBe(true);
    expect(engine.listObjects({ user: "user:anne", relation: "member", type: "group" }).objects).toHaveLength(
      20,
    );
  });
});

describe("exclusion under a wildcard (GHSA-g3pg-frfm-pr2m regression)", () => {
  const engine = AuthzEngine.fromDsl(
    `model
  schema 1.1
type user
type document
  relations
    define blocked: [user]
    define allowed: [user, user:*]
    define viewer: [user, user:*] but not blocked
    define can_view: viewer and allowed
`,
    [
      t("document:1", "viewer", "user:*"),
      t("document:1", "viewer", "user:bob"),
      t("document:1", "viewer", "user:anne"),
      t("document:1", "blocked", "user:bob"),
      t("document:1", "allowed", "user:*"),
    ],
  );

  it("check denies the excluded user and allows others", () => {
    expect(engine.check({ user: "user:bob", relation: "can_view", object: "document:1" }).allowed).toBe(
      false,
    );
    expect(engine.check({ user: "user:anne", relation: "can_view", object: "document:1" }).allowed).toBe(
      true,
    );
    expect(engine.check({ user: "user:zoe", relation: "can_view", object: "document:1" }).allowed).toBe(true);
  });

  it("list-users does not return the excluded user", () => {
    const users = engine
      .listUsers({ object: "document:1", relation: "can_view", userFilters: [{ type: "user" }] })
      .users.map(listedUserString)
      .sort();
    expect(users).toEqual(["user:*", "user:anne"]);
  });

  it("list-objects leaves the document out for the excluded user", () => {
    expect(engine.listObjects({ user: "user:bob", relation: "can_view", type: "document" }).objects).toEqual(
      [],
    );
    expect(engine.listObjects({ user: "user:zoe", relation: "can_view", type: "document" }).objects).toEqual([
      "document:1",
    ]);
  });
});
