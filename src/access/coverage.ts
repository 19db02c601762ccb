/**
 * What the permission-changes follower can prove about one sync's cached evidence right now.
 * `verified`: every permission change of the sync made after `since` and before `through` (epoch
 * ms, our clock) has been read and turned into invalidations, so evidence requested at or after
 * `since` that is still cached was true at `through`. Otherwise `reason` says why nothing is proven.
 */
export type Coverage =
  | { verified: true; since: number; through: number }
  | { verified: false; reason: string };

/**
 * A tenant's proof source for cached permission evidence (the permission-changes follower's view
 * of one tenant). Asking about a sync marks it in use, so a follower starts following it.
 */
export interface ChangeCoverage {
  coverage(syncId: string): Coverage;
}
