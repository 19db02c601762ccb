// Two-phase reads of the chunks table: a search that returns only which chunks it found
// (`ChunkStore.searchRefs`), then the text and metadata of the few the caller kept
// (`ChunkStore.readChunks`). At 100k chunks a 150-candidate page read with every column cost
// 10.3 ms p50, with only these 6.9 ms (bench/sifted-page.ts).
import type { Table } from "@lancedb/lancedb";
import type { Table as ArrowTable } from "apache-arrow";
import type { Chunk, ChunkRef } from "../types.js";
import { chunkRowsOf, columnOf } from "./arrow-rows.js";
import { CHUNK_COLUMNS } from "./columns.js";
import { type ChunkRow, fromChunkRow } from "./rows.js";
import { sqlIn } from "./sql.js";

/** What a ref search reads per candidate (the tenant is the one the search was filtered by). */
export const REF_COLUMNS = ["id", "sync_id", "record_id"];

/** A row of a ref search, with LanceDB's row id (asked for with `withRowId()`). */
export interface RefRow {
  id: string;
  sync_id: string;
  record_id: string;
  _distance: number;
  _rowid: bigint;
}

/** The rows of a ref search's Arrow result, read column by column (no row proxy per candidate). */
export function refRowsOf(table: ArrowTable): RefRow[] {
  if (table.numRows === 0) return [];
  const column = (name: keyof RefRow) => columnOf<RefRow[typeof name]>(table, name);
  const id = column("id");
  const syncId = column("sync_id");
  const recordId = column("record_id");
  const distance = column("_distance");
  const rowId = column("_rowid");
  const rows: RefRow[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    rows[i] = {
      id: id[i] as string,
      sync_id: syncId[i] as string,
      record_id: recordId[i] as string,
      _distance: distance[i] as number,
      _rowid: rowId[i] as bigint,
    };
  }
  return rows;
}

/**
 * Where the store last saw each ref's row, so reading it back is a take by row id rather than an
 * index lookup by id. Held per ref object, forgotten with it. A row id is only a hint: compaction
 * (`optimize()`) and updates move rows, so what a take returns is checked against the ref.
 */
export class RowHints {
  private readonly rows = new WeakMap<ChunkRef, bigint>();

  /** The ref for a row of a search filtered to `tenant`, remembering where the row was. */
  ref(row: RefRow, tenant: string): ChunkRef {
    const ref: ChunkRef = { id: row.id, tenant, syncId: row.sync_id, recordId: row.record_id };
    this.rows.set(ref, row._rowid);
    return ref;
  }

  rowOf(ref: ChunkRef): bigint | undefined {
    return this.rows.get(ref);
  }
}

/** Most ids one `id IN (…)` lookup carries. */
const IDS_PER_LOOKUP = 5_000;

/**
 * The chunks the refs name. Hinted refs are taken by row id; a row that is not the ref's chunk
 * (moved by a compaction, deleted) and every ref without a hint are looked up by id. Either way
 * a row is kept only if it is exactly the ref's chunk — same id, tenant, sync and record — so the
 * caller never gets a chunk other than the one whose record it checked.
 */
export async function readChunksByRef(
  table: Table,
  refs: readonly ChunkRef[],
  hints: RowHints,
): Promise<Map<string, Chunk>> {
  const wanted = new Map(refs.map((ref) => [ref.id, ref]));
  const found = new Map<string, Chunk>();
  const keep = (rows: ChunkRow[]) => {
    for (const row of rows) {
      const ref = wanted.get(row.id);
      if (ref && isChunkOf(row, ref)) found.set(row.id, fromChunkRow(row));
    }
  };
  const rowIds = refs.flatMap((ref) => hints.rowOf(ref) ?? []);
  if (rowIds.length > 0) {
    // A take of a row id that no longer exists (its fragment compacted away) may fail outright:
    // the lookup by id below answers for every ref then.
    const taken = await table
      .takeRowIds(rowIds)
      .select(CHUNK_COLUMNS)
      .toArrow()
      .then(chunkRowsOf)
      .catch(() => []);
    keep(taken);
  }
  const missing = [...wanted.keys()].filter((id) => !found.has(id));
  for (let i = 0; i < missing.length; i += IDS_PER_LOOKUP) {
    // No tenant condition: it would cost a scan of the tenant index, and isChunkOf checks the
    // tenant of every row against its ref anyway.
    const rows = await table
      .query()
      .where(sqlIn("id", missing.slice(i, i + IDS_PER_LOOKUP)))
      .select(CHUNK_COLUMNS)
      .toArrow();
    keep(chunkRowsOf(rows));
  }
  return found;
}

function isChunkOf(row: ChunkRow, ref: ChunkRef): boolean {
  return (
    row.id === ref.id &&
    row.tenant === ref.tenant &&
    row.sync_id === ref.syncId &&
    row.record_id === ref.recordId
  );
}
