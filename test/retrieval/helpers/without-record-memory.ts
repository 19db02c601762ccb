import type { PermissionAwareRetrieverFields } from "../../../src/retrieval/index.js";
import type { LanceChunkStore } from "../../../src/store/index.js";

/**
 * The store without its record memory (no `holdsRecords` / `loadRecords`): a list takes the
 * record-id filter, or for a large one the search of its sync checked against it.
 */
export function withoutRecordMemory(s: LanceChunkStore): PermissionAwareRetrieverFields["store"] {
  return {
    search: s.search.bind(s),
    searchRefs: s.searchRefs.bind(s),
    readChunks: s.readChunks.bind(s),
    getState: s.getState.bind(s),
    putState: s.putState.bind(s),
    listState: s.listState.bind(s),
  };
}
