// Which chunks table a change-log entry (change-log.ts) was written for. Entries are kept in the
// state table by table version, and the chunks table can be recreated under a surviving state
// table (its folder removed to re-ingest: it starts again at version 1), so a version alone may
// name a write to the table that was removed. The id lives in the chunks table's own schema (the
// `id` column's metadata), written in the same commit that creates the table, so no process can
// see the new table with the old id; it survives every write and compaction (measured on 0.31).
import { randomUUID } from "node:crypto";
import type { Table } from "@lancedb/lancedb";
import { Field, Schema } from "apache-arrow";

const TABLE_ID = "clearance:table-id";

/** The chunks schema with a new table id, for the table's creation. */
export function withTableId(schema: Schema): Schema {
  const fields = schema.fields.map((field) =>
    field.name === "id"
      ? new Field(
          field.name,
          field.type,
          field.nullable,
          new Map([...field.metadata, [TABLE_ID, randomUUID()]]),
        )
      : field,
  );
  return new Schema(fields, schema.metadata);
}

/** The id of the table as it is now (it changes only when the table is recreated); undefined when it has none. */
export async function tableIdOf(table: Table): Promise<string | undefined> {
  return idIn(await table.schema());
}

function idIn(schema: Schema): string | undefined {
  const field = schema.fields.find((f) => f.name === "id");
  return field?.metadata.get(TABLE_ID) || undefined;
}

/**
 * The table's id, given one first when it has none (a table created before ids: a metadata-only
 * commit). When that fails (a read-only folder) it stays without one, and this store neither
 * follows the change log nor writes followable entries: its caches empty at every change, as they
 * did before the log. Stores opening such a table at once each read "none" and commit an id, and
 * the later commit replaced the one an earlier store kept (measured: 3 processes opening at once,
 * 3 of 6 times); that store's entries were then no entry to the others until it caught up, which
 * a store that only writes never does. So the id given is the same for all of them: made of the
 * table's oldest version kept, which they see alike and a table recreated since cannot share.
 */
export async function ensureTableId(table: Table, schema?: Schema): Promise<string | undefined> {
  // The schema the opener already read, when it has one: a read costs 0.3–0.5 ms at 200 versions.
  const id = schema ? idIn(schema) : await tableIdOf(table);
  if (id) return id;
  const given = await legacyIdOf(table).catch(() => randomUUID());
  await table.updateFieldMetadata([{ path: "id", metadata: { [TABLE_ID]: given } }]).catch(() => undefined);
  return tableIdOf(table);
}

/** An id for a table made before ids, from its oldest version kept (a listing: once per table). */
async function legacyIdOf(table: Table): Promise<string> {
  const versions = await table.listVersions();
  const oldest = versions.reduce((a, b) => (b.version < a.version ? b : a));
  return `created-${oldest.version}-${new Date(oldest.timestamp).getTime()}`;
}
