import type { PermissionAwareRetrieverFields } from "../../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../../src/store/index.js";

/**
 * The store without its named state (no `getState` / `putState` / `listState`): a retriever on it
 * keeps what it learns about people in memory only, so every person is a stranger to a new one,
 * whatever other retrievers on the same store wrote and whenever their writes land.
 */
export function withoutNamedState(s: LanceChunkStore): PermissionAwareRetrieverFields["store"] {
  return {
    search: s.search.bind(s),
    searchRefs: s.searchRefs.bind(s),
    readChunks: s.readChunks.bind(s),
    holdsRecords: s.holdsRecords.bind(s),
    loadRecords: s.loadRecords.bind(s),
  };
}
