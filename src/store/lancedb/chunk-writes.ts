import type { Table } from "@lancedb/lancedb";
import { chunkId } from "../chunk-id.js";
import { requireChunk, requireId, requireIds, requireTenant } from "../guards.js";
import type { ChunkInput, ChunkMetadata, CurrentContent } from "../types.js";
import type { TouchedRecords } from "./cache-version.js";
import type { ChunkChangeLog } from "./change-log.js";
import { type ChunkRow, metadataPatchColumns, toChunkRow } from "./rows.js";
import { sqlAnd, sqlEquals, sqlIn } from "./sql.js";
import type { TableCalls } from "./table-calls.js";

/** What a write takes from LanceDB and Arrow, loaded by the store's first `open()`. */
type ArrowRuntime = Pick<typeof import("./lance-runtime.js"), "makeArrowTable" | "chunksSchema">;

// Bounds one IN list and one delete, however many record ids a caller passes.
const IDS_PER_STATEMENT = 5_000;

/**
 * The store's writes to its chunks table, each telling the change log which records it changed, so
 * that the caches (this store's and the other stores' on the folder) keep what it did not touch
 * (see {@link ChunkWrites.write}).
 */
export class ChunkWrites {
  constructor(
    private readonly lance: ArrowRuntime,
    private readonly chunks: Table,
    private readonly dimensions: number,
    private readonly calls: TableCalls,
    // Tells the chunk cache and the record memory, and the other stores on the folder (change-log.ts).
    private readonly log: ChunkChangeLog,
  ) {}

  async upsert(chunks: readonly ChunkInput[]): Promise<void> {
    if (chunks.length === 0) return;
    for (const chunk of chunks) requireChunk(chunk, this.dimensions);
    // Two rows with one id in a single merge would both be inserted; keep the last.
    const rows = [...new Map(chunks.map((c) => [c.id, toChunkRow(c)])).values()];
    const data = this.lance.makeArrowTable(rows as unknown as Record<string, unknown>[], {
      schema: this.lance.chunksSchema(this.dimensions),
    });
    // The merge replaces the row of each id: the record it belonged to is the chunk's own only
    // when the id is chunkId() of the chunk's parts (types.ts asks for it, nothing enforced it).
    // An id given to another record or tenant changes a record this write cannot name, so the
    // caches then learn the new version at the next read and empty themselves.
    let touched: Map<string, Set<string>> | undefined = new Map();
    for (const chunk of chunks) {
      if (chunk.id !== chunkId(chunk)) {
        touched = undefined;
        break;
      }
      touched.set(chunk.tenant, (touched.get(chunk.tenant) ?? new Set()).add(chunk.recordId));
    }
    await this.write("upsert chunks", touched, () =>
      this.chunks.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data),
    );
  }

  async deleteByRecord(tenant: string, syncId: string, recordIds: readonly string[]): Promise<void> {
    const inSync = syncWhere(tenant, syncId);
    const ids = requireIds(recordIds, "recordIds");
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      const slice = ids.slice(i, i + IDS_PER_STATEMENT);
      const where = sqlAnd(inSync, sqlIn("record_id", slice));
      await this.write("delete chunks", new Map([[tenant, new Set(slice)]]), () => this.chunks.delete(where));
    }
  }

  async deleteStaleChunks(tenant: string, syncId: string, current: readonly CurrentContent[]): Promise<void> {
    const inSync = syncWhere(tenant, syncId);
    const keep = new Map(
      current.map((c) => [requireId(c.recordId, "recordId"), requireId(c.contentHash, "contentHash")]),
    );
    const ids = [...keep.keys()];
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      const rows = (await this.calls.read("find stale chunks", () =>
        this.chunks
          .query()
          .where(sqlAnd(inSync, sqlIn("record_id", ids.slice(i, i + IDS_PER_STATEMENT))))
          .select(["id", "record_id", "content_hash"])
          .toArray(),
      )) as Pick<ChunkRow, "id" | "record_id" | "content_hash">[];
      // Stale rows are picked in code, per record, so one record's current hash can never
      // delete another record's chunks.
      const staleRows = rows.filter((r) => keep.get(r.record_id) !== r.content_hash);
      for (let j = 0; j < staleRows.length; j += IDS_PER_STATEMENT) {
        const batch = staleRows.slice(j, j + IDS_PER_STATEMENT);
        const where = sqlAnd(
          inSync,
          sqlIn(
            "id",
            batch.map((r) => r.id),
          ),
        );
        const touched = new Map([[tenant, new Set(batch.map((r) => r.record_id))]]);
        await this.write("delete stale chunks", touched, () => this.chunks.delete(where));
      }
    }
  }

  async updateRecordMetadata(
    tenant: string,
    syncId: string,
    recordId: string,
    patch: Partial<ChunkMetadata>,
  ): Promise<void> {
    const where = sqlAnd(syncWhere(tenant, syncId), sqlEquals("record_id", requireId(recordId, "recordId")));
    const values = metadataPatchColumns(patch);
    if (Object.keys(values).length === 0) return;
    await this.write("update chunk metadata", new Map([[tenant, new Set([recordId])]]), () =>
      this.chunks.update({ where, values }),
    );
  }

  /** Deletes every chunk of one tenant's sync (the store then deletes the sync's state). */
  async deleteSync(tenant: string, syncId: string): Promise<void> {
    const where = syncWhere(tenant, syncId);
    await this.write("delete a sync's chunks", new Map([[tenant, "all" as const]]), () =>
      this.chunks.delete(where),
    );
  }

  /**
   * A write to the chunks table that changes only the `touched` records of each tenant ("all": any
   * of its records). When it made the version right after the one the chunk cache and the record
   * memory answer for, nothing else changed in between: they drop only those records and answer
   * for the new version. It is then logged for the other stores on the folder, which follow it the
   * same way (change-log.ts). A process's own ingest, or another process's, then empties neither
   * for every tenant; any other change (a compaction, an unlogged write) still does, at the next
   * read. Without `touched` (the records changed are not known) neither is told, and the log says
   * so: every store empties at the next read.
   */
  private async write(
    what: string,
    touched: TouchedRecords | undefined,
    run: () => Promise<{ version: number }>,
  ): Promise<void> {
    const { version } = await this.calls.write(what, run);
    await this.log.wrote(version, touched);
  }
}

/** The chunks of one tenant's sync. */
function syncWhere(tenant: string, syncId: string): string {
  return sqlAnd(
    sqlEquals("tenant", requireTenant(tenant)),
    sqlEquals("sync_id", requireId(syncId, "syncId")),
  );
}
