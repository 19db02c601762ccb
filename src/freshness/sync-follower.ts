import { setTimeout as sleep } from "node:timers/promises";
import { type Coverage, type Invalidation, preciseNow } from "../access/index.js";
import {
  PermissionChangesCursorInvalidError,
  type PermissionChangesOptions,
  type PermissionChangesPage,
} from "../managed-sync/index.js";
import { type FeedTokens, THIS_PROCESS } from "./feed-tokens.js";
import { invalidationsOf } from "./invalidations.js";

/** Clock skew allowed for (with the server, and between replicas sharing feed positions). */
const DEFAULT_SKEW_MS = 5_000;

/** What a follower reads: the Managed Sync client's `permissions` namespace fits. */
export interface PermissionChangesReader {
  changes(syncId: string, options?: PermissionChangesOptions): AsyncIterable<PermissionChangesPage>;
}

export interface SyncFollowerOptions {
  tenant: string;
  syncId: string;
  reader: PermissionChangesReader;
  /** Drops what a change may have made stale in this tenant's caches. */
  invalidate: (scope: Invalidation) => void;
  /** Persists the feed position (optional: without it a restart starts from now). */
  tokens?: FeedTokens | undefined;
  intervalMs: number;
  /**
   * Clock skew allowed for (default 5 s): how far before "now" a read without a token starts, and
   * how long after a position another process saved (its `through`, on that process's clock) this
   * follower starts vouching.
   */
  skewMs?: number;
  onError?: ((error: unknown) => void) | undefined;
}

/** A follower's state, for health pages and tests. */
export interface FollowerStatus {
  tenant: string;
  syncId: string;
  state: "starting" | "following" | "failing" | "stopped";
  /** When the follower last read to the end of the feed (epoch ms). */
  caughtUpAt: number | undefined;
  failure: string | undefined;
  /** Times the feed refused the token (PERMISSION_CHANGES_CURSOR_INVALID) and the follower restarted. */
  restarts: number;
}

/**
 * Follows one sync's Permission Changes feed: every `intervalMs` it reads from its continuation
 * token to the end of the feed and turns each page's changes into precise invalidations. It can
 * then vouch for the sync's cached evidence (`coverage`): everything requested since it started
 * following was invalidated by every change up to its last caught-up poll. A token the feed no
 * longer accepts drops the sync's caches and restarts the read from now.
 */
export class SyncFollower {
  readonly tenant: string;
  readonly syncId: string;
  readonly #options: SyncFollowerOptions;
  readonly #abort = new AbortController();
  #token: string | undefined;
  /** Evidence requested at or after this is covered by the changes read since. */
  #since: number | undefined;
  /** When the read without a token began: `#since` once a read reaches the end. */
  #firstStartedAt: number | undefined;
  /** When the last poll that reached the end of the feed was sent. */
  #through: number | undefined;
  #failure: string | undefined;
  #restarts = 0;
  /** The token last persisted: an unchanged position is not written again. */
  #saved: string | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: SyncFollowerOptions) {
    this.#options = options;
    this.tenant = options.tenant;
    this.syncId = options.syncId;
  }

  /** Starts polling in the background (idempotent). */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops polling; its caches are unverified from now on. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  coverage(): Coverage {
    const name = `the permission-changes follower of sync ${this.syncId}`;
    if (this.stopped) return { verified: false, reason: `${name} is stopped` };
    // The failure's own text stays with onError (the server's log): this reason reaches every
    // caller's report, and an upstream failure names endpoints, request ids, hosts and settings.
    if (this.#failure !== undefined)
      return {
        verified: false,
        reason: `${name} is failing to read its feed (its onError, the server's log in clearance serve, says why)`,
      };
    if (this.#since === undefined || this.#through === undefined) {
      return { verified: false, reason: `${name} has not caught up with the feed yet` };
    }
    return { verified: true, since: this.#since, through: this.#through };
  }

  status(): FollowerStatus {
    return {
      tenant: this.tenant,
      syncId: this.syncId,
      state: this.stopped
        ? "stopped"
        : this.#failure !== undefined
          ? "failing"
          : this.#through === undefined
            ? "starting"
            : "following",
      caughtUpAt: this.#through,
      failure: this.#failure,
      restarts: this.#restarts,
    };
  }

  /** Reads the feed to its end once (the loop calls it every interval; tests may call it directly). */
  async poll(): Promise<void> {
    try {
      await this.#readToEnd();
      this.#failure = undefined;
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof PermissionChangesCursorInvalidError) {
        await this.#restart();
        return;
      }
      this.#failure = error instanceof Error ? error.message : String(error);
      this.#options.onError?.(error);
    }
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    await this.#resume();
    while (!signal.aborted) {
      await this.poll();
      try {
        await sleep(this.#options.intervalMs, undefined, { signal });
      } catch {
        return; // stopped
      }
    }
  }

  /** Picks up the position a previous follower of this sync saved, if any. */
  async #resume(): Promise<void> {
    try {
      const saved = await this.#options.tokens?.load(this.tenant, this.syncId);
      if (saved) {
        this.#token = saved.token;
        this.#saved = saved.token;
        // `through` is on the clock of whoever saved it. Another replica's clock running δ behind
        // ours would have this follower vouch for evidence requested up to δ before changes that
        // precede the token, which it never reads: the skew allowance the first read assumes
        // covers that (evidence of those few seconds is checked again).
        const skew = saved.writer === THIS_PROCESS ? 0 : (this.#options.skewMs ?? DEFAULT_SKEW_MS);
        this.#since = saved.through + skew;
      }
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  /** The feed refused the token: changes may have been missed, so nothing cached is trusted. */
  async #restart(): Promise<void> {
    this.#restarts += 1;
    this.#token = undefined;
    this.#saved = undefined;
    this.#since = undefined;
    this.#firstStartedAt = undefined;
    this.#through = undefined;
    this.#options.invalidate({ syncId: this.syncId });
    await this.#options.tokens?.forget(this.tenant, this.syncId).catch(this.#options.onError);
    await this.poll();
  }

  async #readToEnd(): Promise<void> {
    const { reader, syncId } = this.#options;
    const startedAt = preciseNow();
    const fresh = this.#token === undefined;
    // Kept until a read reaches the end: a first read that failed partway left a token, and the
    // read that goes on from it has seen every change since this one's start when it ends.
    if (fresh) this.#firstStartedAt = startedAt;
    // Paragon dates changes by the wall clock, which may have been set back since this process
    // started (preciseNow runs on from the start): the earlier of the two skips no change.
    const options: PermissionChangesOptions = fresh
      ? { startTime: new Date(Math.min(startedAt, Date.now()) - (this.#options.skewMs ?? DEFAULT_SKEW_MS)) }
      : { continuationToken: this.#token as string };
    const pages = reader.changes(syncId, { ...options, signal: this.#abort.signal })[Symbol.asyncIterator]();
    for (;;) {
      // Stamped before the request goes out: a change made before it is in what comes back.
      const sentAt = preciseNow();
      const next = await pages.next();
      if (next.done) return;
      const page = next.value;
      for (const scope of invalidationsOf(syncId, page.changes)) this.#options.invalidate(scope);
      this.#token = page.continuationToken;
      if (!page.end) continue;
      this.#since ??= this.#firstStartedAt;
      this.#through = sentAt;
      // Written only when the position moved: an idle feed costs no store writes.
      if (this.#options.tokens && this.#saved !== page.continuationToken) {
        this.#saved = page.continuationToken;
        await this.#options.tokens
          .save(this.tenant, syncId, { token: page.continuationToken, through: sentAt, writer: THIS_PROCESS })
          .catch(this.#options.onError);
      }
      return;
    }
  }
}
