import type { Query, Table, VectorQuery } from "@lancedb/lancedb";
import { requireFilter } from "../guards.js";
import type { ChunkFilter, SearchOptions } from "../types.js";
import { sqlAnd, sqlEquals, sqlIn } from "./sql.js";
import type { SearchTuning } from "./store-options.js";

// LanceDB's runtime is loaded at the store's first open: only its type here.
type LanceRuntime = typeof import("./lance-runtime.js");

/**
 * The search of the chunks table for `options` reading `columns` and the distance, or undefined
 * when its filter matches nothing: small record-id filters stay exact, the rest go through the ANN
 * index tuned by `tuning`.
 */
export function vectorQuery(
  chunks: Table,
  lance: LanceRuntime,
  tuning: SearchTuning,
  vector: readonly number[] | Float32Array,
  options: SearchOptions,
  columns: readonly string[],
): VectorQuery | undefined {
  const offset = options.offset ?? 0;
  const where = chunkFilter(options);
  if (where === undefined) return undefined;
  options.signal?.throwIfAborted();
  const query = chunks
    .vectorSearch(Float32Array.from(vector))
    .distanceType("cosine")
    .where(where)
    .select([...columns, "_distance"])
    .limit(options.limit)
    .offset(offset);
  if (options.recordIds && options.recordIds.length <= tuning.exactFilterMaxRecordIds) {
    return query.bypassVectorIndex();
  }
  return lance.tuneAnnQuery(query, tuning.annQuery, options.limit + offset, {
    rerank: options.approximate !== true,
  });
}

/** The `where` clause for a filter, or undefined when it can match nothing (an empty id set). */
export function chunkFilter(filter: ChunkFilter): string | undefined {
  const checked = requireFilter(filter);
  if (!checked) return undefined;
  const conditions = [sqlEquals("tenant", checked.tenant)];
  if (checked.recordIds) conditions.push(sqlIn("record_id", checked.recordIds));
  if (checked.syncIds) conditions.push(sqlIn("sync_id", checked.syncIds));
  return sqlAnd(...conditions);
}

/**
 * Reads the chunks table's vector index and its tenant, record and id indexes once: LanceDB loads
 * an index at the first query that uses it: the first search after a start took ~135 ms in a new
 * process at 100k chunks, against ~5 for a warm one. The vector index is searched once without a
 * filter and once behind a prefilter on the tenant and record columns, as every store search is
 * (a filter matching every row: one matching none may skip the index). With only the first, the
 * first search filtered by 250 record ids still took ~2× a later one (`scratch/pcold3.ts`).
 */
export async function warmIndexes(
  chunks: Table,
  lance: LanceRuntime,
  tuning: SearchTuning,
  dimensions: number,
): Promise<void> {
  if ((await chunks.countRows()) === 0) return;
  for (const query of warmUpQueries(chunks, lance, tuning, dimensions)) await query.toArray();
}

/** The queries {@link warmIndexes} runs, in order (their plans name the indexes they load). */
export function warmUpQueries(
  chunks: Table,
  lance: Pick<LanceRuntime, "tuneAnnQuery">,
  tuning: SearchTuning,
  dimensions: number,
): (VectorQuery | Query)[] {
  const probe = new Float32Array(dimensions);
  probe[0] = 1;
  const searches = [undefined, "tenant >= '' AND record_id >= ''"].map((where) => {
    let search = chunks.vectorSearch(probe).distanceType("cosine").select(["id", "_distance"]).limit(1);
    if (where) search = search.where(where);
    return lance.tuneAnnQuery(search, tuning.annQuery, 1);
  });
  const lookups = ["tenant", "record_id", "id"].map((column) =>
    chunks.query().where(sqlEquals(column, "")).select(["id"]).limit(1),
  );
  return [...searches, ...lookups];
}
