import { AllowSetCache, DecisionCache, type KnowledgeState, SubjectKnowledge } from "../access/index.js";
import type { EnforcementContext } from "./context.js";
import type { RetrievalSettings } from "./options.js";
import type { PermissionAwareRetrieverFields } from "./retriever-fields.js";

/** A fresh set of the bounded caches one enforcement context keeps (`member`: of member-verified views). */
export function newCaches(
  settings: RetrievalSettings,
  tenant: string,
  store: PermissionAwareRetrieverFields["store"],
  { member = false } = {},
): Pick<EnforcementContext, "decisions" | "allowSets" | "knowledge"> {
  return {
    decisions: new DecisionCache({
      ttlMs: settings.decisionCacheTtlMs,
      maxEntries: settings.decisionCacheMaxEntries,
    }),
    allowSets: new AllowSetCache({ ttlMs: settings.allowSetTtlMs }),
    knowledge: new SubjectKnowledge({ tenant, state: stateOf(store), member }),
  };
}

/** The store's named state, when it keeps one (every `ChunkStore` does; a bare search function does not). */
function stateOf(store: PermissionAwareRetrieverFields["store"]): KnowledgeState | undefined {
  const { getState, putState, listState } = store;
  if (!getState || !putState) return undefined;
  return {
    getState: getState.bind(store),
    putState: putState.bind(store),
    ...(listState ? { listState: listState.bind(store) } : {}),
  };
}
