import type { Document } from "@langchain/core/documents";
import type { ScoredChunk } from "../store/index.js";
import type { EnforcementContext } from "./context.js";
import { type RetrievedChunkMetadata, toDocument } from "./documents.js";
import { policyAllows } from "./record-policies.js";
import type { RetrievalReport } from "./report.js";

export interface RetrievalResult {
  documents: Document<RetrievedChunkMetadata>[];
  report: RetrievalReport;
}

/** Documents for the allowed hits, and the report saying which record policy allowed which. */
export async function toResult(
  ctx: EnforcementContext,
  hits: readonly ScoredChunk[],
  report: RetrievalReport,
  signal: AbortSignal | undefined,
): Promise<RetrievalResult> {
  const { bySync, allows } = await policyAllows(ctx.access, hits, signal);
  return {
    documents: hits.map((hit) => toDocument(hit, bySync.get(hit.chunk.syncId))),
    report: allows.length > 0 ? { ...report, policyAllowed: allows } : report,
  };
}
