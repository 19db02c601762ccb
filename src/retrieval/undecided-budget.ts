import type { QueryRun } from "./context.js";
import { MAX_PAGE } from "./post-filter.js";
import type { BudgetHit } from "./report.js";

/**
 * What a pre-filter may spend on candidates no allow list could decide (`AllowSet.undecided`): each
 * costs a check (for the owner policy, a record read), as a post-filter's candidates do, so they are
 * checked as a post-filter would check: k × initialOverFetch in the first round that meets them,
 * four times as many in each next one (up to a post-filter's largest page), at most the candidates
 * budget in all, and no further round once the permission-call budget is spent. Without it a sync
 * whose owner directory is down had every query read thousands of records.
 */
export class UndecidedBudget {
  #left: number;
  #perRound: number;

  constructor(run: QueryRun) {
    const { budget, initialOverFetch } = run.ctx.settings;
    this.#left = budget.maxCandidates;
    this.#perRound = Math.max(run.k, Math.ceil(run.k * initialOverFetch));
  }

  /** How many undecided candidates the next round may take. */
  get round(): number {
    return Math.min(this.#left, this.#perRound);
  }

  /**
   * Counts a round's undecided candidates; when it had some and its results fell short of k, which
   * budget stops the pre-filter from checking any more (null: none).
   */
  spent(run: QueryRun, taken: number, short: boolean): BudgetHit {
    if (taken === 0) return null;
    this.#left -= taken;
    this.#perRound = Math.min(MAX_PAGE, this.#perRound * 4);
    if (!short) return null;
    if (this.#left <= 0) return "candidates";
    return run.tally.permissionCalls >= run.ctx.settings.budget.maxPermissionCalls ? "permissionCalls" : null;
  }
}
