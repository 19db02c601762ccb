/**
 * How long a query waited on the Permissions API: an AccessControl that times its calls, for
 * benchmarks. `waitedMs()` is the wall time during which at least one call was in flight since the
 * last `reset()`, overlapping calls counted once. Work the query did meanwhile (a search beside the
 * allow-list probe) is inside that time too: it is an upper bound on what a faster Permissions API
 * could save, not what the rest of the query costs.
 */
import { performance } from "node:perf_hooks";
import type { AccessControl } from "../src/access/index.js";

export class PermissionWait {
  readonly access: AccessControl;
  private inFlight = 0;
  private since = 0;
  private waited = 0;

  constructor(inner: AccessControl) {
    const timed =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        if (this.inFlight++ === 0) this.since = performance.now();
        try {
          return await call(...args);
        } finally {
          if (--this.inFlight === 0) this.waited += performance.now() - this.since;
        }
      };
    this.access = {
      batchCheck: timed(inner.batchCheck.bind(inner)),
      listObjects: timed(inner.listObjects.bind(inner)),
      ...(inner.policyOf ? { policyOf: inner.policyOf.bind(inner) } : {}),
    };
  }

  /** Starts a new measurement (a call still in flight counts from now). */
  reset(): void {
    this.waited = 0;
    if (this.inFlight > 0) this.since = performance.now();
  }

  /** Milliseconds with a call in flight since the last reset, up to now. */
  waitedMs(): number {
    return this.waited + (this.inFlight > 0 ? performance.now() - this.since : 0);
  }
}
