import type { ChangeCoverage, Coverage, Invalidation } from "../access/index.js";
import { FeedTokens, type StateStore } from "./feed-tokens.js";
import { type FollowerStatus, type PermissionChangesReader, SyncFollower } from "./sync-follower.js";

/** Default poll interval: a group change reaches the caches within about this long. */
export const DEFAULT_FOLLOW_INTERVAL_MS = 2_000;

export interface PermissionFollowerOptions {
  /** The tenant's Permissions API (its Managed Sync client's `permissions`). */
  readerFor: (tenant: string) => PermissionChangesReader;
  /** Drops what a change may have made stale in one tenant's caches (`TenantRetrievers.invalidate`). */
  invalidate: (tenant: string, scope: Invalidation) => void;
  /** Keeps each sync's feed position (scope `feed:<tenant>`), so a restart resumes. Optional. */
  store?: StateStore;
  /** Poll interval per sync (default 2 s). */
  intervalMs?: number;
  /** A sync nobody asked about for this long stops being followed (default 10 min). */
  idleMs?: number;
  onError?: (error: unknown, where: { tenant: string; syncId: string }) => void;
}

/**
 * Follows the Permission Changes feed of every sync in use, for every tenant: one `SyncFollower`
 * per (tenant, sync), started the first time a retriever asks whether that sync's caches can be
 * trusted (`forTenant(tenant).coverage(syncId)`), stopped after `idleMs` without being asked.
 * Changes become invalidations through `invalidate(tenant, scope)`.
 *
 * @example
 * const follower = new PermissionFollower({ readerFor: (t) => clients.forTenant(t).permissions, invalidate: (t, s) => retrievers.invalidate(t, s), store });
 * createManagedSyncRetriever({ ..., tenant, freshnessMs: 60_000, changes: follower.forTenant(tenant) });
 */
export class PermissionFollower {
  readonly intervalMs: number;
  readonly #options: PermissionFollowerOptions;
  readonly #tokens: FeedTokens | undefined;
  readonly #followers = new Map<string, { follower: SyncFollower; askedAt: number }>();
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor(options: PermissionFollowerOptions) {
    this.#options = options;
    this.intervalMs = options.intervalMs ?? DEFAULT_FOLLOW_INTERVAL_MS;
    this.#tokens = options.store ? new FeedTokens(options.store) : undefined;
    const idleMs = options.idleMs ?? 10 * 60_000;
    this.#sweeper = setInterval(() => this.#stopIdle(idleMs), Math.min(idleMs, 60_000));
    this.#sweeper.unref();
  }

  /** The proof source a tenant's retriever consults (its `changes` option). */
  forTenant(tenant: string): ChangeCoverage {
    return { coverage: (syncId) => this.coverage(tenant, syncId) };
  }

  /** What can be proven about one sync's caches; starts following it if nobody does yet. */
  coverage(tenant: string, syncId: string): Coverage {
    if (this.#closed) return { verified: false, reason: "the permission-changes follower is stopped" };
    return this.follow(tenant, syncId).coverage();
  }

  /** Starts following a sync now (e.g. every sync of the configured tenants at startup). */
  follow(tenant: string, syncId: string): SyncFollower {
    const key = `${tenant}\u0000${syncId}`;
    const held = this.#followers.get(key);
    if (held && !held.follower.stopped) {
      held.askedAt = Date.now();
      return held.follower;
    }
    const follower = new SyncFollower({
      tenant,
      syncId,
      reader: this.#options.readerFor(tenant),
      invalidate: (scope) => this.#options.invalidate(tenant, scope),
      tokens: this.#tokens,
      intervalMs: this.intervalMs,
      onError: (error) => this.#options.onError?.(error, { tenant, syncId }),
    });
    this.#followers.set(key, { follower, askedAt: Date.now() });
    if (!this.#closed) follower.start();
    return follower;
  }

  /** Every follower's state, for health pages. */
  status(): FollowerStatus[] {
    return [...this.#followers.values()].map(({ follower }) => follower.status());
  }

  /** Stops every follower; caches are unverified from then on. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    await Promise.all([...this.#followers.values()].map(({ follower }) => follower.stop()));
  }

  #stopIdle(idleMs: number): void {
    const now = Date.now();
    for (const [key, held] of this.#followers) {
      if (now - held.askedAt < idleMs) continue;
      this.#followers.delete(key);
      void held.follower.stop();
    }
  }
}
