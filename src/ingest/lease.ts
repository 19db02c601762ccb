import type { ChunkStore } from "../store/index.js";
import { IngestLeaseLostError, IngestLockedError } from "./errors.js";

/**
 * The lease that keeps two runs off the same sync, shared by every worker through the store. The
 * ids are JSON-quoted: joined with `:`, tenant `org:42`'s sync `s` and tenant `org`'s sync `42:s`
 * would share one lease, and one tenant's run would lock the other's sync out.
 *
 * @example leaseName("org:42", "sync-1") // 'ingest:["org:42","sync-1"]'
 */
export function leaseName(tenant: string, syncId: string): string {
  return `ingest:${JSON.stringify([tenant, syncId])}`;
}

/**
 * A held sync lease. It renews itself in the background every third of its TTL, so a slow page
 * cannot let it lapse, and `check()` before each cursor write turns a lost lease into an error.
 */
export class SyncLease {
  private lost = false;
  private renewedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;

  private constructor(
    private readonly store: ChunkStore,
    readonly name: string,
    private readonly holder: string,
    private readonly ttlMs: number,
    private readonly syncId: string,
  ) {}

  /** Takes the lease or throws {@link IngestLockedError} when another holder has it. */
  static async acquire(
    store: ChunkStore,
    options: { tenant: string; syncId: string; holder: string; ttlMs: number },
  ): Promise<SyncLease> {
    const name = leaseName(options.tenant, options.syncId);
    if (!(await store.acquireLease(name, options.holder, options.ttlMs))) {
      throw new IngestLockedError(options.syncId, name);
    }
    const lease = new SyncLease(store, name, options.holder, options.ttlMs, options.syncId);
    lease.timer = setInterval(() => void lease.renew(), Math.max(1, Math.floor(options.ttlMs / 3)));
    // A forgotten lease must not keep the process alive; its TTL frees it anyway.
    lease.timer.unref();
    return lease;
  }

  /**
   * Throws {@link IngestLeaseLostError} when another run took the lease. Renews first when the
   * background renewal is overdue (a CPU-bound extraction can starve its timer).
   */
  async check(): Promise<void> {
    if (Date.now() - this.renewedAt >= this.ttlMs / 3) await this.renew();
    if (this.lost) throw new IngestLeaseLostError(this.syncId, this.name);
  }

  /** Stops renewing and gives the lease up (a no-op when it was lost). */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (!this.lost) await this.store.releaseLease(this.name, this.holder);
  }

  private renew(): Promise<void> {
    this.renewing ??= (async () => {
      try {
        const started = Date.now();
        if (this.lost) return;
        if (await this.store.renewLease(this.name, this.holder, this.ttlMs)) this.renewedAt = started;
        else this.lost = true;
      } catch {
        // A store hiccup in the background is not a lost lease; the next check() renews again
        // and the run's own store writes surface a store that is really down.
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }
}
