import type { RecordsApi, SyncsApi } from "../managed-sync/index.js";

/**
 * The part of the Managed Sync client that ingest uses. `ManagedSyncClient` satisfies it; naming
 * only these calls keeps the run's needs visible.
 */
export interface IngestSource {
  syncs: Pick<SyncsApi, "list">;
  records: Pick<RecordsApi, "pages" | "get" | "contentBytes">;
}
