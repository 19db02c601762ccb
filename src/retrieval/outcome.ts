import type { ScoredChunk } from "../store/index.js";
import type { BudgetHit } from "./report.js";

/** What a filtering path found: allowed chunks in descending score order, and why it stopped. */
export interface FilterOutcome {
  hits: ScoredChunk[];
  exhausted: boolean;
  budgetHit: BudgetHit;
  /** What the path did that the report's reason should say (e.g. lists searched in memory). */
  note?: string;
}
