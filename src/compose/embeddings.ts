import type { ClearanceConfig } from "../config/index.js";
import { type ClearanceEmbeddings, createEmbeddings } from "../embeddings/index.js";

/** The embedder a config describes: OpenAI with a key, the offline one without. Ingest and retrieval must agree. */
export function embeddingsFromConfig(config: ClearanceConfig): ClearanceEmbeddings {
  const { embeddings } = config;
  return createEmbeddings({
    ...(embeddings.openaiApiKey ? { openaiApiKey: embeddings.openaiApiKey } : {}),
    model: embeddings.model,
    ...(embeddings.dimensions ? { dimensions: embeddings.dimensions } : {}),
    batchSize: embeddings.batchSize,
    concurrency: embeddings.concurrency,
  });
}
