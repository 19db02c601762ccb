import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkText } from "../../src/ingest/text/index.js";
import { decodeRecordId, encodeRecordId } from "../../src/mcp/index.js";
import { joinChunks } from "../../src/mcp/record-text.js";

const words = ["policy", "the", "leave", "weeks", "paid", "and", "of", "parent", "12,", "16.", "budget", "a"];
const paragraph = fc
  .array(fc.constantFrom(...words), { minLength: 5, maxLength: 80 })
  .map((w) => `${w.join(" ")}.`);

describe("joinChunks", () => {
  it("gives back the text ingest chunked, its overlaps cut (whitespace between chunks aside)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(paragraph, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 80, max: 400 }),
        async (paragraphs, chunkSize) => {
          const text = paragraphs.join("\n\n");
          const chunks = await chunkText({ text }, { chunkSize, chunkOverlap: Math.floor(chunkSize / 4) });
          const flat = (s: string) => s.replace(/\s+/g, " ").trim();
          const joined = flat(joinChunks(chunks));
          // Never loses a word; only an overlap shorter than 20 characters may stay doubled.
          expect(joined.length).toBeGreaterThanOrEqual(flat(text).length);
          expect(joined.length).toBeLessThanOrEqual(flat(text).length + chunks.length * 20);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("joins exactly when overlaps are long", async () => {
    const text = Array.from(
      { length: 60 },
      (_, i) => `Sentence number ${i} of the handbook says something.`,
    ).join(" ");
    const chunks = await chunkText({ text }, { chunkSize: 300, chunkOverlap: 100 });
    expect(chunks.length).toBeGreaterThan(5);
    expect(joinChunks(chunks)).toBe(text);
  });

  it("separates pages with a blank line and never cuts across them", () => {
    const same = "a sentence long enough to look like an overlap";
    expect(
      joinChunks([
        { text: same, page: 1 },
        { text: same, page: 2 },
      ]),
    ).toBe(`${same}\n\n${same}`);
  });
});

describe("record ids", () => {
  it("round-trip any sync and record id, and accept nothing else", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (syncId, recordId) => {
        const ref = { syncId, recordId };
        const id = encodeRecordId(ref);
        expect(decodeRecordId(id)).toEqual(ref);
        expect(id).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      }),
    );
    for (const bad of ["", "abc", "a.b.c", "YQ==.Yg", "YQ.", ".Yg", "YQ.Yg=", "Y Q.Yg"]) {
      expect(decodeRecordId(bad), bad).toBeUndefined();
    }
  });
});
