import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, smallCorpus, snapshot, startHarness } from "./harness.js";

// An exported page with an image inlined as a data: URI, its text on both sides: 17 MB, under
// maxFileBytes (25 MB). html-to-text reads only the first 16 MB unless told otherwise, and says so
// on the console alone: the text after the image was dropped and the page indexed as if whole.
const inlineImage = `<img alt="diagram" src="data:image/png;base64,${"A".repeat(17_000_000)}">`;
const page =
  "<html><body><main><h1>Audit handbook</h1><p>Scope: every production system.</p>" +
  `${inlineImage}<p>Retention policy: audit logs are kept for seven years.</p></main></body></html>`;

describe("an HTML file past html-to-text's 16 MB default", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ corpus: smallCorpus({ "drive/Compliance/Audit handbook.html": page }) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is read to its end, not cut off silently", async () => {
    const report = await h.run();
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ new: 8, failed: 0, unindexable: 0 });
    const { chunks } = await snapshot(h.store, Object.values(h.syncIds));
    const text = chunks
      .filter((chunk) => chunk.name === "Audit handbook.html")
      .map((chunk) => chunk.text)
      .join("\n");
    expect(text).toContain("Scope: every production system.");
    expect(text).toContain("Retention policy: audit logs are kept for seven years.");
  });
});
