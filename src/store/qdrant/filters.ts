import type { Schemas } from "@qdrant/js-client-rest";
import { requireIds, requireTenant } from "../guards.js";
import type { ChunkFilter } from "../types.js";

type Filter = Schemas["Filter"];
type Condition = Schemas["FieldCondition"];

/** `key == value`. */
export function matchValue(key: string, value: string): Condition {
  return { key, match: { value } };
}

/** `key ∈ values` (Qdrant `MatchAny`). */
export function matchAny(key: string, values: string[]): Condition {
  return { key, match: { any: values } };
}

/**
 * The Qdrant filter for a chunk filter, always ANDed with the tenant; undefined when it can match
 * nothing (an empty record-id or sync-id set).
 */
export function chunkFilter(filter: ChunkFilter): Filter | undefined {
  const must: Condition[] = [matchValue("tenant", requireTenant(filter.tenant))];
  if (filter.recordIds !== undefined) {
    const ids = requireIds(filter.recordIds, "recordIds");
    if (ids.length === 0) return undefined;
    must.push(matchAny("recordId", ids));
  }
  if (filter.syncIds !== undefined) {
    const ids = requireIds(filter.syncIds, "syncIds");
    if (ids.length === 0) return undefined;
    must.push(matchAny("syncId", ids));
  }
  return { must };
}
