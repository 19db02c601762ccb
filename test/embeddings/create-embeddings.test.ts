import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddings, EmbeddingError, HashingEmbeddings } from "../../src/embeddings/index.js";
import { type FakeOpenAI, startFakeOpenAI } from "./fake-openai.js";

describe("createEmbeddings", () => {
  it("falls back to the offline hashing embedder without an API key", async () => {
    const embeddings = createEmbeddings({});
    expect(embeddings.provider).toBe("hashing");
    expect(embeddings.inner).toBeInstanceOf(HashingEmbeddings);
    expect(await embeddings.dimensions()).toBe(384);
    expect(await createEmbeddings({ dimensions: 128 }).dimensions()).toBe(128);
    const vectors = await embeddings.embedDocuments(["a", "b", "c"]);
    expect(vectors).toHaveLength(3);
    expect(embeddings.counters).toMatchObject({ calls: 1, texts: 3 });
  });

  it("refuses dimensions for a model whose size is fixed", () => {
    expect(() =>
      createEmbeddings({ openaiApiKey: "sk-test", model: "text-embedding-ada-002", dimensions: 256 }),
    ).toThrow(EmbeddingError);
  });

  describe("with OpenAI (against a FAKE endpoint on loopback)", () => {
    let fake: FakeOpenAI;
    beforeEach(async () => {
      fake = await startFakeOpenAI();
    });
    afterEach(async () => {
      await fake.close();
    });

    it("uses OpenAI when a key is set, batching requests and keeping text order", async () => {
      const embeddings = createEmbeddings({
        openaiApiKey: "sk-test",
        baseURL: fake.baseURL,
        dimensions: 8,
        batchSize: 2,
        concurrency: 2,
      });
      expect(embeddings.provider).toBe("openai");
      expect(embeddings.model).toBe("text-embedding-3-small");
      const texts = ["a", "bb", "ccc", "dddd", "eeeee"];
      const vectors = await embeddings.embedDocuments(texts);
      expect(vectors.map((v) => v[0])).toEqual([1, 2, 3, 4, 5]);
      expect(vectors[0]).toHaveLength(8);
      expect(fake.requests.map((r) => r.input.length).sort()).toEqual([1, 2, 2]);
      expect(fake.requests.every((r) => r.model === "text-embedding-3-small" && r.dimensions === 8)).toBe(
        true,
      );
      expect(embeddings.counters).toEqual({ calls: 3, texts: 5, retries: 0 });
      expect(await embeddings.dimensions()).toBe(8);
    });

    it("retries rate limits and server errors, then succeeds", async () => {
      fake.failures.push(429, 503);
      const embeddings = createEmbeddings({ openaiApiKey: "sk-test", baseURL: fake.baseURL, retryBaseMs: 1 });
      const vector = await embeddings.embedQuery("hello");
      expect(vector[0]).toBe(5);
      expect(embeddings.counters).toEqual({ calls: 3, texts: 1, retries: 2 });
    });

    it("fails at once, with a typed error and the cause, on a bad key", async () => {
      fake.failures.push(401);
      const embeddings = createEmbeddings({ openaiApiKey: "sk-bad", baseURL: fake.baseURL, retryBaseMs: 1 });
      const error = await embeddings.embedDocuments(["x"]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmbeddingError);
      expect(error).toMatchObject({ code: "EMBEDDING_FAILED" });
      expect((error as Error).cause).toBeDefined();
      expect(fake.requests).toHaveLength(1);
    });

    it("gives up after the configured retries", async () => {
      fake.failures.push(500, 500, 500, 500);
      const embeddings = createEmbeddings({
        openaiApiKey: "sk-test",
        baseURL: fake.baseURL,
        retries: 2,
        retryBaseMs: 1,
      });
      await expect(embeddings.embedQuery("x")).rejects.toMatchObject({ code: "EMBEDDING_FAILED" });
      expect(fake.requests).toHaveLength(3);
    });

    it("probes the size of a model it does not know", async () => {
      const embeddings = createEmbeddings({
        openaiApiKey: "sk-test",
        baseURL: fake.baseURL,
        model: "custom-embedder",
      });
      expect(await embeddings.dimensions()).toBe(8);
      expect(fake.requests).toHaveLength(1);
    });
  });
});
