import type { FakeCollection, StoredPoint } from "./collections.js";
import { formatError, notModelled, QdrantFakeError } from "./errors.js";
import type { Payload } from "./filter.js";
import { compareIds, idKey, type PointId, parsePointId } from "./point-id.js";
import { better, requireVector, score, storedVector } from "./vectors.js";

type Body = Record<string, unknown>;

/**
 * The points API of one collection, with Qdrant's documented semantics
 * (api.qdrant.tech/api-reference/points). Each call runs to completion before the next request is
 * read, so every write is atomic and immediately visible, as with `wait=true`.
 */
export class FakePoints {
  constructor(
    private readonly c: FakeCollection,
    /** The operation number this request's writes stamp as the points' `version`. */
    private readonly operation: number,
  ) {}

  /**
   * `PUT …/points`. With `update_filter` (Qdrant ≥ 1.16) an existing point is replaced only if it
   * matches; `update_mode` `insert_only` never replaces, `update_only` never inserts.
   */
  upsert(body: Body): void {
    const { points, update_filter: updateFilter, update_mode: mode = "upsert", ...rest } = body;
    refuseOthers(rest, "upsert");
    if (!Array.isArray(points)) throw notModelled("upsert without a points list (batch form)");
    if (!["upsert", "insert_only", "update_only"].includes(String(mode))) {
      throw formatError(`unknown update_mode ${String(mode)}`);
    }
    const onExisting = updateFilter === undefined ? undefined : this.c.filter(updateFilter);
    // The whole request is checked before any point is written.
    const parsed = points.map((p: Body) => {
      refuseOthers(omit(p, ["id", "vector", "payload"]), "point");
      const vector = storedVector(requireVector(p.vector, this.c.size), this.c.distance);
      return { id: parsePointId(p.id), vector, payload: payloadOf(p.payload), version: this.operation };
    });
    for (const point of parsed) {
      const existing = this.c.points.get(idKey(point.id));
      if (
        existing
          ? mode === "insert_only" || (onExisting && !onExisting.matches(existing))
          : mode === "update_only"
      ) {
        continue;
      }
      this.c.points.set(idKey(point.id), point);
    }
  }

  /** `POST …/points`: the points that exist, each once, in the order asked. */
  retrieve(body: Body): unknown[] {
    const { ids, with_payload: withPayload = true, with_vector: withVector = false, ...rest } = body;
    refuseOthers(rest, "retrieve");
    if (!Array.isArray(ids)) throw formatError("ids must be a list");
    const keys = [...new Set(ids.map((id) => idKey(parsePointId(id))))];
    return keys
      .map((key) => this.c.points.get(key))
      .filter((p) => p !== undefined)
      .map((p) => record(p, withPayload, withVector));
  }

  /** `POST …/points/delete`: by ids (missing ones are no error) or by filter. */
  delete(body: Body): void {
    for (const point of this.selected(body, "delete")) this.c.points.delete(idKey(point.id));
  }

  /** `POST …/points/payload` merges keys into the payload; `PUT` (overwrite) replaces it. */
  setPayload(body: Body, overwrite: boolean): void {
    const { payload, ...selector } = body;
    if ("key" in selector) throw notModelled("set_payload with a key (nested path)");
    const patch = payloadOf(payload);
    for (const point of this.selected(selector, "set_payload", true)) {
      point.payload = overwrite ? { ...patch } : { ...point.payload, ...patch };
      point.version = this.operation;
    }
  }

  /** `POST …/points/payload/delete`: removes top-level keys. */
  deletePayload(body: Body): void {
    const { keys, ...selector } = body;
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) {
      throw formatError("keys must be a list of strings");
    }
    if (keys.some((k) => k.includes(".") || k.includes("[")))
      throw notModelled("deleting nested payload keys");
    for (const point of this.selected(selector, "delete_payload", true)) {
      for (const key of keys) delete point.payload[key];
      point.version = this.operation;
    }
  }

  /**
   * `POST …/points/scroll`: matching points by id, from `offset` (an id, inclusive), `limit` of
   * them (default 10), and `next_page_offset` the id the next page starts at (null on the last).
   */
  scroll(body: Body): { points: unknown[]; next_page_offset: PointId | null } {
    const {
      filter,
      limit = 10,
      offset,
      with_payload: withPayload = true,
      with_vector: withVector = false,
      ...rest
    } = body;
    refuseOthers(rest, "scroll");
    const size = pageSize(limit);
    const from = offset === undefined || offset === null ? undefined : parsePointId(offset);
    const matches = this.c.filter(filter);
    const page = [...this.c.points.values()]
      .filter((p) => (from === undefined || compareIds(p.id, from) >= 0) && matches.matches(p))
      .sort((a, b) => compareIds(a.id, b.id))
      .slice(0, size + 1);
    return {
      points: page.slice(0, size).map((p) => record(p, withPayload, withVector)),
      next_page_offset: page[size]?.id ?? null,
    };
  }

  /** `POST …/points/count`. The fake always counts exactly. */
  count(body: Body): { count: number } {
    const { filter, exact: _, ...rest } = body;
    refuseOthers(rest, "count");
    const matches = this.c.filter(filter);
    let count = 0;
    for (const point of this.c.points.values()) if (matches.matches(point)) count++;
    return { count };
  }

  /**
   * `POST …/points/query` with a nearest-vector query: every matching point scored by the
   * collection's distance (exactly: the fake has no HNSW, so never misses a match), best first,
   * then `offset` skipped and `limit` (default 10) kept. Payload and vector are off by default.
   */
  query(body: Body): { points: unknown[] } {
    const { query, filter, limit = 10, offset = 0, params: _, ...rest } = body;
    const { with_payload: withPayload = false, with_vector: withVector = false, ...others } = rest;
    refuseOthers(others, "query");
    const nearest = Array.isArray(query) ? query : (query as { nearest?: unknown } | undefined)?.nearest;
    if (nearest === undefined) throw notModelled("a query other than a nearest-vector query");
    const vector = requireVector(nearest, this.c.size);
    if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
      throw formatError("offset must be a non-negative integer");
    }
    const matches = this.c.filter(filter);
    const order = better(this.c.distance);
    const scored = [...this.c.points.values()]
      .filter((p) => matches.matches(p))
      .map((p) => ({ p, score: score(vector, p.vector, this.c.distance) }))
      .sort((a, b) => order(a.score, b.score) || compareIds(a.p.id, b.p.id));
    return {
      points: scored.slice(offset, offset + pageSize(limit)).map(({ p, score }) => ({
        ...record(p, withPayload, withVector),
        version: p.version,
        score,
      })),
    };
  }

  /** The points a selector names: `{ points: [ids] }` or `{ filter }`. */
  private selected(selector: Body, what: string, mustExist = false): StoredPoint[] {
    const { points, filter, ...rest } = selector;
    refuseOthers(rest, what);
    if (points !== undefined && filter !== undefined) throw formatError("give either points or filter");
    if (Array.isArray(points)) {
      const found: StoredPoint[] = [];
      for (const raw of points) {
        const id = parsePointId(raw);
        const point = this.c.points.get(idKey(id));
        if (point) found.push(point);
        else if (mustExist) throw new QdrantFakeError(404, `Not found: No point with id ${id} found`);
      }
      return found;
    }
    if (filter === undefined) throw formatError("expected points or filter");
    const matches = this.c.filter(filter);
    return [...this.c.points.values()].filter((p) => matches.matches(p));
  }
}

/** A point as Qdrant answers it, with the selected payload keys and, if asked, the vector. */
function record(point: StoredPoint, withPayload: unknown, withVector: unknown) {
  if (typeof withVector !== "boolean") throw notModelled("with_vector naming vectors");
  return {
    id: point.id,
    payload: selectPayload(point.payload, withPayload),
    vector: withVector ? [...point.vector] : null,
  };
}

/** `with_payload`: true, false, a list of keys, or `{ include }` / `{ exclude }`. */
function selectPayload(payload: Payload, selector: unknown): Payload | null {
  if (selector === true) return structuredClone(payload);
  if (selector === false) return null;
  const pick = (keys: unknown, keep: boolean) => {
    if (!Array.isArray(keys)) throw formatError("with_payload keys must be a list");
    const named = new Set(keys);
    return structuredClone(
      Object.fromEntries(Object.entries(payload).filter(([k]) => named.has(k) === keep)),
    );
  };
  if (Array.isArray(selector)) return pick(selector, true);
  if (typeof selector === "object" && selector !== null) {
    if ("include" in selector) return pick(selector.include, true);
    if ("exclude" in selector) return pick(selector.exclude, false);
  }
  throw formatError("bad with_payload");
}

function payloadOf(raw: unknown): Payload {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw formatError("payload must be an object");
  return structuredClone(raw as Payload);
}

function pageSize(limit: unknown): number {
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) {
    throw formatError("limit must be a positive integer");
  }
  return limit;
}

function omit(body: Body, keys: string[]): Body {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !keys.includes(k)));
}

/**
 * Refuses request fields the fake does not model (`shard_key`, `order_by`, `score_threshold`, …)
 * rather than ignoring them: a fake that ignored a field would pass what Qdrant answers otherwise.
 */
function refuseOthers(rest: Body, what: string): void {
  const names = Object.keys(rest);
  if (names.length > 0) throw notModelled(`${what} field ${names.join(", ")}`);
}
