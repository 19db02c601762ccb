import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, type Harness, smallCorpus, startHarness, TENANT } from "./harness.js";

/**
 * Issue 11 item 4: when a record's version changes and the new version cannot be indexed (now
 * empty, now too large, now unreadable), its old chunks must not stay searchable: the owner
 * redacted the file, readers must stop retrieving the redacted text.
 */
describe("a changed record whose new version cannot be indexed loses its old chunks", () => {
  let h: Harness;
  const secret = "The acquisition price is 41 million; keep it between us.";
  const files = ["Redacted.md", "Grown.md", "Broken.pdf", "Flaky.md"];
  let ids: Record<string, string>;
  const drive = () => h.syncIds.googledrive;
  const chunksOf = (name: string) => h.store.count({ tenant: TENANT, recordIds: [ids[name]!] });
  const put = (path: string, body: Uint8Array | string) =>
    h.admin("PUT", `/syncs/${drive()}/files`, body, { path });

  beforeAll(async () => {
    h = await startHarness({
      corpus: smallCorpus({
        "drive/Deals/Redacted.md": `# Deal\n\n${secret}\n`,
        "drive/Deals/Grown.md": `# Notes\n\n${secret}\n`,
        "drive/Deals/Broken.pdf": fixture("report.pdf"),
        "drive/Deals/Flaky.md": `# Flaky\n\n${secret}\n`,
      }),
    });
    const nodes = (await h.admin("GET", `/syncs/${drive()}/nodes`)) as {
      data: { name: string; id: string }[];
    };
    ids = Object.fromEntries(nodes.data.map((n) => [n.name, n.id]));
    const first = await h.run({ maxFileBytes: 10_000 });
    expect(first.ok).toBe(true);
    for (const name of files) expect(await chunksOf(name)).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await h.close();
  });

  it("now empty, now over maxFileBytes, now unreadable: old chunks removed, the reason recorded", async () => {
    await put("Deals/Redacted.md", "   \n");
    await put("Deals/Grown.md", `# Notes\n\n${"x".repeat(20_000)}\n`);
    await put("Deals/Broken.pdf", fixture("corrupted.pdf"));
    const report = await h.run({ maxFileBytes: 10_000 });

    expect(Object.fromEntries(report.unindexable.map((u) => [u.name, u.code]))).toEqual({
      "Redacted.md": "EMPTY",
      "Grown.md": "TOO_LARGE",
      "Broken.pdf": "MALFORMED",
    });
    for (const name of ["Redacted.md", "Grown.md", "Broken.pdf"]) expect(await chunksOf(name)).toBe(0);
    const hits = await h.store.search(await h.embeddings.embedQuery(secret), { tenant: TENANT, limit: 50 });
    expect(
      hits.filter((x) => x.chunk.text.includes("acquisition price")).map((x) => x.chunk.metadata.name),
    ).toEqual(["Flaky.md"]);
    const versions = await h.store.getRecordVersions(TENANT, drive(), [ids["Redacted.md"]!]);
    expect(versions.get(ids["Redacted.md"]!)).toMatchObject({
      chunkCount: 0,
      unindexable: { code: "EMPTY" },
    });
  });

  it("a changed file whose download keeps failing loses its old chunks too, and comes back once it can be read", async () => {
    await put("Deals/Flaky.md", `# Flaky\n\nRewritten without the figure.\n`);
    await h.admin("PUT", "/faults", { rate503: 1, pathPattern: "/content$" });
    const failing = await h.run({ maxFileBytes: 10_000 });
    expect(failing.ok).toBe(false);
    expect(failing.failures.map((f) => f.name)).toEqual(["Flaky.md"]);
    expect(await chunksOf("Flaky.md")).toBe(0);

    await h.admin("DELETE", "/faults");
    const recovered = await h.run({ maxFileBytes: 10_000 });
    expect(recovered.ok).toBe(true);
    const hits = await h.store.search(await h.embeddings.embedQuery("Rewritten"), {
      tenant: TENANT,
      limit: 5,
      recordIds: [ids["Flaky.md"]!],
    });
    expect(hits.map((x) => x.chunk.text).join()).toContain("Rewritten without the figure");
  });
});
