import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDemoDirectory } from "../../src/demo/index.js";
import { CORPUS_DIR } from "../server/helpers/demo-server.js";

describe("loadDemoDirectory", () => {
  it("lists the example corpus's people, featured ones first, and its demo questions", () => {
    const { people, questions } = loadDemoDirectory(CORPUS_DIR);
    expect(people.slice(0, 3).map((p) => p.email)).toEqual([
      "sam@northwind.test",
      "chloe@northwind.test",
      "hana@northwind.test",
    ]);
    expect(people.find((p) => p.email === "sam@northwind.test")).toMatchObject({ name: "Sam Rivera" });
    expect(people.length).toBeGreaterThanOrEqual(10);
    expect(questions).toContain("How do we deploy to production?");
  });

  it("lists one tenant's people and questions when asked, each person with their tenant", () => {
    const kestrel = loadDemoDirectory(CORPUS_DIR, "kestrel");
    expect(kestrel.people.slice(0, 2).map((p) => p.email)).toEqual([
      "diego@kestrel.test",
      "amara@kestrel.test",
    ]);
    expect(new Set(kestrel.people.map((p) => p.tenant))).toEqual(new Set(["kestrel"]));
    expect(kestrel.questions).toContain("What does Kestrel Health do?");
    expect(kestrel.questions).not.toContain("What does Northwind Labs do?");
    const northwind = loadDemoDirectory(CORPUS_DIR, "northwind");
    expect(northwind.people.map((p) => p.email)).not.toContain("diego@kestrel.test");
    // The contractor works for both companies: listed in each.
    for (const directory of [kestrel, northwind]) {
      expect(directory.people.map((p) => p.email)).toContain("guest@partner.test");
    }
    const everyone = loadDemoDirectory(CORPUS_DIR).people.filter((p) => p.email === "guest@partner.test");
    expect(everyone.map((p) => p.tenant)).toEqual(["northwind", "kestrel"]);
  });

  it("works without questions.yaml, and with a broken one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clearance-people-"));
    try {
      await writeFile(
        join(dir, "manifest.yaml"),
        "domain: acme.test\npeople:\n  - { email: a@acme.test, name: A }\nconnectedUsers:\n  - id: acme\n",
      );
      expect(loadDemoDirectory(dir)).toEqual({
        companies: [{ tenant: "acme" }],
        people: [{ email: "a@acme.test", tenant: "acme", name: "A" }],
        questions: [],
      });
      await writeFile(join(dir, "questions.yaml"), "questions: 12\n");
      expect(loadDemoDirectory(dir).questions).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails with the manifest's own error when the manifest is invalid", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clearance-people-"));
    try {
      await writeFile(join(dir, "manifest.yaml"), "domain: acme.test\nconnectedUsers: []\n");
      expect(() => loadDemoDirectory(dir)).toThrowError(/connectedUsers/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
