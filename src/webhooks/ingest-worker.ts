import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import pLimit from "p-limit";
import {
  CompanyNameCache,
  type IngestOptions,
  type IngestReport,
  type IngestSource,
  ingest,
  type RecordOutcome,
} from "../ingest/index.js";
import { ManagedSyncHttpError, type SyncedRecord, type SyncListItem } from "../managed-sync/index.js";
import type { ChunkStore } from "../store/index.js";
import { WebhookDeferredError, WebhookProcessingError, WebhookRejectedError } from "./errors.js";
import type { WebhookWorker } from "./processor.js";

/** Ingest settings passed through to every run (chunking, limits), so webhook and cron runs agree. */
export type WebhookIngestSettings = Omit<
  IngestOptions,
  "client" | "store" | "embeddings" | "tenant" | "syncs" | "mode" | "onProgress" | "signal" | "optimize"
>;

export interface IngestWorkerOptions {
  store: ChunkStore;
  embeddings: EmbeddingsInterface;
  /**
   * The Managed Sync client authenticated as this Connected User (a `ManagedSyncClient`). The
   * payload names the user, so throw `WebhookRejectedError` for one this server does not serve:
   * the event is dead-lettered at once.
   */
  clientFor: (tenant: string) => IngestSource | Promise<IngestSource>;
  /** Chunking and limits: pass the same values the cron run uses, or every record re-embeds. */
  ingest?: WebhookIngestSettings;
  /** Told about every record an event touched, so cached permission decisions about it are dropped. */
  onPermissionChange?: (recordId: string, syncId: string) => void;
  /** Record fetches in flight per batch (default 4). */
  fetchConcurrency?: number;
  /** How long a tenant's sync list is trusted (default 60 s); an unknown sync id refreshes it once. */
  syncListTtlMs?: number;
  /** Told after each run that wrote to the store (the caller compacts now and then; runs do not). */
  onWrite?: () => void;
}

/**
 * The worker that applies webhook events through the ingest pipeline. Each batch of record hints
 * is re-fetched from the Sync API (payloads carry no record data and no signature); what the API
 * returns becomes one page of an incremental `ingest()` run, so the content-hash comparison,
 * metadata-only patches, write ordering and the sync lease are exactly the cron run's. A 404 is a
 * deletion or a revoked record, applied only when the store holds that record for that same sync.
 */
export function createIngestWorker(options: IngestWorkerOptions): WebhookWorker {
  const syncLists = new Map<string, { at: number; syncs: SyncListItem[] }>();
  // One run per event batch: without a shared index each deal event would pull the whole companies sync.
  const companyNames = options.ingest?.companyNames ?? new CompanyNameCache();
  const ttl = options.syncListTtlMs ?? 60_000;

  async function syncOf(source: IngestSource, tenant: string, syncId: string, signal: AbortSignal) {
    for (const fresh of [false, true]) {
      let cached = syncLists.get(tenant);
      if (fresh || !cached || Date.now() - cached.at > ttl) {
        cached = { at: Date.now(), syncs: await source.syncs.list({ signal }) };
        syncLists.set(tenant, cached);
      }
      const sync = cached.syncs.find((s) => s.id === syncId);
      if (sync) return sync;
    }
    throw new WebhookRejectedError(
      "WEBHOOK_UNKNOWN_SYNC",
      `Connected User ${tenant} has no sync ${syncId}: the event is stale or forged, so it is dropped`,
    );
  }

  async function run(
    source: IngestSource,
    tenant: string,
    syncId: string,
    signal: AbortSignal,
  ): Promise<{ report: IngestReport; touched: Map<string, RecordOutcome> }> {
    const touched = new Map<string, RecordOutcome>();
    const report = await ingest({
      ...options.ingest,
      companyNames,
      client: source,
      store: options.store,
      embeddings: options.embeddings,
      tenant,
      syncs: [syncId],
      mode: "incremental",
      // Compacting the whole store after a run of a few records costs more than the run (see StoreOptimizer).
      optimize: false,
      signal,
      onProgress: (event) => {
        if (event.type === "record-done") touched.set(event.recordId, event.outcome);
      },
    });
    const sync = report.syncs[0];
    if (sync?.status === "locked") {
      throw new WebhookDeferredError(
        "WEBHOOK_SYNC_BUSY",
        `another ingest run holds sync ${syncId}; the event waits for it`,
      );
    }
    if (report.error || sync?.status === "aborted") {
      const error = report.error ?? sync?.error;
      throw new WebhookProcessingError(
        "WEBHOOK_INGEST_FAILED",
        `ingest of sync ${syncId} failed (${error?.code}): ${error?.message}`,
      );
    }
    const { chunksWritten, deleted, metadataOnly } = report.counts;
    if (chunksWritten + deleted + metadataOnly > 0) options.onWrite?.();
    for (const recordId of touched.keys()) options.onPermissionChange?.(recordId, syncId);
    return { report, touched };
  }

  return {
    async pullSync(tenant, syncId, signal) {
      const source = await options.clientFor(tenant);
      await syncOf(source, tenant, syncId, signal);
      await run(source, tenant, syncId, signal);
    },

    async applyRecords(tenant, syncId, recordIds, signal) {
      const source = await options.clientFor(tenant);
      const sync = await syncOf(source, tenant, syncId, signal);
      const failures = new Map<string, Error>();
      const found: SyncedRecord[] = [];
      const missing: string[] = [];
      const limit = pLimit(options.fetchConcurrency ?? 4);
      await Promise.all(
        recordIds.map((recordId) =>
          limit(async () => {
            try {
              found.push(await source.records.get(syncId, recordId, { signal }));
            } catch (error) {
              if (error instanceof ManagedSyncHttpError && error.status === 404) missing.push(recordId);
              else if (signal.aborted || isCredentialError(error)) throw error;
              else failures.set(recordId, error as Error);
            }
          }),
        ),
      );
      // Gone from the API: delete only what the store holds for this sync (versions are keyed by
      // sync, so a forged or misrouted hint cannot touch another sync's record with the same id).
      const stored =
        missing.length > 0 ? await options.store.getRecordVersions(tenant, syncId, missing) : new Map();
      const tombstones = missing
        .filter((id) => stored.has(id))
        .map((id): SyncedRecord => ({ id, deleted: true }));
      const page = [...found, ...tombstones];
      if (page.length === 0) return failures;

      const { report, touched } = await run(onePage(source, sync, page), tenant, syncId, signal);
      for (const record of page) {
        const outcome = touched.get(record.id);
        if (outcome === "failed") {
          const issue = report.failures.find((f) => f.recordId === record.id);
          failures.set(
            record.id,
            new WebhookProcessingError(
              issue?.code ?? "WEBHOOK_RECORD_FAILED",
              `${issue?.name ?? record.id}: ${issue?.reason ?? "ingest recorded a failure"}`,
            ),
          );
        } else if (outcome === undefined) {
          failures.set(
            record.id,
            new WebhookProcessingError("WEBHOOK_RECORD_NOT_APPLIED", `record ${record.id} was not processed`),
          );
        }
      }
      return failures;
    },
  };
}

/** A source whose pull is exactly these records, once, with no cursor (so the saved cursor stays). */
function onePage(source: IngestSource, sync: SyncListItem, records: SyncedRecord[]): IngestSource {
  return {
    syncs: { list: async () => [sync] },
    records: {
      get: (...args) => source.records.get(...args),
      contentBytes: (...args) => source.records.contentBytes(...args),
      async *pages() {
        yield {
          records,
          cursor: undefined,
          remainingRecords: 0,
          totalRecords: undefined,
          totalActiveRecords: undefined,
          lastSeen: undefined,
        };
      },
    },
  };
}

function isCredentialError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === "UNAUTHORIZED" || code === "FORBIDDEN" || code === "TOKEN_EXPIRED" || code === "TOKEN_INVALID"
  );
}
