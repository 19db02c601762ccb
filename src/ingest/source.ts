import type { RecordsApi, SyncsApi } from "../managed-sync/index.js";

/**
 * The part of the Managed Sync client that ingest uses. `ManagedSyncClient` satisfies it; naming
 * only these calls keeps the run's needs visible.
 */
export interface IngestSource {
  /** `get` confirms that a sync missing from the list was deleted; without it no sync is ever purged. */
  syncs: Pick<SyncsApi, "list"> & Partial<Pick<SyncsApi, "get">>;
  records: Pick<RecordsApi, "pages" | "get" | "contentBytes">;
}
