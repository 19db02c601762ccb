import type { AllowSet } from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";
import type { QueryRun } from "./context.js";
import type { BudgetHit } from "./report.js";
import { stillAllowed } from "./reverified-hits.js";

/** What a filtering path found: allowed chunks in descending score order, and why it stopped. */
export interface FilterOutcome {
  hits: ScoredChunk[];
  exhausted: boolean;
  budgetHit: BudgetHit;
  /** What the path did that the report's reason should say (e.g. lists searched in memory). */
  note?: string;
  /**
   * The allow lists that chose which candidates were searched or kept (a pre-filter, a page
   * sifted by them): a record they leave out was never seen, so a short answer asks whether they
   * were current (`reverifyShort`).
   */
  filteredBy?: readonly AllowSet[];
}

/** A report's notes joined in order, the empty ones left out (undefined when none is left). */
export function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const kept = notes.filter((note): note is string => Boolean(note));
  return kept.length > 0 ? kept.join("; ") : undefined;
}

/**
 * The answer when a step after `outcome` failed or was cut short: its hits the query has not
 * denied since (confirmed in this query), never `exhausted` (what the step would have found may
 * be missing), with `note` added to the outcome's.
 */
export function standing(
  run: QueryRun,
  outcome: FilterOutcome,
  budgetHit: BudgetHit,
  note: string,
): FilterOutcome {
  return {
    hits: stillAllowed(run, outcome.hits),
    exhausted: false,
    budgetHit,
    note: joinNotes(outcome.note, note),
  };
}
