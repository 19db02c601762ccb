import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChunkOptionsError, chunkText, contentHash, extractText } from "../../../src/ingest/text/index.js";
import { fixture, generous } from "./fixture-files.js";

/** "w0000 w0001 …": every word distinct, so overlaps and order can be checked word by word. */
const numberedWords = (count: number) =>
  Array.from({ length: count }, (_, i) => `w${String(i).padStart(4, "0")}`);

describe("chunkText", () => {
  it("keeps every chunk within chunkSize and carries the overlap into the next chunk", async () => {
    const words = numberedWords(400);
    const chunks = await chunkText({ text: words.join(" ") }, { chunkSize: 100, chunkOverlap: 24 });
    expect(chunks.length).toBeGreaterThan(20);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(100);
    for (const [i, chunk] of chunks.entries()) {
      const next = chunks[i + 1];
      if (!next) continue;
      const overlap = next.text.split(" ").filter((word) => chunk.text.split(" ").includes(word));
      expect(overlap.length).toBeGreaterThan(0);
      expect(overlap.join(" ").length).toBeLessThanOrEqual(24);
    }
  });

  it("without overlap, the chunks partition the words in order", async () => {
    const words = numberedWords(300);
    const chunks = await chunkText({ text: words.join(" ") }, { chunkSize: 64, chunkOverlap: 0 });
    expect(chunks.flatMap((chunk) => chunk.text.split(" "))).toEqual(words);
  });

  it("numbers chunks 0..n-1 and gives the same chunks for the same input", async () => {
    const extracted = { text: numberedWords(500).join(" ") };
    const options = { chunkSize: 120, chunkOverlap: 30 };
    const first = await chunkText(extracted, options);
    expect(first.map((chunk) => chunk.chunkIndex)).toEqual(first.map((_, i) => i));
    expect(await chunkText(extracted, options)).toEqual(first);
  });

  it("splits paged text page by page, keeping the page number and a record-wide index", async () => {
    const extracted = await extractText(
      { bytes: await fixture("report.pdf"), mimeType: "application/pdf", name: "report.pdf" },
      generous,
    );
    const chunks = await chunkText(extracted, { chunkSize: 40, chunkOverlap: 10 });
    expect(new Set(chunks.map((chunk) => chunk.page))).toEqual(new Set([1, 2, 3]));
    expect(chunks.map((chunk) => chunk.chunkIndex)).toEqual(chunks.map((_, i) => i));
    const pages = chunks.map((chunk) => chunk.page ?? 0);
    expect(pages).toEqual([...pages].sort((a, b) => a - b));
    const pageTwo = chunks.filter((chunk) => chunk.page === 2).map((chunk) => chunk.text);
    expect(pageTwo.join(" ")).toContain("churn");
    expect(chunks.filter((chunk) => chunk.page !== 2).some((chunk) => chunk.text.includes("churn"))).toBe(
      false,
    );
  });

  it("leaves page undefined for text without pages and skips blank pages", async () => {
    const plain = await chunkText({ text: "one short text" }, { chunkSize: 100, chunkOverlap: 0 });
    expect(plain).toEqual([{ text: "one short text", chunkIndex: 0 }]);
    const paged = await chunkText(
      {
        text: "a\n\nb",
        pages: [
          { page: 1, text: "a" },
          { page: 2, text: "   " },
          { page: 3, text: "b" },
        ],
      },
      { chunkSize: 100, chunkOverlap: 0 },
    );
    expect(paged).toEqual([
      { text: "a", chunkIndex: 0, page: 1 },
      { text: "b", chunkIndex: 1, page: 3 },
    ]);
  });

  it("refuses an overlap that is not smaller than the chunk size", async () => {
    await expect(chunkText({ text: "x" }, { chunkSize: 100, chunkOverlap: 100 })).rejects.toBeInstanceOf(
      ChunkOptionsError,
    );
    await expect(chunkText({ text: "x" }, { chunkSize: 0, chunkOverlap: 0 })).rejects.toMatchObject({
      code: "CHUNK_OPTIONS_INVALID",
    });
  });

  it("for any text: chunks fit, indexes are contiguous, and every word lands in a chunk", async () => {
    const word = fc.stringMatching(/^[a-z]{1,12}$/);
    const separator = fc.constantFrom(" ", "\n", "\n\n", ". ");
    const text = fc
      .array(fc.tuple(word, separator), { minLength: 1, maxLength: 200 })
      .map((parts) => parts.map(([w, s]) => w + s).join(""));
    const options = fc
      .integer({ min: 20, max: 300 })
      .chain((chunkSize) =>
        fc.record({ chunkSize: fc.constant(chunkSize), chunkOverlap: fc.nat(chunkSize - 1) }),
      );
    await fc.assert(
      fc.asyncProperty(text, options, async (input, opts) => {
        const chunks = await chunkText({ text: input }, opts);
        expect(chunks.map((chunk) => chunk.chunkIndex)).toEqual(chunks.map((_, i) => i));
        for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(opts.chunkSize);
        const words = input.split(/[\s.]+/).filter(Boolean);
        const chunkWords = new Set(chunks.flatMap((chunk) => chunk.text.split(/[\s.]+/)));
        for (const w of words) expect(chunkWords.has(w)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("contentHash", () => {
  it("is the SHA-256 hex of the text, stable, and changes when the text does", () => {
    expect(contentHash("hello")).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(contentHash("Quarterly report")).toBe(contentHash("Quarterly report"));
    expect(contentHash("Quarterly report")).not.toBe(contentHash("Quarterly report."));
    expect(contentHash(new TextEncoder().encode("hello"))).toBe(contentHash("hello"));
  });

  it("is the same for a file whose line endings changed but whose text did not", async () => {
    const extract = (text: string) =>
      extractText({ bytes: new TextEncoder().encode(text), mimeType: "text/plain", name: "a.txt" }, generous);
    const unix = await extract("first line\nsecond line\n");
    const windows = await extract("first line\r\nsecond line\r\n");
    expect(contentHash(windows.text)).toBe(contentHash(unix.text));
  });
});
