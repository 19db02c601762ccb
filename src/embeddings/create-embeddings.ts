import { BatchedEmbeddings } from "./batched-embeddings.js";
import { EmbeddingError } from "./errors.js";
import { HashingEmbeddings } from "./hashing-embeddings.js";
import { LazyOpenAIEmbeddings } from "./lazy-openai-embeddings.js";

export interface CreateEmbeddingsOptions {
  /** With a key, OpenAI; without one, the offline hashing embedder. */
  openaiApiKey?: string;
  /** OpenAI model. Default `text-embedding-3-small`. */
  model?: string;
  /** Vector size: OpenAI `dimensions` (text-embedding-3-*), or the hashing embedder's size (default 384). */
  dimensions?: number;
  batchSize?: number;
  concurrency?: number;
  retries?: number;
  retryBaseMs?: number;
  /** OpenAI-compatible endpoint (a proxy, Azure-style gateway, or a test fake). */
  baseURL?: string;
  signal?: AbortSignal;
}

/** The embedder Clearance uses, with what it is and the size of its vectors. */
export class ClearanceEmbeddings extends BatchedEmbeddings {
  constructor(
    inner: ConstructorParameters<typeof BatchedEmbeddings>[0],
    options: ConstructorParameters<typeof BatchedEmbeddings>[1],
    readonly provider: "openai" | "hashing",
    readonly model: string,
    private knownDimensions: number | undefined,
  ) {
    super(inner, options);
  }

  /** The vector size, from the model's published size or, for an unknown model, one probe call. */
  async dimensions(): Promise<number> {
    this.knownDimensions ??= (await this.embedQuery("dimension probe")).length;
    return this.knownDimensions;
  }
}

// Published default sizes, so opening a store needs no API call.
const OPENAI_DIMENSIONS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};

/**
 * `OpenAIEmbeddings` when an API key is given, otherwise the offline {@link HashingEmbeddings};
 * either way batched, bounded in concurrency and retried by {@link BatchedEmbeddings}.
 *
 * @example const embeddings = createEmbeddings({ openaiApiKey: process.env.OPENAI_API_KEY });
 */
export function createEmbeddings(options: CreateEmbeddingsOptions = {}): ClearanceEmbeddings {
  const batching = {
    batchSize: options.batchSize ?? 64,
    concurrency: options.concurrency ?? 4,
    retries: options.retries ?? 4,
    retryBaseMs: options.retryBaseMs ?? 500,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  if (!options.openaiApiKey) {
    const hashing = new HashingEmbeddings(options.dimensions ? { dimensions: options.dimensions } : {});
    return new ClearanceEmbeddings(hashing, batching, "hashing", "hashing-v1", hashing.dimensions);
  }
  const model = options.model ?? "text-embedding-3-small";
  if (options.dimensions !== undefined && !model.startsWith("text-embedding-3")) {
    throw new EmbeddingError(
      "EMBEDDING_CONFIG_INVALID",
      `model ${model} has a fixed vector size: remove embeddings.dimensions or use a text-embedding-3 model`,
    );
  }
  const openai = new LazyOpenAIEmbeddings({
    apiKey: options.openaiApiKey,
    model,
    ...(options.dimensions !== undefined ? { dimensions: options.dimensions } : {}),
    // Our wrapper batches and retries; letting the client do it too would multiply both.
    batchSize: batching.batchSize,
    maxRetries: 0,
    maxConcurrency: 1,
    ...(options.baseURL ? { configuration: { baseURL: options.baseURL } } : {}),
  });
  return new ClearanceEmbeddings(
    openai,
    batching,
    "openai",
    model,
    options.dimensions ?? OPENAI_DIMENSIONS[model],
  );
}
