import { setTimeout as sleep } from "node:timers/promises";
import { StoreError, StoreInputError } from "../errors.js";

// A commit that loses a race to another writer is retried this many times in all.
const WRITE_ATTEMPTS = 6;

/**
 * How the store calls its LanceDB tables: a failed call becomes a StoreError saying what failed,
 * a write is retried when it loses a commit race, and every call is remembered in the store's
 * in-flight set until it settles, so `close()` can let it finish first.
 */
export class TableCalls {
  constructor(private readonly inflight: Set<Promise<unknown>>) {}

  /**
   * Runs a write, retrying LanceDB's optimistic-concurrency conflicts: two writers (a cron run and a
   * webhook batch, or two processes) committing at once make one of them retry, and every write here
   * is idempotent (merge-inserts, deletes by filter, conditional lease writes, compaction).
   */
  write<T>(what: string, run: () => Promise<T>): Promise<T> {
    return this.track(this.retrying(what, run));
  }

  read<T>(what: string, run: () => Promise<T>): Promise<T> {
    return this.track(
      run().catch((cause: unknown) => {
        // Already said (a read inside a read, such as the version a readChunks learns first).
        if (cause instanceof StoreInputError || cause instanceof StoreError) throw cause;
        throw new StoreError("STORE_READ_FAILED", `LanceDB ${what} failed: ${(cause as Error).message}`, {
          cause,
        });
      }),
    );
  }

  /** Remembers a call until it settles, so `close()` can let it finish first. */
  track<T>(call: Promise<T>): Promise<T> {
    this.inflight.add(call);
    const forget = () => this.inflight.delete(call);
    call.then(forget, forget);
    return call;
  }

  private async retrying<T>(what: string, run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (cause) {
        if (cause instanceof StoreInputError) throw cause;
        const message = (cause as Error).message ?? String(cause);
        if (attempt < WRITE_ATTEMPTS && /commit conflict|retryable/i.test(message)) {
          await sleep(20 * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        throw new StoreError("STORE_WRITE_FAILED", `LanceDB ${what} failed: ${message}`, { cause });
      }
    }
  }
}
