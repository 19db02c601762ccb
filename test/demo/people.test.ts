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

  it("works without questions.yaml, and with a broken one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clearance-people-"));
    try {
      await writeFile(
        join(dir, "manifest.yaml"),
        "domain: acme.test\npeople:\n  - { email: a@acme.test, name: A }\nconnectedUsers:\n  - id: acme\n",
      );
      expect(loadDemoDirectory(dir)).toEqual({
        people: [{ email: "a@acme.test", name: "A" }],
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
