import { Embeddings } from "@langchain/core/embeddings";
import { describe, expect, it } from "vitest";
import { BatchedEmbeddings, EmbeddingError } from "../../src/embeddings/index.js";

/** A scripted inner embedder: records batches and in-flight peaks, fails on demand. */
class ScriptedEmbeddings extends Embeddings {
  batches: string[][] = [];
  inFlight = 0;
  peak = 0;
  constructor(private readonly answer: (texts: string[], call: number) => Promise<number[][]>) {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.batches.push(texts);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      return await this.answer(texts, this.batches.length);
    } finally {
      this.inFlight--;
    }
  }
  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0]!;
  }
}

const byLength = async (texts: string[]) => texts.map((t) => [t.length, 0]);

describe("BatchedEmbeddings", () => {
  it("splits into batches, bounds concurrency and keeps order", async () => {
    const inner = new ScriptedEmbeddings(byLength);
    const embeddings = new BatchedEmbeddings(inner, { batchSize: 3, concurrency: 2 });
    const texts = Array.from({ length: 20 }, (_, i) => "x".repeat(i + 1));
    const vectors = await embeddings.embedDocuments(texts);
    expect(vectors.map((v) => v[0])).toEqual(texts.map((t) => t.length));
    expect(inner.batches.map((b) => b.length)).toEqual([3, 3, 3, 3, 3, 3, 2]);
    expect(inner.peak).toBe(2);
    expect(embeddings.counters).toEqual({ calls: 7, texts: 20, retries: 0 });
  });

  it("retries an error without a status (a dropped connection)", async () => {
    const inner = new ScriptedEmbeddings(async (texts, call) => {
      if (call === 1) throw new Error("socket hang up");
      return byLength(texts);
    });
    const embeddings = new BatchedEmbeddings(inner, { retryBaseMs: 1 });
    expect(await embeddings.embedDocuments(["abc"])).toEqual([[3, 0]]);
    expect(embeddings.counters.retries).toBe(1);
  });

  it("rejects an answer with the wrong number of vectors, without retrying", async () => {
    const inner = new ScriptedEmbeddings(async () => [[1, 2]]);
    const embeddings = new BatchedEmbeddings(inner, { retryBaseMs: 1 });
    await expect(embeddings.embedDocuments(["a", "b"])).rejects.toMatchObject({
      code: "EMBEDDING_BAD_RESPONSE",
    });
    expect(inner.batches).toHaveLength(1);
  });

  it("rejects vectors of mixed sizes", async () => {
    const inner = new ScriptedEmbeddings(async (texts) => texts.map((t) => Array(t.length).fill(0.5)));
    const embeddings = new BatchedEmbeddings(inner, { batchSize: 1 });
    await expect(embeddings.embedDocuments(["a", "bb"])).rejects.toBeInstanceOf(EmbeddingError);
  });

  it("stops retrying when its signal aborts", async () => {
    const controller = new AbortController();
    const inner = new ScriptedEmbeddings(async () => {
      controller.abort(new Error("shutting down"));
      throw Object.assign(new Error("rate limited"), { status: 429 });
    });
    const embeddings = new BatchedEmbeddings(inner, { retryBaseMs: 10_000, signal: controller.signal });
    await expect(embeddings.embedQuery("x")).rejects.toThrow("shutting down");
    expect(inner.batches).toHaveLength(1);
  });

  it("refuses a zero batch size", () => {
    expect(() => new BatchedEmbeddings(new ScriptedEmbeddings(byLength), { batchSize: 0 })).toThrow(
      EmbeddingError,
    );
  });
});
