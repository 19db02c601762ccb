import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, smallCorpus, startHarness } from "./harness.js";
import { ocrPdf } from "./ocr-pdf.js";

// files27, defect 1: a scan with an OCR layer whose one content stream inflates to 50 MB (950,000
// placed words, 10 million characters) was read whole before its length was judged, pdf.js
// building the page's text in the extraction worker's heap: 40 s to be TOO_LONG at the default
// limits (near the 60 s deadline on a busy machine), and OUT_OF_MEMORY at the 512 MB heap for a
// stream of less repetitive words, with no setting to raise. At the defaults such a file is over
// maxChars (2 million) anyway; it is now judged TOO_LONG once maxChars characters are read, in a
// heap in proportion to maxChars. (The buffers a 50 MB stream inflates into, under 100 MB held at
// once, pass the default maxUncompressedBytes: a 50 MB stream of drawing with little text is read.)
describe("a PDF whose single content stream is a 50 MB OCR text layer, in a sync", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      corpus: smallCorpus({ "drive/Scans/Board minutes (scanned).pdf": await ocrPdf(50) }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is unindexable as TOO_LONG naming maxChars, judged in a heap that could not hold its whole text", async () => {
    // maxChars 200,000 keeps the test short; 64 MB of heap held the whole text (before) to under a
    // tenth of the stream: OUT_OF_MEMORY.
    const report = await h.run({ maxChars: 200_000, extractMemoryMb: 64 });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.unindexable.map(({ name, code }) => ({ name, code }))).toEqual([
      { name: "Board minutes (scanned).pdf", code: "TOO_LONG" },
    ]);
    expect(report.unindexable[0]?.reason).toMatch(/more than 200000 characters.*raise maxChars/);
    expect(report.counts).toMatchObject({ new: 7, unindexable: 1 });
  });

  it("once maxChars is raised, a heap too small for it is OUT_OF_MEMORY naming ingest.extractMemoryMb", async () => {
    // A full run reads again the files judged under other limits. (At the default 512 MB heap, 35 MB
    // of such a stream was read and 50 MB of less repetitive words was not; 1024 MB read all 50 MB,
    // in 45 s.)
    const report = await h.run({ maxChars: 20_000_000, extractMemoryMb: 64, mode: "full" });
    expect(report.failures).toEqual([]);
    expect(report.unindexable.map(({ name, code }) => ({ name, code }))).toEqual([
      { name: "Board minutes (scanned).pdf", code: "OUT_OF_MEMORY" },
    ]);
    expect(report.unindexable[0]?.reason).toMatch(/64 MB heap.*raise ingest\.extractMemoryMb/);
  });
});
