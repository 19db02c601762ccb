import { Embeddings } from "@langchain/core/embeddings";
import pLimit from "p-limit";
import { MissingDependencyError } from "../optional-dependency.js";
import { EmbeddingError } from "./errors.js";
import { backoffMs, isRetryable, sleep } from "./retry.js";

export interface BatchedEmbeddingsOptions {
  /** Texts per request to the inner embedder. Default 64. */
  batchSize?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Further attempts after a retryable failure. Default 4. */
  retries?: number;
  /** Base of the exponential backoff between attempts. Default 500 ms. */
  retryBaseMs?: number;
  /** Aborts waiting and retrying (a request already sent finishes on its own). */
  signal?: AbortSignal;
}

/** What the wrapper has done so far, for ingest reports. */
export interface EmbeddingCounters {
  /** Requests sent to the inner embedder, retries included. */
  calls: number;
  /** Texts embedded successfully. */
  texts: number;
  /** Attempts that failed and were retried. */
  retries: number;
}

/**
 * Wraps any LangChain `Embeddings`: splits documents into batches, runs at most `concurrency`
 * batches at once, retries retryable failures with jittered backoff, checks every answer has one
 * vector per text of one size, and counts calls and texts.
 *
 * @example const embeddings = new BatchedEmbeddings(new OpenAIEmbeddings({ maxRetries: 0 }), { batchSize: 100 });
 */
export class BatchedEmbeddings extends Embeddings {
  readonly counters: EmbeddingCounters = { calls: 0, texts: 0, retries: 0 };
  private readonly batchSize: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly signal: AbortSignal | undefined;

  constructor(
    readonly inner: Embeddings,
    options: BatchedEmbeddingsOptions = {},
  ) {
    super({});
    this.batchSize = positiveInteger(options.batchSize ?? 64, "batchSize");
    this.retries = nonNegativeInteger(options.retries ?? 4, "retries");
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.limit = pLimit(positiveInteger(options.concurrency ?? 4, "concurrency"));
    this.signal = options.signal;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const batches: string[][] = [];
    for (let i = 0; i < documents.length; i += this.batchSize)
      batches.push(documents.slice(i, i + this.batchSize));
    const results = await Promise.all(
      batches.map((batch) =>
        this.limit(() => this.attempt(() => this.inner.embedDocuments(batch), batch.length)),
      ),
    );
    const vectors = results.flat();
    checkSameSize(vectors);
    return vectors;
  }

  async embedQuery(document: string): Promise<number[]> {
    const [vector] = await this.limit(() =>
      this.attempt(async () => [await this.inner.embedQuery(document)], 1),
    );
    return vector!;
  }

  private async attempt(run: () => Promise<number[][]>, expected: number): Promise<number[][]> {
    for (let attempt = 0; ; attempt++) {
      this.signal?.throwIfAborted();
      this.counters.calls++;
      try {
        const vectors = await run();
        if (!Array.isArray(vectors) || vectors.length !== expected) {
          throw new EmbeddingError(
            "EMBEDDING_BAD_RESPONSE",
            `the embedder returned ${Array.isArray(vectors) ? vectors.length : "no"} vectors for ${expected} texts: check the embedding service`,
          );
        }
        this.counters.texts += expected;
        return vectors;
      } catch (cause) {
        if (cause instanceof EmbeddingError || cause instanceof MissingDependencyError) throw cause;
        if (attempt >= this.retries || !isRetryable(cause)) {
          throw new EmbeddingError(
            "EMBEDDING_FAILED",
            `embedding ${expected} text(s) failed after ${attempt + 1} attempt(s): ${(cause as Error)?.message ?? cause}. ` +
              "Check the API key, model name and network, or use the offline embedder",
            { cause },
          );
        }
        this.counters.retries++;
        await sleep(backoffMs(attempt, this.retryBaseMs), this.signal);
      }
    }
  }
}

function checkSameSize(vectors: number[][]): void {
  const size = vectors[0]?.length;
  for (const v of vectors) {
    if (v.length !== size || v.some((x) => !Number.isFinite(x))) {
      throw new EmbeddingError(
        "EMBEDDING_BAD_RESPONSE",
        "the embedder returned vectors of different sizes or with NaN values: check the embedding service",
      );
    }
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new EmbeddingError("EMBEDDING_CONFIG_INVALID", `${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new EmbeddingError(
      "EMBEDDING_CONFIG_INVALID",
      `${name} must be a non-negative integer, got ${value}`,
    );
  return value;
}
