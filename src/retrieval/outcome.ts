import type { AllowSet } from "../access/index.js";
import type { ScoredChunk } from "../store/index.js";
import type { BudgetHit } from "./report.js";

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
