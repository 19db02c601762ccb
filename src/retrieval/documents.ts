import { Document } from "@langchain/core/documents";
import type { RecordPolicyName } from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";

/** What a retrieved Document carries besides its text: enough to cite and to trace the decision. */
export interface RetrievedChunkMetadata {
  chunkId: string;
  recordId: string;
  syncId: string;
  chunkIndex: number;
  score: number;
  name: string;
  url: string | undefined;
  page: number | undefined;
  integration: string;
  externalId: string;
  mimeType: string;
  updatedAt: string;
  /** For a CRM/ticketing record: the record policy that allowed it (files: the Permissions API). */
  allowedBy?: RecordPolicyName;
}

/** A LangChain Document for an allowed chunk; its id is the chunk id. */
export function toDocument(hit: ScoredChunk, allowedBy?: RecordPolicyName): Document<RetrievedChunkMetadata> {
  const { chunk, score } = hit;
  return new Document<RetrievedChunkMetadata>({
    id: chunk.id,
    pageContent: chunk.text,
    metadata: {
      chunkId: chunk.id,
      recordId: chunk.recordId,
      syncId: chunk.syncId,
      chunkIndex: chunk.chunkIndex,
      score,
      name: chunk.metadata.name,
      url: chunk.metadata.url,
      page: chunk.metadata.page,
      integration: chunk.metadata.integration,
      externalId: chunk.metadata.externalId,
      mimeType: chunk.metadata.mimeType,
      updatedAt: chunk.metadata.updatedAt,
      ...(allowedBy ? { allowedBy } : {}),
    },
  });
}
