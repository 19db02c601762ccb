import { ManagedSyncHttpError } from "../managed-sync/index.js";
import type { ChunkStore } from "../store/index.js";
import { IngestLockedError } from "./errors.js";
import { emit, type IngestProgressListener } from "./events.js";
import { SyncLease } from "./lease.js";
import { isRunFatal } from "./prepare.js";
import type { SyncInfo } from "./record-metadata.js";
import type { RemovedSync } from "./report.js";
import { retryScope } from "./retry-list.js";
import type { IngestSource } from "./source.js";

/** The state scope where ingest notes every sync it writes for a tenant (key: sync id). */
export function storedSyncsScope(tenant: string): string {
  return `ingest-syncs:${tenant}`;
}

/**
 * Notes the syncs a run is about to write, before any of their writes, so that a sync deleted
 * later can be found and purged. Returns every sync the store holds data of for the tenant.
 */
export async function noteStoredSyncs(
  store: ChunkStore,
  tenant: string,
  syncs: readonly SyncInfo[],
): Promise<Set<string>> {
  const scope = storedSyncsScope(tenant);
  const stored = new Set((await store.listState(scope)).keys());
  for (const sync of syncs) {
    if (stored.has(sync.id)) continue;
    await store.putState(
      scope,
      sync.id,
      JSON.stringify({ integration: sync.integration, pipeline: sync.pipeline }),
    );
    stored.add(sync.id);
  }
  return stored;
}

/** What purging needs from the run. */
export interface PurgeContext {
  store: ChunkStore;
  source: IngestSource;
  tenant: string;
  holder: string;
  leaseTtlMs: number;
  onProgress?: IngestProgressListener;
  signal?: AbortSignal;
}

/**
 * Purges each stored sync that Managed Sync no longer lists and confirms deleted (`GET
 * /api/syncs/{id}` answers 404): its chunks, record versions, cursor and retry list, under its
 * lease. A sync that is merely missing from a listing, or that cannot be asked about right now,
 * is left alone; the next run asks again.
 */
export async function purgeDeletedSyncs(
  context: PurgeContext,
  stored: Iterable<string>,
  listed: ReadonlySet<string>,
): Promise<RemovedSync[]> {
  const { store, tenant, signal } = context;
  const removed: RemovedSync[] = [];
  for (const syncId of stored) {
    if (listed.has(syncId) || !(await confirmedDeleted(context.source, syncId, signal))) continue;
    let lease: SyncLease;
    try {
      lease = await SyncLease.acquire(store, {
        tenant,
        syncId,
        holder: context.holder,
        ttlMs: context.leaseTtlMs,
      });
    } catch (error) {
      if (error instanceof IngestLockedError) continue;
      throw error;
    }
    try {
      const chunks = await store.count({ tenant, syncIds: [syncId] });
      await store.deleteSync(tenant, syncId);
      await store.deleteState(retryScope(tenant), syncId);
      // Last: a crash before it leaves the sync noted, so the next run finishes the purge.
      await store.deleteState(storedSyncsScope(tenant), syncId);
      removed.push({ syncId, chunks });
      emit(context.onProgress, { type: "sync-removed", syncId, chunks });
    } finally {
      await lease.release().catch(() => undefined);
    }
  }
  return removed;
}

async function confirmedDeleted(
  source: IngestSource,
  syncId: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (!source.syncs.get) return false;
  try {
    await source.syncs.get(syncId, signal ? { signal } : {});
    return false;
  } catch (error) {
    if (error instanceof ManagedSyncHttpError && error.status === 404) return true;
    if (isRunFatal(error, signal)) throw error;
    return false;
  }
}
