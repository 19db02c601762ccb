import { formatError, notModelled } from "./errors.js";
import { idKey, type PointId, parsePointId } from "./point-id.js";

export type Payload = Record<string, unknown>;

/** What a filter looks at: a point's id and payload. */
export interface Filterable {
  id: PointId;
  payload: Payload;
}

export interface CompiledFilter {
  matches(point: Filterable): boolean;
  /** Every payload key a condition names (a collection in strict mode needs each indexed). */
  keys: Set<string>;
}

type Test = (point: Filterable) => boolean;

/**
 * Compiles a Qdrant filter (qdrant.tech/documentation/concepts/filtering) into a test, following
 * Qdrant's own checker (lib/segment/src/payload_storage/query_checker.rs): `must` needs every
 * condition, `should` at least one (so an empty `should` list matches nothing), `must_not` none;
 * the clauses present are ANDed, and a filter nests as a condition. No filter matches every point.
 */
export function compileFilter(raw: unknown): CompiledFilter {
  const keys = new Set<string>();
  if (raw === undefined || raw === null) return { matches: () => true, keys };
  const test = filterTest(raw, keys);
  return { matches: test, keys };
}

function filterTest(raw: unknown, keys: Set<string>): Test {
  if (!isObject(raw)) throw formatError("a filter must be an object");
  const { must, should, must_not: mustNot, ...rest } = raw;
  if ("min_should" in rest) throw notModelled("filter.min_should");
  if (Object.keys(rest).length > 0) throw formatError(`unknown filter field ${Object.keys(rest)[0]}`);
  const all = clause(must, keys);
  const any = clause(should, keys);
  const none = clause(mustNot, keys);
  return (point) =>
    (any === undefined || any.some((t) => t(point))) &&
    (all === undefined || all.every((t) => t(point))) &&
    (none === undefined || !none.some((t) => t(point)));
}

/** A clause's conditions; Qdrant takes one condition or a list, and `null` as absent. */
function clause(raw: unknown, keys: Set<string>): Test[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  return (Array.isArray(raw) ? raw : [raw]).map((c) => conditionTest(c, keys));
}

function conditionTest(raw: unknown, keys: Set<string>): Test {
  if (!isObject(raw)) throw formatError("a condition must be an object");
  if ("must" in raw || "should" in raw || "must_not" in raw) return filterTest(raw, keys);
  if ("has_id" in raw) {
    if (!Array.isArray(raw.has_id)) throw formatError("has_id must be a list of point ids");
    const ids = new Set(raw.has_id.map((id) => idKey(parsePointId(id))));
    return (point) => ids.has(idKey(point.id));
  }
  if ("is_empty" in raw) {
    const key = fieldKey(raw.is_empty, keys);
    // Missing, null or [] (query_checker.rs tests: [null] is not empty).
    return (point) => valuesAt(point.payload, key).every((v) => v === null || isEmptyArray(v));
  }
  if ("is_null" in raw) {
    const key = fieldKey(raw.is_null, keys);
    // Exactly null: missing, [] and [null] are not.
    return (point) => valuesAt(point.payload, key).some((v) => v === null);
  }
  if ("key" in raw) return fieldTest(raw, keys);
  throw notModelled(`the condition ${JSON.stringify(Object.keys(raw))}`);
}

/**
 * A field condition: it holds when any value at the key (an array's elements one by one) passes.
 * A missing key fails every match and range.
 */
function fieldTest(raw: Record<string, unknown>, keys: Set<string>): Test {
  const { key, match, range, ...rest } = raw;
  if (typeof key !== "string") throw formatError("a field condition's key must be a string");
  if (Object.keys(rest).length > 0) throw notModelled(`field condition ${Object.keys(rest)[0]}`);
  if (match === undefined && range === undefined) throw formatError(`condition on ${key} names no test`);
  keys.add(key);
  const tests = [
    match === undefined ? undefined : matchTest(match),
    range === undefined ? undefined : rangeTest(range),
  ].filter((t) => t !== undefined);
  // Qdrant ORs the tests one field condition carries (condition_checker.rs, FieldCondition).
  const passes = (value: unknown) => tests.some((t) => t(value));
  return (point) => valuesAt(point.payload, key).some((v) => (Array.isArray(v) ? v.some(passes) : passes(v)));
}

type ValueTest = (value: unknown) => boolean;

function matchTest(raw: unknown): ValueTest {
  if (!isObject(raw)) throw formatError("match must be an object");
  if ("value" in raw) {
    const wanted = raw.value;
    if (typeof wanted === "number" && !Number.isInteger(wanted)) {
      throw formatError("match.value takes a keyword, an integer or a bool, not a float");
    }
    if (!["string", "number", "boolean"].includes(typeof wanted)) throw formatError("bad match.value");
    return (value) => value === wanted;
  }
  if ("any" in raw) {
    const set = valueSet(raw.any, "any");
    return (value) => (typeof value === "string" || isInteger(value)) && set.has(value);
  }
  if ("except" in raw) {
    const set = valueSet(raw.except, "except");
    // condition_checker.rs, MatchExcept: null fails; a value of the other kind (a bool, a float,
    // a string against integers) passes. On a missing key the fake fails the condition, as for
    // every field condition (not verified against Qdrant; the adapter does not use `except`).
    return (value) => value !== null && !set.has(value as string | number);
  }
  throw notModelled(`match ${JSON.stringify(Object.keys(raw))}`);
}

function rangeTest(raw: unknown): ValueTest {
  if (!isObject(raw)) throw formatError("range must be an object");
  const bounds = { lt: raw.lt, gt: raw.gt, lte: raw.lte, gte: raw.gte };
  for (const [name, bound] of Object.entries(bounds)) {
    if (bound !== undefined && bound !== null && typeof bound !== "number") {
      throw notModelled(`range.${name} of type ${typeof bound} (datetime ranges)`);
    }
  }
  const { lt, gt, lte, gte } = bounds as Record<string, number | undefined | null>;
  return (value) =>
    typeof value === "number" &&
    (lt == null || value < lt) &&
    (gt == null || value > gt) &&
    (lte == null || value <= lte) &&
    (gte == null || value >= gte);
}

/** A `MatchAny` / `MatchExcept` list: all keywords or all integers. */
function valueSet(raw: unknown, what: string): Set<unknown> {
  if (!Array.isArray(raw)) throw formatError(`match.${what} must be a list`);
  const values: unknown[] = raw;
  if (!values.every((v) => typeof v === "string") && !values.every(isInteger)) {
    throw formatError(`match.${what} must be all keywords or all integers`);
  }
  return new Set<unknown>(values);
}

function fieldKey(raw: unknown, keys: Set<string>): string {
  if (!isObject(raw) || typeof raw.key !== "string") throw formatError("expected { key }");
  keys.add(raw.key);
  return raw.key;
}

/**
 * The values at a key: dots step into objects (`a.b`), `[]` steps into each element of an array
 * (`a[].b`). A missing key gives none; an array at the end is one value (conditions look inside it).
 */
export function valuesAt(payload: Payload, key: string): unknown[] {
  let values: unknown[] = [payload];
  for (const part of key.split(".")) {
    const project = part.endsWith("[]");
    const name = project ? part.slice(0, -2) : part;
    const next: unknown[] = [];
    for (const value of values) {
      if (!isObject(value) || !Object.hasOwn(value, name)) continue;
      const found = value[name];
      if (project && Array.isArray(found)) next.push(...found);
      else if (!project) next.push(found);
    }
    values = next;
  }
  return values;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}
