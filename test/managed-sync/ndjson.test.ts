import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ndjsonLineBatches, ndjsonLines } from "../../src/managed-sync/index.js";

function streamOf(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.byteLength + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.byteLength]) {
    if (point > start) chunks.push(bytes.subarray(start, point));
    start = Math.max(start, point);
  }
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function lines(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of ndjsonLines(stream)) out.push(line);
  return out;
}

describe("ndjsonLines", () => {
  it("yields the same lines whatever the chunk boundaries, multi-byte characters included", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: "grapheme", minLength: 1 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.boolean(),
        async (values, cuts, crlf) => {
          const objects = values.map((object) => JSON.stringify({ object }));
          const text = objects.join(crlf ? "\r\n" : "\n");
          const parsed = await lines(streamOf(new TextEncoder().encode(text), cuts));
          expect(parsed).toEqual(objects);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("in batches (one per chunk read), yields the same lines", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: "grapheme", minLength: 1 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (values, cuts) => {
          const objects = values.map((object) => JSON.stringify({ object }));
          const stream = streamOf(new TextEncoder().encode(objects.join("\n")), cuts);
          const batches: string[][] = [];
          for await (const batch of ndjsonLineBatches(stream)) batches.push(batch);
          expect(batches.every((batch) => batch.length > 0)).toBe(true);
          expect(batches.flat()).toEqual(objects);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("skips blank lines and keeps a last line without a newline", async () => {
    const bytes = new TextEncoder().encode('\n{"a":1}\n\n  \n{"b":2}');
    expect(await lines(streamOf(bytes, [3, 9]))).toEqual(['{"a":1}', '{"b":2}']);
  });

  it("cancels the source when the consumer stops early", async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('{"object":"x"}\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of ndjsonLines(source)) break;
    expect(cancelled).toBe(true);
  });
});
