/** Syncs remembered at most: a tenant has a few; the bound only keeps a misuse from growing it. */
const MAX_SYNCS = 1_000;

/**
 * How many requests the last allow list fetched in each sync took, whoever it was for. An `owner`
 * sync's list reads every record of the sync (a page of 1,000 per request) for any subject, so
 * its cost is the sync's, not the person's: re-verifying a short answer weighs it against reading
 * that sync's stale denied records one by one (`renewOwnerLists`).
 */
export class ListCosts {
  readonly #calls = new Map<string, number>();

  /** What a list of `syncId` just cost. */
  observed(syncId: string, calls: number): void {
    this.#calls.delete(syncId);
    this.#calls.set(syncId, calls);
    if (this.#calls.size > MAX_SYNCS) {
      const oldest = this.#calls.keys().next().value;
      if (oldest !== undefined) this.#calls.delete(oldest);
    }
  }

  /** What the last list of `syncId` cost; undefined when none was fetched yet. */
  expected(syncId: string): number | undefined {
    return this.#calls.get(syncId);
  }
}
