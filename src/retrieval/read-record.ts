import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { AllowSetCache, DecisionCache, type ObjectRef, SubjectKnowledge } from "../access/index.js";
import type { ChunkStore } from "../store/index.js";
import { type CandidateSource, vectorSource } from "./candidates.js";
import type { EnforcementContext } from "./context.js";
import { type EnforceResult, enforce } from "./enforce.js";

/** The most chunks of one record `readRecord` returns; a longer record comes back cut (`returned` = k, not exhausted). */
export const MAX_RECORD_CHUNKS = 1_000;

// Any query vector will do: the search is restricted to one record and re-sorted by chunk index.
// One is embedded per embedder and reused, so reading a record costs no embedding call after the first.
const probes = new WeakMap<EmbeddingsInterface, Promise<number[]>>();

export interface ReadRecordRequest {
  ref: ObjectRef;
  subject: string;
  signal?: AbortSignal | undefined;
}

/**
 * Every indexed chunk of one record, in chunk order, if `subject` may read it right now. It goes
 * through `enforce` like any search, over a source restricted to the record, with a context that
 * trusts no cache: nothing cached is reused (no decision, no allow list, no follower proof), so the
 * answer is the one the Permissions API (or the record policy) gives during this call.
 * A record that is not in the index is still checked once, so "exists but unreadable" and
 * "does not exist" cost the same and look the same: no hits.
 */
export async function readRecord(
  base: EnforcementContext,
  store: Pick<ChunkStore, "search">,
  embeddings: EmbeddingsInterface,
  request: ReadRecordRequest,
): Promise<EnforceResult> {
  const { ref, subject, signal } = request;
  const ctx = confirmingContext(base);
  const within = vectorSource(store, ctx.tenant, await probeVector(embeddings));
  const source: CandidateSource = (page) =>
    within({ ...page, syncIds: [ref.syncId], recordIds: [ref.recordId] });
  const { hits, report } = await enforce(ctx, { subject, k: MAX_RECORD_CHUNKS, source, signal });
  let permissionCalls = report.permissionCalls;
  if (report.candidatesScanned === 0) {
    const { calls } = await ctx.access.batchCheck(subject, [ref], ctx.settings.relation, signal);
    permissionCalls += calls;
  }
  return {
    hits: [...hits].sort((a, b) => a.chunk.chunkIndex - b.chunk.chunkIndex),
    report: { ...report, permissionCalls },
  };
}

/** `base` with empty caches of its own, no follower and no pre-filter: every decision is made now. */
function confirmingContext(base: EnforcementContext): EnforcementContext {
  return {
    ...base,
    settings: {
      ...base.settings,
      strategy: "post",
      freshnessMs: 0,
      decisionCacheTtlMs: 0,
      allowSetTtlMs: 0,
      // A failed check is an error the caller reports, never "no such record".
      onPermissionError: "throw",
    },
    decisions: new DecisionCache({ ttlMs: 0 }),
    allowSets: new AllowSetCache({ ttlMs: 0 }),
    knowledge: new SubjectKnowledge({ tenant: base.tenant }),
    syncIds: undefined,
    changes: undefined,
  };
}

function probeVector(embeddings: EmbeddingsInterface): Promise<number[]> {
  let probe = probes.get(embeddings);
  if (!probe) {
    probe = embeddings.embedQuery("record");
    // A failed embedding is not remembered: the next read tries again.
    probe.catch(() => probes.delete(embeddings));
    probes.set(embeddings, probe);
  }
  return probe;
}
