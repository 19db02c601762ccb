import { preciseNow } from "../access/index.js";
import type { QueryRun } from "./context.js";
import type { BudgetHit } from "./report.js";

/** Which budget, if any, stops the next round from starting. */
export function budgetExceeded(run: QueryRun): BudgetHit {
  const { budget } = run.ctx.settings;
  if (run.tally.candidatesScanned >= budget.maxCandidates) return "candidates";
  if (run.tally.permissionCalls >= budget.maxPermissionCalls) return "permissionCalls";
  if (preciseNow() - run.startedAt >= budget.maxMs) return "time";
  return null;
}
