import type { Schemas } from "@qdrant/js-client-rest";
import { requireFilter } from "../guards.js";
import type { ChunkFilter } from "../types.js";

type Filter = Schemas["Filter"];
type Condition = Schemas["FieldCondition"];

/** `key == value`. */
export function matchValue(key: string, value: string): Condition {
  return { key, match: { value } };
}

/** `key ∈ values` (Qdrant `MatchAny`). */
export function matchAny(key: string, values: readonly string[]): Condition {
  return { key, match: { any: [...values] } };
}

/**
 * The Qdrant filter for a chunk filter, always ANDed with the tenant; undefined when it can match
 * nothing (an empty record-id or sync-id set).
 */
export function chunkFilter(filter: ChunkFilter): Filter | undefined {
  const checked = requireFilter(filter);
  if (!checked) return undefined;
  const must: Condition[] = [matchValue("tenant", checked.tenant)];
  if (checked.recordIds) must.push(matchAny("recordId", checked.recordIds));
  if (checked.syncIds) must.push(matchAny("syncId", checked.syncIds));
  return { must };
}
