/**
 * Wall-clock epoch milliseconds with sub-millisecond resolution. Decisions and allow lists are
 * stamped with it so "older than the query" never ties within one millisecond: a decision made by
 * the previous query is never taken for one made by this one.
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
