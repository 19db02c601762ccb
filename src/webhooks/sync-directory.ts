import { LRUCache } from "lru-cache";
import type { IngestSource } from "../ingest/index.js";
import type { SyncListItem } from "../managed-sync/index.js";
import { WebhookDeferredError, WebhookRejectedError } from "./errors.js";

export interface SyncDirectoryOptions {
  /** How long a tenant's sync list is trusted for the syncs it names (default 60 000 ms). */
  ttlMs?: number;
  /** Fewest ms between two refreshes of one tenant's list asked for by unknown sync ids (default 10 000). */
  refreshMinMs?: number;
  /** Tenants whose lists are kept (default 10 000; least recently used go first). */
  maxTenants?: number;
  now?: () => number;
}

interface Listing {
  /** When the request was sent: the list is evidence as of then, not of when it arrived. */
  requestedAt: number;
  syncs: SyncListItem[];
}

/**
 * Which syncs each tenant has, per `GET /api/syncs`, cached. It is also the negative cache for
 * unknown sync ids: an id missing from a list requested after the event was accepted is unknown,
 * and the event is rejected with no further call. An id missing from an older list asks for one
 * refresh, at most every `refreshMinMs` per tenant (the events wait for it, they are not failed), so
 * a flood of forged ids costs one upstream call, and a sync created a moment ago is still found.
 */
export class SyncDirectory {
  private readonly lists: LRUCache<string, Listing>;
  private readonly inFlight = new Map<string, Promise<Listing>>();
  private readonly ttlMs: number;
  private readonly refreshMinMs: number;
  private readonly now: () => number;
  /** `GET /api/syncs` calls made. */
  calls = 0;

  constructor(options: SyncDirectoryOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.refreshMinMs = options.refreshMinMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.lists = new LRUCache({ max: options.maxTenants ?? 10_000 });
  }

  /**
   * The sync an event names, for an event accepted at `acceptedAt`. Throws `WebhookRejectedError`
   * when the tenant has no such sync, `WebhookDeferredError` when that cannot be known before the
   * next allowed refresh.
   */
  async find(
    source: IngestSource,
    tenant: string,
    syncId: string,
    acceptedAt: number,
    signal: AbortSignal,
  ): Promise<SyncListItem> {
    for (;;) {
      const list = this.lists.get(tenant);
      const now = this.now();
      if (list && now - list.requestedAt <= this.ttlMs) {
        const sync = list.syncs.find((s) => s.id === syncId);
        if (sync) return sync;
        if (list.requestedAt >= acceptedAt) {
          throw new WebhookRejectedError(
            "WEBHOOK_UNKNOWN_SYNC",
            `Connected User ${tenant} has no sync ${syncId}: the event is stale or forged, so it is dropped`,
          );
        }
        const wait = list.requestedAt + this.refreshMinMs - now;
        if (wait > 0 && !this.inFlight.has(tenant)) {
          throw new WebhookDeferredError(
            "WEBHOOK_SYNC_UNCONFIRMED",
            `sync ${syncId} is not in Connected User ${tenant}'s sync list yet; it is looked up again in ${wait} ms`,
            { retryAfterMs: wait },
          );
        }
      }
      await this.refresh(source, tenant, signal);
    }
  }

  private refresh(source: IngestSource, tenant: string, signal: AbortSignal): Promise<Listing> {
    let running = this.inFlight.get(tenant);
    if (!running) {
      const requestedAt = this.now();
      this.calls++;
      running = source.syncs
        .list({ signal })
        .then((syncs) => {
          const listing = { requestedAt, syncs };
          this.lists.set(tenant, listing);
          return listing;
        })
        .finally(() => this.inFlight.delete(tenant));
      this.inFlight.set(tenant, running);
    }
    return running;
  }
}
