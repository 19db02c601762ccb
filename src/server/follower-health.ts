import type { FollowerStatus } from "../freshness/index.js";

/** The permission-changes followers as `GET /health` shows them: counts, no tenant or sync named. */
export interface FollowerHealth {
  /** Syncs followed now. */
  syncs: number;
  following: number;
  starting: number;
  failing: number;
  stopped: number;
  /** Times a feed refused its token and its follower restarted, summed. */
  restarts: number;
  /** The oldest last catch-up of a sync being followed (ISO time), absent before the first. */
  oldestCaughtUpAt?: string;
}

/**
 * The followers' states counted. `/health` answers anyone who reaches the server, people of every
 * tenant among them: each tenant's Connected User id, sync ids and failure messages would tell one
 * customer who else is served here and what they sync. Those go to the server's log instead.
 */
export function followerHealth(statuses: readonly FollowerStatus[]): FollowerHealth {
  const health: FollowerHealth = {
    syncs: statuses.length,
    following: 0,
    starting: 0,
    failing: 0,
    stopped: 0,
    restarts: 0,
  };
  let oldest: number | undefined;
  for (const status of statuses) {
    health[status.state] += 1;
    health.restarts += status.restarts;
    if (status.state !== "stopped" && status.caughtUpAt !== undefined) {
      oldest = oldest === undefined ? status.caughtUpAt : Math.min(oldest, status.caughtUpAt);
    }
  }
  return oldest === undefined ? health : { ...health, oldestCaughtUpAt: new Date(oldest).toISOString() };
}
