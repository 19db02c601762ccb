import { setTimeout as sleep } from "node:timers/promises";
import { type Connection, connect, Session, type Table } from "@lancedb/lancedb";
import { FixedSizeList, type Schema } from "apache-arrow";
import { StoreError } from "../errors.js";
import { TABLES } from "./columns.js";
import { chunksSchema, leasesSchema, recordsSchema, stateSchema, syncStateSchema } from "./schema.js";
import { ensureTableId, withTableId } from "./table-id.js";

// Opening a new folder while another process creates it takes a few tries at most.
const OPEN_ATTEMPTS = 10;

/** The tables of one store folder. */
export interface LanceTables {
  db: Connection;
  chunks: Table;
  /** The chunks table's id when opened (table-id.ts); undefined when it has none. */
  chunksId: string | undefined;
  records: Table;
  syncState: Table;
  leases: Table;
  state: Table;
}

/** Opens the store folder (or object-store URI), creating missing tables; checks the vector size. */
export async function openTables(
  uri: string,
  dimensions: number,
  metadataCacheBytes: number,
): Promise<LanceTables> {
  let db: Connection;
  try {
    // 0 = check for a newer table version on every read, so several processes (or machines on a
    // shared URI) see each other's writes, leases included.
    // LanceDB's metadata cache defaults to 1 GB and keeps entries per table version; with every
    // small-table write a new version it grew ~0.07 MB per write until that cap (issue 10). The
    // index cache keeps LanceDB's default.
    const session = new Session(null, BigInt(metadataCacheBytes));
    db = await connect(uri, { readConsistencyInterval: 0, session });
  } catch (cause) {
    throw new StoreError("STORE_OPEN_FAILED", `cannot open the LanceDB store at ${uri}: ${reasonOf(cause)}`, {
      cause,
    });
  }
  const chunks = await openOrCreate(db, uri, TABLES.chunks, withTableId(chunksSchema(dimensions)));
  // Read once for both: the vectors' size and the table's id.
  const schema = await chunks.schema();
  checkDimensions(schema, dimensions, uri);
  const tables: LanceTables = {
    db,
    chunks,
    chunksId: await ensureTableId(chunks, schema),
    records: await openOrCreate(db, uri, TABLES.records, recordsSchema),
    syncState: await openOrCreate(db, uri, TABLES.syncState, syncStateSchema),
    leases: await openOrCreate(db, uri, TABLES.leases, leasesSchema),
    state: await openOrCreate(db, uri, TABLES.state, stateSchema),
  };
  return tables;
}

async function openOrCreate(db: Connection, uri: string, name: string, schema: Schema): Promise<Table> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= OPEN_ATTEMPTS; attempt++) {
    try {
      if ((await db.tableNames()).includes(name)) return await db.openTable(name);
      return await db.createEmptyTable(name, schema, { mode: "create" });
    } catch (cause) {
      // Another process is creating the same table right now: its folder is listed before its
      // first version is committed, so both "open" and "create" can fail until that lands.
      lastError = cause;
      await sleep(25 * attempt);
    }
  }
  throw new StoreError(
    "STORE_OPEN_FAILED",
    `cannot open or create table ${name} in ${uri}: ${reasonOf(lastError)} (check the store folder, CLEARANCE_STORE_DIR)`,
    { cause: lastError },
  );
}

/** The first line of what LanceDB said, short enough for one line of a message. */
function reasonOf(cause: unknown): string {
  const text = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0]!;
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

function checkDimensions(schema: Schema, dimensions: number, uri: string): void {
  const field = schema.fields.find((f) => f.name === "vector");
  const type = field?.type;
  const stored = type instanceof FixedSizeList ? type.listSize : (type as { listSize?: number })?.listSize;
  if (stored !== dimensions) {
    throw new StoreError(
      "STORE_DIMENSIONS_MISMATCH",
      `the store at ${uri} holds ${stored}-dimension vectors but the embedder makes ${dimensions}: ` +
        "use the embedder the store was built with, or point the store at a new folder and re-ingest",
    );
  }
}
