import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { ChunkOptionsError } from "./errors.js";
import type { ChunkOptions, ExtractedText, TextChunk } from "./types.js";

/**
 * Splits text into overlapping chunks with LangChain's `RecursiveCharacterTextSplitter`. Paged text
 * is split page by page so each chunk knows its page; `chunkIndex` runs 0, 1, 2… across the record,
 * and the same text with the same options always gives the same chunks.
 *
 * @example await chunkText({ text: "…" }, { chunkSize: 1000, chunkOverlap: 150 })
 */
export async function chunkText(extracted: ExtractedText, options: ChunkOptions): Promise<TextChunk[]> {
  const splitter = new RecursiveCharacterTextSplitter(checked(options));
  const sections = extracted.pages ?? [{ page: undefined, text: extracted.text }];
  const chunks: TextChunk[] = [];
  for (const section of sections) {
    for (const text of await splitter.splitText(section.text)) {
      if (!text.trim()) continue;
      const chunk: TextChunk = { text, chunkIndex: chunks.length };
      if (section.page !== undefined) chunk.page = section.page;
      chunks.push(chunk);
    }
  }
  return chunks;
}

function checked({ chunkSize, chunkOverlap }: ChunkOptions): ChunkOptions {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new ChunkOptionsError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new ChunkOptionsError(
      `chunkOverlap must be an integer from 0 to chunkSize - 1 (${chunkSize - 1}), got ${chunkOverlap}`,
    );
  }
  return { chunkSize, chunkOverlap };
}
