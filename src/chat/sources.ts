import type { Document } from "@langchain/core/documents";
import type { RetrievedChunkMetadata } from "../retrieval/index.js";
import type { AnswerSource } from "./answerer.js";

/** What a response says about one source: enough to show it and link to it, never more than the chunk. */
export interface Citation {
  n: number;
  recordId: string;
  syncId: string;
  name: string;
  url?: string;
  chunkIndex: number;
  page?: number;
  score: number;
  excerpt: string;
}

const EXCERPT_CHARS = 280;

/** Numbers the retrieved (allowed) documents 1..n in rank order. */
export function toAnswerSources(documents: readonly Document<RetrievedChunkMetadata>[]): AnswerSource[] {
  return documents.map((doc, i) => ({
    n: i + 1,
    recordId: doc.metadata.recordId,
    syncId: doc.metadata.syncId,
    name: doc.metadata.name,
    url: doc.metadata.url,
    chunkIndex: doc.metadata.chunkIndex,
    page: doc.metadata.page,
    score: doc.metadata.score,
    text: doc.pageContent,
  }));
}

/** The citation of a source, with a short excerpt of its chunk. */
export function toCitation(source: AnswerSource): Citation {
  return {
    n: source.n,
    recordId: source.recordId,
    syncId: source.syncId,
    name: source.name,
    ...(source.url ? { url: source.url } : {}),
    chunkIndex: source.chunkIndex,
    ...(source.page !== undefined ? { page: source.page } : {}),
    score: source.score,
    excerpt: excerptOf(source.text),
  };
}

/** The start of a text, whitespace collapsed, cut at a word boundary with an ellipsis. */
export function excerptOf(text: string, maxChars = EXCERPT_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > maxChars * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
