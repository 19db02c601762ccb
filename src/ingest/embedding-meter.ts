import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { IngestError } from "./errors.js";

type Counted = { calls: number; texts: number };

/**
 * Embeds texts and counts the provider calls that took. When the embedder keeps its own
 * `counters` (`BatchedEmbeddings` splits one request into several calls, and counts retries)
 * those are read; otherwise each `embedDocuments` call counts as one.
 */
export class EmbeddingMeter {
  private ownCalls = 0;
  private ownTexts = 0;
  private readonly start: Counted | undefined;

  constructor(private readonly embeddings: EmbeddingsInterface) {
    this.start = countersOf(embeddings);
  }

  /** Vectors for `texts`, in order; an empty list costs no call. */
  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const vectors = await this.embeddings.embedDocuments(texts);
    this.ownCalls++;
    this.ownTexts += texts.length;
    if (vectors.length !== texts.length) {
      throw new IngestError(
        "EMBEDDINGS_INVALID",
        `the embedder returned ${vectors.length} vectors for ${texts.length} texts: check the embeddings provider`,
      );
    }
    return vectors;
  }

  /** Provider calls and texts embedded since this meter was made. */
  totals(): Counted {
    const now = countersOf(this.embeddings);
    if (now && this.start)
      return { calls: now.calls - this.start.calls, texts: now.texts - this.start.texts };
    return { calls: this.ownCalls, texts: this.ownTexts };
  }
}

function countersOf(embeddings: EmbeddingsInterface): Counted | undefined {
  const { calls, texts } = (embeddings as { counters?: Partial<Counted> }).counters ?? {};
  return typeof calls === "number" && typeof texts === "number" ? { calls, texts } : undefined;
}
