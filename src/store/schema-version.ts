import { StoreError } from "./errors.js";

/**
 * The data layout this Clearance writes and reads, stamped in every store. 2: record versions and
 * chunk ids keyed by (tenant, sync, record), named state values, unindexable record versions.
 */
export const STORE_SCHEMA_VERSION = 2;

/** Where the stamp lives among the named state values: a scope no caller collides with by accident. */
export const SCHEMA_STATE = { scope: "clearance:store", key: "schema" } as const;

/**
 * The store was written by a Clearance with another data layout. Layout 1 (before record versions
 * and chunk ids were keyed by sync) cannot be read correctly: re-ingest into a new store.
 */
export class StoreSchemaError extends StoreError {
  readonly found: number;

  constructor(where: string, found: number) {
    super(
      "STORE_SCHEMA_MISMATCH",
      found < STORE_SCHEMA_VERSION
        ? `the store at ${where} was written by an older Clearance (data layout ${found}; this one needs ` +
            `${STORE_SCHEMA_VERSION}, which keys every record by tenant, sync and record id): point the store at a new, ` +
            "empty location (store.dir, or another Qdrant collection), re-ingest with `clearance ingest --full`, then delete the old one"
        : `the store at ${where} was written by a newer Clearance (data layout ${found}; this one reads ` +
            `${STORE_SCHEMA_VERSION}): upgrade Clearance, or point the store at another location`,
    );
    this.found = found;
  }
}

/** How a backend reads and writes its stamp, and tells an empty store from one holding data. */
export interface SchemaStampIo {
  read(): Promise<string | undefined>;
  hasData(): Promise<boolean>;
  write(value: string): Promise<void>;
}

/**
 * Stamps a new store with {@link STORE_SCHEMA_VERSION} and refuses one stamped otherwise. A store
 * holding data but no stamp was written before stamps existed (layout 1). A store being created
 * by another process right now has no data yet, so it counts as new.
 */
export async function ensureSchemaVersion(where: string, io: SchemaStampIo): Promise<void> {
  const stamp = await io.read();
  if (stamp === undefined) {
    if (await io.hasData()) throw new StoreSchemaError(where, 1);
    await io.write(String(STORE_SCHEMA_VERSION));
    return;
  }
  const found = Number(stamp);
  if (found !== STORE_SCHEMA_VERSION) throw new StoreSchemaError(where, Number.isFinite(found) ? found : 0);
}
