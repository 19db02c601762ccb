import type { AccessControl, RecordPolicyName } from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";

/** One returned chunk of a sync without a Permissions API, and the record policy that allowed it. */
export interface PolicyAllow {
  syncId: string;
  recordId: string;
  policy: RecordPolicyName;
}

/**
 * Which record policy allowed each returned hit of a CRM/ticketing sync (file hits were allowed
 * by the Permissions API and are not listed). The policy is per sync, so one lookup per sync.
 */
export async function policyAllows(
  access: AccessControl,
  hits: readonly ScoredChunk[],
  signal?: AbortSignal,
): Promise<{ bySync: Map<string, RecordPolicyName>; allows: PolicyAllow[] }> {
  const bySync = new Map<string, RecordPolicyName>();
  const allows: PolicyAllow[] = [];
  if (!access.policyOf) return { bySync, allows };
  for (const syncId of new Set(hits.map((hit) => hit.chunk.syncId))) {
    const policy = await access.policyOf(syncId, signal);
    if (policy) bySync.set(syncId, policy);
  }
  const seen = new Set<string>();
  for (const { chunk } of hits) {
    const policy = bySync.get(chunk.syncId);
    const key = `${chunk.syncId}\u0000${chunk.recordId}`;
    if (!policy || seen.has(key)) continue;
    seen.add(key);
    allows.push({ syncId: chunk.syncId, recordId: chunk.recordId, policy });
  }
  return { bySync, allows };
}
