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
import {
  type InvalidRecord,
  isMalformedRecordError,
  ManagedSyncHttpError,
  type SyncedRecord,
  type SyncListItem,
} from "../managed-sync/index.js";
import type { OwnerDirectory, OwnersInput } from "../records/index.js";
import type { ChunkStore } from "../store/index.js";
import { WebhookDeferredError, WebhookProcessingError, WebhookRejectedError } from "./errors.js";
import type { WebhookBatch, WebhookWorker } from "./processor.js";
import { SyncDirectory } from "./sync-directory.js";

/** Ingest settings passed through to every run (chunking, limits), so webhook and cron runs agree. */
export type WebhookIngestSettings = Omit<
  IngestOptions,
  "client" | "store" | "embeddings" | "tenant" | "syncs" | "mode" | "onProgress" | "signal" | "optimize"
>;

/**
 * The tenants this deployment serves (a tenant registry). Events route by the payload's `user.id`;
 * one of a tenant that is not known is applied only if `discover` exists, and then registers it.
 */
export interface WebhookTenants {
  isKnown(tenant: string): boolean | Promise<boolean>;
  /**
   * Registers a tenant first seen in a webhook, called once its event proved valid (the sync it
   * names is in that tenant's sync list). Absent: discovery is off, and such events are
   * dead-lettered (`WEBHOOK_UNKNOWN_TENANT`). Throw `WebhookRejectedError` to refuse one.
   */
  discover?(tenant: string): void | Promise<void>;
}

export interface IngestWorkerOptions {
  store: ChunkStore;
  embeddings: EmbeddingsInterface;
  /** Which tenants are served; absent: any tenant `clientFor` gives a client for. */
  tenants?: WebhookTenants;
  /**
   * The Managed Sync client authenticated as this Connected User (a `ManagedSyncClient`). Throw
   * `WebhookRejectedError` for a tenant this server cannot serve: the event is dead-lettered at once.
   */
  clientFor: (tenant: string) => IngestSource | Promise<IngestSource>;
  /** Chunking and limits: pass the same values the cron run uses, or every record re-embeds. */
  ingest?: WebhookIngestSettings;
  /**
   * Each tenant's owner ids → people (over `ingest.owners`, which serves every tenant): pass what
   * the cron run's `ingestTenants` gets, or webhook runs render owners differently.
   */
  ownersFor?: (tenant: string) => OwnersInput | OwnerDirectory | undefined;
  /** Told about every record an event touched, so that tenant's cached permission decisions about it are dropped. */
  onPermissionChange?: (tenant: string, syncId: string, recordId: string) => void;
  /** Record fetches in flight per batch (default 4). */
  fetchConcurrency?: number;
  /** How long a tenant's sync list is trusted (default 60 s). */
  syncListTtlMs?: number;
  /** Fewest ms between two sync-list refreshes of a tenant asked for by unknown sync ids (default 10 s). */
  syncRefreshMinMs?: number;
  /** Told after each run that wrote to the store (the caller compacts now and then; runs do not). */
  onWrite?: () => void;
}

/**
 * The worker that applies webhook events through the ingest pipeline. Each batch of record hints
 * is re-fetched from the Sync API (payloads carry no record data and no signature); what the API
 * returns becomes one page of an incremental `ingest()` run, so the content-hash comparison,
 * metadata-only patches, write ordering and the sync lease are exactly the cron run's. A 404 is a
 * deletion or a revoked record: a tombstone for that record of that same sync, under the lease.
 */
export function createIngestWorker(options: IngestWorkerOptions): WebhookWorker {
  const syncs = new SyncDirectory({
    ...(options.syncListTtlMs !== undefined ? { ttlMs: options.syncListTtlMs } : {}),
    ...(options.syncRefreshMinMs !== undefined ? { refreshMinMs: options.syncRefreshMinMs } : {}),
  });
  // One run per event batch: without a shared index each deal event would pull the whole companies sync.
  const companyNames = options.ingest?.companyNames ?? new CompanyNameCache();

  /** The tenant's client and the sync the batch names, once both are proven; registers a new tenant. */
  async function open(batch: WebhookBatch, signal: AbortSignal) {
    const { tenant, syncId } = batch;
    const known = options.tenants ? await options.tenants.isKnown(tenant) : true;
    if (!known && !options.tenants?.discover) {
      throw new WebhookRejectedError(
        "WEBHOOK_UNKNOWN_TENANT",
        `tenant ${tenant} is not configured and tenant discovery is off, so its event is dropped: add the tenant to the configuration (or turn discovery on) and its next events apply`,
      );
    }
    const source = await options.clientFor(tenant);
    const sync = await syncs.find(source, tenant, syncId, batch.acceptedAt, signal);
    if (!known) await options.tenants?.discover?.(tenant);
    return { source, sync };
  }

  async function run(
    source: IngestSource,
    tenant: string,
    syncId: string,
    signal: AbortSignal,
  ): Promise<{ report: IngestReport; touched: Map<string, RecordOutcome> }> {
    const touched = new Map<string, RecordOutcome>();
    const owners = options.ownersFor?.(tenant);
    const report = await ingest({
      ...options.ingest,
      ...(owners !== undefined ? { owners } : {}),
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
        // A record served without an id ("") has no cached decisions to drop.
        if (event.type === "record-done" && event.recordId) touched.set(event.recordId, event.outcome);
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
    for (const recordId of touched.keys()) options.onPermissionChange?.(tenant, syncId, recordId);
    return { report, touched };
  }

  return {
    async pullSync(batch, signal) {
      const { source } = await open(batch, signal);
      await run(source, batch.tenant, batch.syncId, signal);
    },

    async applyRecords(batch, recordIds, signal) {
      const { tenant, syncId } = batch;
      const { source, sync } = await open(batch, signal);
      const failures = new Map<string, Error>();
      const found: SyncedRecord[] = [];
      const malformed: InvalidRecord[] = [];
      const missing: string[] = [];
      const limit = pLimit(options.fetchConcurrency ?? 4);
      await Promise.all(
        recordIds.map((recordId) =>
          limit(async () => {
            try {
              found.push(await source.records.get(syncId, recordId, { signal }));
            } catch (error) {
              if (error instanceof ManagedSyncHttpError && error.status === 404) missing.push(recordId);
              // Fails through the page like a pulled one: its old chunks go, the cron run retries it.
              else if (isMalformedRecordError(error))
                malformed.push({ recordId, index: malformed.length, error });
              else if (signal.aborted || isCredentialError(error)) throw error;
              else failures.set(recordId, error as Error);
            }
          }),
        ),
      );
      // Gone from the API: a tombstone, applied under the sync's lease like the rest of the page,
      // even when the store holds nothing of the record yet. A run holding the lease may be about
      // to write it (it read the record before the delete), and no later pull would tell: the
      // event must wait for that run (deferred), not be done. Deletes are keyed by (tenant, sync,
      // record), so a forged or misrouted hint cannot touch another sync's record with the same id.
      const tombstones = missing.map((id): SyncedRecord => ({ id, deleted: true }));
      const page = [...found, ...tombstones];
      if (page.length + malformed.length === 0) return failures;

      const { report, touched } = await run(onePage(source, sync, page, malformed), tenant, syncId, signal);
      const applied = [...page.map((r) => r.id), ...malformed.flatMap((m) => m.recordId ?? [])];
      for (const recordId of applied) {
        const outcome = touched.get(recordId);
        if (outcome === "failed") {
          const issue = report.failures.find((f) => f.recordId === recordId);
          failures.set(
            recordId,
            new WebhookProcessingError(
              issue?.code ?? "WEBHOOK_RECORD_FAILED",
              `${issue?.name ?? recordId}: ${issue?.reason ?? "ingest recorded a failure"}`,
            ),
          );
        } else if (outcome === undefined) {
          failures.set(
            recordId,
            new WebhookProcessingError("WEBHOOK_RECORD_NOT_APPLIED", `record ${recordId} was not processed`),
          );
        }
      }
      return failures;
    },
  };
}

/** A source whose pull is exactly these records, once, with no cursor (so the saved cursor stays). */
function onePage(
  source: IngestSource,
  sync: SyncListItem,
  records: SyncedRecord[],
  invalid: InvalidRecord[],
): IngestSource {
  return {
    syncs: { list: async () => [sync] },
    records: {
      get: (...args) => source.records.get(...args),
      contentBytes: (...args) => source.records.contentBytes(...args),
      async *pages() {
        yield {
          records,
          invalid,
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
