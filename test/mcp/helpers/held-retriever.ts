import { ClearanceError } from "../../../src/errors.js";
import type { PermissionAwareRetriever, RetrieveOptions } from "../../../src/retrieval/index.js";
import { gate } from "../../gate.js";

/** One search the FAKE retriever holds: its query and signal, and how to end it. */
export interface HeldSearch {
  query: string;
  signal: AbortSignal;
  /** Ends the search with a failure the tool answers as an error result (no report to fake). */
  release(): void;
}

/**
 * A FAKE retriever of one tenant whose searches hold until the test releases them or their signal
 * aborts (then they end with the signal's reason, as the real one does): for watching what reaches
 * a call's signal without a store or a Permissions API.
 */
export function heldRetriever(tenant: string) {
  const searches: HeldSearch[] = [];
  let started = gate();
  const retriever = {
    tenant,
    retrieveWithReport(query: string, options: RetrieveOptions = {}) {
      const signal = options.signal ?? new AbortController().signal;
      return new Promise((_resolve, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        searches.push({
          query,
          signal,
          release: () => reject(new ClearanceError("TEST_RELEASED", "released by the test")),
        });
        started.open();
      });
    },
  } as unknown as PermissionAwareRetriever;
  return {
    retriever,
    searches,
    /** Resolves once `count` searches are held. */
    async held(count: number): Promise<HeldSearch[]> {
      while (searches.length < count) {
        await started.wait;
        started = gate();
      }
      return searches.slice(0, count);
    },
  };
}
