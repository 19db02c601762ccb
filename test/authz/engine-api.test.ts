import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformer } from "@openfga/syntax-transformer";
import { describe, expect, it } from "vitest";
import {
  AuthzEngine,
  AuthzError,
  InvalidModelError,
  loadModelFile,
  parseModel,
  type TupleKey,
  TupleStore,
} from "../../src/authz/index.js";

const dsl = `model
  schema 1.1
type user
type group
  relations
    define member: [user, group#member]
type doc
  relations
    define owner: [user]
    define viewer: [user, group#member] or owner
`;
const t = (object: string, relation: string, user: string): TupleKey => ({ object, relation, user });

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthzError) return error.code;
    throw error;
  }
  return undefined;
}

describe("request validation answers with OpenFGA's error codes", () => {
  const engine = AuthzEngine.fromDsl(dsl, [t("doc:1", "viewer", "user:anne")]);

  it("check: malformed or unknown user, object, relation → validation_error", () => {
    expect(codeOf(() => engine.check({ user: "anne", relation: "viewer", object: "doc:1" }))).toBe(
      "validation_error",
    );
    expect(codeOf(() => engine.check({ user: "robot:1", relation: "viewer", object: "doc:1" }))).toBe(
      "validation_error",
    );
    expect(codeOf(() => engine.check({ user: "group:eng#boss", relation: "viewer", object: "doc:1" }))).toBe(
      "validation_error",
    );
    expect(codeOf(() => engine.check({ user: "user:anne", relation: "editor", object: "doc:1" }))).toBe(
      "validation_error",
    );
    expect(codeOf(() => engine.check({ user: "user:anne", relation: "viewer", object: "folder:1" }))).toBe(
      "validation_error",
    );
    expect(codeOf(() => engine.check({ user: "user:anne", relation: "viewer", object: "doc:*" }))).toBe(
      "validation_error",
    );
  });

  it("list-objects: unknown type → type_not_found, unknown relation → relation_not_found, unknown user type → validation_error", () => {
    expect(codeOf(() => engine.listObjects({ user: "user:anne", relation: "viewer", type: "folder" }))).toBe(
      "type_not_found",
    );
    expect(codeOf(() => engine.listObjects({ user: "user:anne", relation: "editor", type: "doc" }))).toBe(
      "relation_not_found",
    );
    expect(codeOf(() => engine.listObjects({ user: "robot:1", relation: "viewer", type: "doc" }))).toBe(
      "validation_error",
    );
  });

  it("list-users: unknown object or filter type → type_not_found, unknown relation → relation_not_found, one filter", () => {
    const list = (object: string, relation: string, filters: { type: string; relation?: string }[]) => () =>
      engine.listUsers({ object, relation, userFilters: filters });
    expect(codeOf(list("folder:1", "viewer", [{ type: "user" }]))).toBe("type_not_found");
    expect(codeOf(list("doc:1", "viewer", [{ type: "robot" }]))).toBe("type_not_found");
    expect(codeOf(list("doc:1", "editor", [{ type: "user" }]))).toBe("relation_not_found");
    expect(codeOf(list("doc:1", "viewer", [{ type: "group", relation: "boss" }]))).toBe("relation_not_found");
    expect(codeOf(list("doc:1", "viewer", []))).toBe("validation_error");
    expect(codeOf(list("doc:1", "viewer", [{ type: "user" }, { type: "group" }]))).toBe("validation_error");
  });

  it("expand: unknown relation → relation_not_found", () => {
    expect(codeOf(() => engine.expand({ object: "doc:1", relation: "editor" }))).toBe("relation_not_found");
  });

  it("write: a tuple the type restrictions reject → invalid_tuple, and nothing of the batch is written", () => {
    const fresh = AuthzEngine.fromDsl(dsl);
    const error = (() => {
      try {
        fresh.write([t("doc:1", "viewer", "user:anne"), t("doc:1", "owner", "group:eng#member")]);
      } catch (caught) {
        return caught as AuthzError;
      }
    })();
    expect(error).toMatchObject({ code: "invalid_tuple", openfgaCode: 2027 });
    expect(error?.message).toContain("accepts user");
    expect(fresh.store.size).toBe(0);
    expect(codeOf(() => fresh.write([t("doc:1", "viewer", "user:*")]))).toBe("invalid_tuple");
    expect(codeOf(() => fresh.write([t("doc:1", "editor", "user:anne")]))).toBe("invalid_tuple");
  });

  it("batch-check: a bad item gets its own error, the others are answered; ids are validated", () => {
    const results = engine.batchCheck([
      { correlationId: "ok", user: "user:anne", relation: "viewer", object: "doc:1" },
      { correlationId: "no", user: "user:bob", relation: "viewer", object: "doc:1" },
      { correlationId: "bad", user: "user:anne", relation: "editor", object: "doc:1" },
    ]);
    expect(results.get("ok")).toEqual({ allowed: true });
    expect(results.get("no")).toEqual({ allowed: false });
    expect(results.get("bad")).toMatchObject({ error: { code: "validation_error" } });
    const item = { user: "user:anne", relation: "viewer", object: "doc:1" };
    expect(codeOf(() => engine.batchCheck([{ ...item, correlationId: "a b" }]))).toBe("validation_error");
    expect(
      codeOf(() =>
        engine.batchCheck([
          { ...item, correlationId: "x" },
          { ...item, correlationId: "x" },
        ]),
      ),
    ).toBe("validation_error");
  });
});

describe("models", () => {
  it("rejects conditions at load time, naming the relation", () => {
    const withCondition = `model
  schema 1.1
type user
type doc
  relations
    define viewer: [user with in_office_hours]
condition in_office_hours(hour: int) {
  hour >= 9 && hour <= 17
}
`;
    expect(() => parseModel(withCondition)).toThrow(InvalidModelError);
    expect(() => parseModel(withCondition)).toThrow(/condition/);
  });

  it("reports DSL errors with OpenFGA's message", () => {
    expect(() =>
      parseModel("model\n  schema 1.1\ntype doc\n  relations\n    define viewer: editor\n"),
    ).toThrow(/the relation `editor` does not exist/);
    expect(() => parseModel("model\n  schema 1.0\ntype doc\n")).toThrow(InvalidModelError);
  });

  it("loads a corpus's own model from a .fga or .json file", () => {
    const dir = mkdtempSync(join(tmpdir(), "authz-model-"));
    try {
      writeFileSync(join(dir, "model.fga"), dsl);
      writeFileSync(join(dir, "model.json"), JSON.stringify(transformer.transformDSLToJSONObject(dsl)));
      writeFileSync(join(dir, "broken.json"), "{");
      expect([...loadModelFile(join(dir, "model.fga")).types.keys()]).toEqual(["user", "group", "doc"]);
      expect(
        loadModelFile(join(dir, "model.json")).relation("doc", "viewer")?.direct.usersets.has("group#member"),
      ).toBe(true);
      expect(() => loadModelFile(join(dir, "broken.json"))).toThrow(/not valid JSON/);
      expect(() => loadModelFile(join(dir, "missing.fga"))).toThrow(/cannot read/);
      expect(() => loadModelFile(join(dir, "model.json")).requireType("folder")).toThrow(/type 'folder'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ignores stored tuples the current model rejects (model evolution)", () => {
    const store = TupleStore.from([t("doc:1", "viewer", "user:*"), t("doc:1", "viewer", "user:anne")]);
    const engine = new AuthzEngine(parseModel(dsl), store);
    expect(engine.check({ user: "user:bob", relation: "viewer", object: "doc:1" }).allowed).toBe(false);
    expect(engine.listObjects({ user: "user:bob", relation: "viewer", type: "doc" }).objects).toEqual([]);
    expect(engine.expand({ object: "doc:1", relation: "viewer" }).tree.root).toMatchObject({
      union: { nodes: [{ leaf: { users: { users: ["user:anne"] } } }, {}] },
    });
    engine.setModel(
      parseModel(
        dsl.replace("define viewer: [user, group#member]", "define viewer: [user, user:*, group#member]"),
      ),
    );
    expect(engine.check({ user: "user:bob", relation: "viewer", object: "doc:1" }).allowed).toBe(true);
  });
});

describe("list-objects limits and streaming", () => {
  const engine = AuthzEngine.fromDsl(
    dsl,
    Array.from({ length: 1500 }, (_, i) => t(`doc:${i}`, "viewer", "group:eng#member")).concat([
      t("group:eng", "member", "user:anne"),
    ]),
  );

  it("reports truncation instead of hiding it", () => {
    const limited = engine.listObjects({ user: "user:anne", relation: "viewer", type: "doc", limit: 1000 });
    expect(limited.objects).toHaveLength(1000);
    expect(limited.truncated).toBe(true);
    const all = engine.listObjects({ user: "user:anne", relation: "viewer", type: "doc" });
    expect(all).toMatchObject({ truncated: false });
    expect(new Set(all.objects).size).toBe(1500);
  });

  it("streams every object once, and stops when the signal aborts", async () => {
    const streamed: string[] = [];
    for await (const object of engine.streamObjects({ user: "user:anne", relation: "viewer", type: "doc" })) {
      streamed.push(object);
    }
    expect(new Set(streamed).size).toBe(1500);

    const controller = new AbortController();
    const partial: string[] = [];
    await expect(
      (async () => {
        for await (const object of engine.streamObjects(
          { user: "user:anne", relation: "viewer", type: "doc" },
          { signal: controller.signal },
        )) {
          partial.push(object);
          if (partial.length === 10) controller.abort(new Error("client went away"));
        }
      })(),
    ).rejects.toThrow("client went away");
    expect(partial).toHaveLength(10);
  });

  it("a userset user lists the objects its usersets are granted", () => {
    expect(
      engine.listObjects({ user: "group:eng#member", relation: "viewer", type: "doc", limit: 3 }).objects,
    ).toHaveLength(3);
    expect(engine.check({ user: "group:eng#member", relation: "member", object: "group:eng" }).allowed).toBe(
      true,
    );
  });
});
