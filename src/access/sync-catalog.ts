import { untilAborted } from "../managed-sync/signals.js";
import { PermissionsAbortedError, toPermissionsError } from "./errors.js";
import type { SyncKind } from "./managed-sync-access.js";

/** A sync as `GET /api/syncs` lists it: what record policies match on. */
export interface SyncDescription {
  id: string;
  pipeline: string;
  integration?: string;
  configurationName?: string | null;
}

/** What the catalog needs from the Managed Sync client (`client.syncs`). */
export interface SyncLister {
  list(options?: { signal?: AbortSignal }): Promise<SyncDescription[]>;
}

/**
 * The tenant's syncs and their kinds, from `GET /api/syncs`, refreshed after `ttlMs`. It answers
 * three questions: which syncs a pre-filter must list objects in, which syncs have a Permissions
 * API (`pipeline: "files"`), and what a record sync is (integration, pipeline, configuration name)
 * for its record policy. A sync it does not know is a record sync nobody described, so its chunks
 * are denied.
 */
export class SyncCatalog {
  readonly #syncs: SyncLister;
  readonly #ttlMs: number;
  readonly #maxStaleMs: number;
  #loaded: { at: number; syncs: Map<string, SyncDescription> } | undefined;
  // The newest listing asked for (listings are numbered as they start): joined by every caller
  // that does not need one started after a given moment.
  #pending: { id: number; listing: Promise<Map<string, SyncDescription>> } | undefined;
  #started = 0;
  // The number of the listing #loaded came from: an older one answering late never replaces it.
  #applied = 0;
  // When a 404 last made the catalog list the syncs again, per sync.
  readonly #relistedFor = new Map<string, number>();

  /**
   * `ttlMs` (default 30 s): how long a listing is fresh; in an active tenant a new sync reaches
   * pre-filtered queries, and a deleted record sync stops being read, within about this.
   * `maxStaleMs` (default 4.5 min): how long past that a listing still answers at once while a new
   * one is fetched in the background, so no query waits for `GET /api/syncs` unless the tenant was
   * idle that long (or the listing keeps failing: then queries fail closed). Together at most 5 min,
   * the listing's age before stale-while-revalidate: a record sync deleted while the tenant was idle
   * (only the listing says so: no Permissions API answers 404 for it) is read no longer than before.
   */
  constructor(syncs: SyncLister, options: { ttlMs?: number; maxStaleMs?: number } = {}) {
    this.#syncs = syncs;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxStaleMs = options.maxStaleMs ?? 4.5 * 60_000;
  }

  /** Every sync id of the tenant. */
  async syncIds(signal?: AbortSignal): Promise<string[]> {
    return [...(await this.#described(signal)).keys()];
  }

  /** `files` for a File Storage sync, `records` otherwise (and for a sync that is not listed). */
  async kind(syncId: string, signal?: AbortSignal): Promise<SyncKind> {
    return (await this.describe(syncId, signal))?.pipeline === "files" ? "files" : "records";
  }

  /** The sync as listed; undefined when the tenant has no such sync. */
  async describe(syncId: string, signal?: AbortSignal): Promise<SyncDescription | undefined> {
    let syncs = await this.#described(signal);
    // A sync enabled since the last listing: look once more before denying its records.
    if (!syncs.has(syncId) && this.#loaded && Date.now() - this.#loaded.at > 1_000) {
      this.#loaded = undefined;
      // A listing started from now on: one already on its way (a background refresh) may have
      // left before the sync was enabled.
      syncs = await this.#fetch(signal, this.#started);
    }
    return syncs.get(syncId);
  }

  /**
   * Whether a sync the Permissions API just answered 404 for is gone: lists the tenant's syncs
   * again and answers true when it is no longer listed, so its chunks are denied and the query
   * goes on instead of failing. A sync that keeps answering 404 while still listed is re-listed
   * at most once a second.
   */
  async confirmGone(syncId: string, signal?: AbortSignal): Promise<boolean> {
    const last = this.#relistedFor.get(syncId);
    let relisting: Promise<Map<string, SyncDescription>>;
    if (last === undefined || Date.now() - last >= 1_000) {
      this.#relistedFor.set(syncId, Date.now());
      this.#loaded = undefined;
      // A listing started after the 404: one already on its way may still list the deleted sync,
      // which would fail the query instead of denying the sync's chunks.
      relisting = this.#fetch(signal, this.#started);
    } else {
      relisting = this.#described(signal);
    }
    const gone = !(await relisting).has(syncId);
    if (gone) this.#relistedFor.delete(syncId);
    return gone;
  }

  async #described(signal?: AbortSignal): Promise<Map<string, SyncDescription>> {
    const age = this.#loaded ? Date.now() - this.#loaded.at : Number.POSITIVE_INFINITY;
    if (this.#loaded && age <= this.#ttlMs) return this.#loaded.syncs;
    if (this.#loaded && age <= this.#ttlMs + this.#maxStaleMs) {
      // Stale but usable: answered now, refreshed for the next query (with no caller's signal, as
      // the fetch is shared). A failure leaves the listing as it was; past maxStaleMs one is awaited.
      this.#fetch().catch(() => undefined);
      return this.#loaded.syncs;
    }
    return this.#fetch(signal);
  }

  /**
   * The listing of the newest `GET /api/syncs` (one started after listing number `after` when
   * given). The request itself carries no caller's signal: it is shared, and one caller leaving
   * (a chat client gone, a query's siblings cancelled) must not fail the others waiting on it.
   * Each caller stops waiting when its own signal fires; the request stays bounded by the client's
   * own timeout.
   */
  #fetch(signal?: AbortSignal, after = Number.NEGATIVE_INFINITY): Promise<Map<string, SyncDescription>> {
    if (!this.#pending || this.#pending.id <= after) {
      const id = ++this.#started;
      const listing = this.#syncs
        .list()
        .catch((error: unknown) => {
          // Not knowing the tenant's syncs means not knowing what may be read: fail closed, typed.
          throw toPermissionsError(error, "listing the tenant's syncs (GET /api/syncs)");
        })
        .then((list) => {
          const syncs = new Map(list.map((sync) => [sync.id, sync]));
          if (id > this.#applied) {
            this.#applied = id;
            this.#loaded = { at: Date.now(), syncs };
          }
          return syncs;
        })
        .finally(() => {
          if (this.#pending?.id === id) this.#pending = undefined;
        });
      this.#pending = { id, listing };
    }
    if (!signal) return this.#pending.listing;
    // The caller's own signal stops its own wait, never the listing others share.
    return untilAborted(this.#pending.listing, signal).catch((error: unknown) => {
      if (!signal.aborted || error !== signal.reason) throw error;
      throw new PermissionsAbortedError(
        "listing the tenant's syncs (GET /api/syncs) was aborted by the caller",
        {
          cause: signal.reason,
        },
      );
    });
  }
}
