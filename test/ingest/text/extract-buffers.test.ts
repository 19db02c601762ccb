import { afterAll, describe, expect, it } from "vitest";
import { ExtractError, ExtractPool, extractText } from "../../../src/ingest/text/index.js";
import { inflatingPdf } from "../inflating-pdf.js";
import { longPdf } from "../long-pdf.js";
import { fixture, generous } from "./fixture-files.js";

const MB = 1024 * 1024;

async function failure(promise: Promise<unknown>): Promise<ExtractError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExtractError);
  return error as ExtractError;
}

// Review28 D2: pdf.js inflates a PDF's streams into typed arrays, outside the worker's heap limit,
// so a 200 KB PDF could hold gigabytes and take the process down with the file unrecorded.
describe("a parser's buffers are bounded by maxUncompressedBytes, whatever the heap limit", () => {
  const pool = new ExtractPool({ size: 1, maxMemoryMb: 64 });
  afterAll(() => pool.close());
  const pdf = (bytes: Uint8Array, name: string) => ({ bytes, mimeType: "application/pdf", name });

  it("stops a PDF whose content stream inflates to 200 MB at a 64 MB limit as a permanent ZIP_BOMB; the worker reads the next PDF", async () => {
    const bomb = await inflatingPdf(200);
    expect(bomb.byteLength).toBeLessThan(MB);
    const error = await failure(
      extractText(pdf(bomb, "bomb.pdf"), { ...generous, maxUncompressedBytes: 64 * MB }, pool),
    );
    expect(error.code).toBe("ZIP_BOMB");
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/^bomb\.pdf would hold \d+ bytes .* over the 67108864-byte limit/);
    expect(error.message).toContain("raise maxUncompressedBytes");

    const next = await extractText(
      pdf(await fixture("report.pdf"), "report.pdf"),
      { ...generous, maxUncompressedBytes: 64 * MB },
      pool,
    );
    expect(next.pages?.length).toBeGreaterThan(1);
    expect(next.text).toContain("quarterly report");
  });

  it("reads a PDF whose 40 pages inflate to 80 MB in all under a 64 MB limit: the bound is what is held at once", async () => {
    // pdf.js decodes each page's 2 MB stream into a 4 MB buffer grown by doubling (about 300 MB
    // allocated in all) and lets go of it once the page is read.
    const pages = await inflatingPdf(2, 40);
    const read = await extractText(
      pdf(pages, "pages.pdf"),
      { ...generous, maxUncompressedBytes: 64 * MB },
      pool,
    );
    expect(read.pages).toHaveLength(40);
    expect(read.pages?.every((page) => page.text === "Hello bomb")).toBe(true);
  });

  it("still reads ordinary PDFs under the default limit, a long one page by page", async () => {
    const report = await extractText(pdf(await fixture("report.pdf"), "report.pdf"), generous, pool);
    expect(report.text).toContain("quarterly report");
    const long = await extractText(pdf(await longPdf(300), "long.pdf"), generous, pool);
    expect(long.pages).toHaveLength(300);
    expect(long.pages?.[299]?.text).toContain("page 300, line 20");
  });
});
