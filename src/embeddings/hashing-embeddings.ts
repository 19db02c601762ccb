import { Embeddings, type EmbeddingsParams } from "@langchain/core/embeddings";
import { EmbeddingError } from "./errors.js";
import { tokenize } from "./tokenize.js";

export interface HashingEmbeddingsParams extends EmbeddingsParams {
  /** Vector size. Default 384. */
  dimensions?: number;
}

// Relative weights of the three feature kinds: whole words lead, word pairs add phrase sense,
// character trigrams catch spelling variants and compound words the stemmer misses.
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.6;
const TRIGRAM_WEIGHT = 0.2;

/**
 * A deterministic, offline embedder with no model and no download: word unigrams and bigrams and
 * character trigrams (after stopword removal and light stemming), hashed with FNV-1a into signed
 * buckets, log-scaled by frequency and L2-normalised. Lexical only, no semantics — for tests, the
 * demo, and machines without an embedding API.
 *
 * @example const vector = await new HashingEmbeddings().embedQuery("vacation policy");
 */
export class HashingEmbeddings extends Embeddings {
  readonly dimensions: number;

  constructor(params: HashingEmbeddingsParams = {}) {
    super(params);
    this.dimensions = params.dimensions ?? 384;
    if (!Number.isInteger(this.dimensions) || this.dimensions < 8) {
      throw new EmbeddingError(
        "EMBEDDING_CONFIG_INVALID",
        `HashingEmbeddings dimensions must be an integer of at least 8, got ${params.dimensions}`,
      );
    }
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => this.embed(d));
  }

  async embedQuery(document: string): Promise<number[]> {
    return this.embed(document);
  }

  /** The vector for one text, synchronously. */
  embed(text: string): number[] {
    const features = new Map<string, number>();
    const add = (feature: string, weight: number) =>
      features.set(feature, (features.get(feature) ?? 0) + weight);
    const words = tokenize(text);
    words.forEach((word, i) => {
      add(`w:${word}`, UNIGRAM_WEIGHT);
      const next = words[i + 1];
      if (next !== undefined) add(`b:${word} ${next}`, BIGRAM_WEIGHT);
      const padded = `^${word}$`;
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, TRIGRAM_WEIGHT);
    });
    const vector = new Array<number>(this.dimensions).fill(0);
    // An empty text still gets a unit vector, so cosine stays defined.
    if (features.size === 0) features.set("empty", 1);
    for (const [feature, weight] of features) {
      const h = fnv1a(feature);
      const sign = fnv1a(feature, 0x9747b28c) & 1 ? 1 : -1;
      // Log scaling keeps one repeated word from drowning the rest of a long chunk.
      vector[h % this.dimensions]! += sign * Math.log1p(weight);
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((x) => x / norm);
  }
}

/** 32-bit FNV-1a over UTF-16 code units; `seed` gives an independent second hash. */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
