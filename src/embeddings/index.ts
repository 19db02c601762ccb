export {
  BatchedEmbeddings,
  type BatchedEmbeddingsOptions,
  type EmbeddingCounters,
} from "./batched-embeddings.js";
export { ClearanceEmbeddings, type CreateEmbeddingsOptions, createEmbeddings } from "./create-embeddings.js";
export { EmbeddingError } from "./errors.js";
export { HashingEmbeddings, type HashingEmbeddingsParams } from "./hashing-embeddings.js";
export { stem, tokenize } from "./tokenize.js";
