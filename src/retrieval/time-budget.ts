import { Deadline } from "../managed-sync/index.js";
import type { QueryRun } from "./context.js";

/**
 * The query's time budget (`budget.maxMs`) as the signal its permission calls and searches carry:
 * it fires when maxMs has passed since the query started, or when the caller's signal does.
 * Checked only when a round started, a slow permission call, a slow second round or the
 * re-verification of a short answer ran a query far past it. Dispose it when the query is over.
 */
export function timeBudget(caller: AbortSignal | undefined, maxMs: number): Deadline {
  return new Deadline(caller, maxMs);
}

/**
 * Whether the query's time budget has run out (its signal fired on the clock, not the caller's):
 * a step that threw since then is ended by it, and the query ends with what it had confirmed
 * (`budgetHit: "time"`, `exhausted: false`). What was in flight decided nothing, so nothing
 * unconfirmed goes out.
 */
export function outOfTime(run: QueryRun): boolean {
  return run.deadline?.timedOut === true;
}

/** The note a report's reason gets when the time budget ended a step. */
export function timeNote(run: QueryRun, during: string): string {
  return `the time budget (maxMs, ${run.ctx.settings.budget.maxMs} ms) ran out during ${during}: the calls in flight were cancelled, the answer holds what was confirmed by then`;
}
