import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { ClearanceConfig } from "../config/index.js";
import { ClearanceError } from "../errors.js";
import type { ChunkStore } from "../store/index.js";

/**
 * Where the configured store is, as a person would look for it, with the variable that sets it:
 * an empty result must never pass for "you may not read anything" when the store is simply wrong.
 */
export function storeLocation(store: ClearanceConfig["store"]): string {
  return store.kind === "qdrant"
    ? `the Qdrant collection ${store.collection} at ${store.url} (QDRANT_URL, QDRANT_COLLECTION)`
    : `${resolve(store.dir)} (CLEARANCE_STORE_DIR)`;
}

/**
 * Refuses to open an embedded store folder that does not exist when only reading from it: LanceDB
 * would create an empty store there, and every question would come back empty.
 */
export function assertStoreExists(store: ClearanceConfig["store"]): void {
  if (store.kind !== "lancedb" || /^[a-z][a-z0-9+.-]*:\/\//i.test(store.dir)) return;
  if (!existsSync(store.dir)) {
    throw new ClearanceError(
      "STORE_NOT_FOUND",
      `no store at ${storeLocation(store)}: run \`clearance ingest\` first, or set CLEARANCE_STORE_DIR to the folder ingest wrote`,
    );
  }
}

/** The tenants among `tenants` that have no chunk in the store (never ingested, or a mistyped tenant id). */
export async function tenantsWithoutChunks(store: ChunkStore, tenants: readonly string[]): Promise<string[]> {
  const empty: string[] = [];
  for (const tenant of tenants) if ((await store.count({ tenant })) === 0) empty.push(tenant);
  return empty;
}

/** A tenant has no chunk in the configured store: never ingested, a mistyped tenant id, or the wrong store. */
export class StoreEmptyError extends ClearanceError {
  constructor(
    readonly tenant: string,
    store: ClearanceConfig["store"],
  ) {
    super(
      "STORE_EMPTY",
      `no chunks for tenant ${tenant} in ${storeLocation(store)}: run \`clearance ingest\` first (or check the tenant id, CLEARANCE_TENANT, and the store location)`,
    );
  }
}

/**
 * The store's indexes could not be read before serving: every dense search would fail the same
 * way, so the server does not start on it (a damaged or partly copied store folder, or storage
 * that is down).
 */
export class StoreWarmUpError extends ClearanceError {
  constructor(store: ClearanceConfig["store"], cause: unknown) {
    super(
      "STORE_WARM_UP_FAILED",
      `could not read the indexes of ${storeLocation(store)} before serving (${cause instanceof Error ? cause.message : String(cause)}): if its storage is reachable, the folder is damaged or incomplete; restore it from a backup, or run \`clearance ingest\` into a new CLEARANCE_STORE_DIR and serve from that`,
      { cause },
    );
  }
}
