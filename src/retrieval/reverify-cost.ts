// What re-verifying a short answer (reverify-short.ts) costs in Permissions API requests, so it
// asks only what `maxPermissionCalls` can still cover. The cost of a record sync's evidence depends
// on its record policy: a `tenant` or `deny` sync's list or check sends no request at all, an
// `owner` sync's check reads the record, a file sync's goes to the Permissions API.
import type { AllowSet, ObjectRef, RecordPolicyName } from "../access/index.js";
import type { QueryRun } from "./context.js";

/**
 * Checks one batch-check request carries, as the re-verification plans its cost against
 * `maxPermissionCalls` (ManagedSyncAccessControl's default batch size).
 */
const CHECKS_PER_CALL = 200;

export interface StaleDenial {
  ref: ObjectRef;
  /** The sync's record policy (undefined: a file sync, checked through the Permissions API). */
  policy: RecordPolicyName | undefined;
  /** A list requested during the query decides it (`renewOwnerLists`): no request of its own. */
  listed?: boolean;
}

/** The record policy of each sync (undefined for a file sync, or without record policies). */
export async function policiesOf(
  run: QueryRun,
  syncIds: Iterable<string>,
): Promise<Map<string, RecordPolicyName | undefined>> {
  const policyOf = run.ctx.access.policyOf?.bind(run.ctx.access);
  return new Map(
    await Promise.all(
      [...new Set(syncIds)].map(
        async (syncId) => [syncId, policyOf ? await policyOf(syncId, run.signal) : undefined] as const,
      ),
    ),
  );
}

/** The permission calls this query may still send. */
export function callsLeft(run: QueryRun): number {
  return run.ctx.settings.budget.maxPermissionCalls - run.tally.permissionCalls;
}

/**
 * The requests fetching these lists anew takes: one per list of a sync with a Permissions API or
 * an `owner` policy (a large list may take more: like a round, it may then overshoot), none for a
 * `tenant` or `deny` sync's, which the policy answers without asking anyone. Counted one each, a
 * tenant with more record syncs than `maxPermissionCalls` never had its lists renewed.
 */
export function listsCost(
  lists: readonly AllowSet[],
  policies: ReadonlyMap<string, RecordPolicyName | undefined>,
): number {
  return lists.filter((set) => {
    const policy = policies.get(set.syncId);
    return policy !== "tenant" && policy !== "deny";
  }).length;
}

/**
 * The denials the permission calls left can re-check, best ranked first: a file sync's in requests
 * of {@link CHECKS_PER_CALL}, an `owner` sync's one record read each (none when a list renewed in
 * this query decides it), a `tenant` sync's free. One the calls cannot cover is passed over, not
 * the end: those after it that cost nothing (a list decides them, or a request already planned
 * carries them) are still picked.
 */
export function affordable(
  run: QueryRun,
  denials: readonly StaleDenial[],
): { picked: StaleDenial[]; unaffordable: boolean } {
  let left = callsLeft(run);
  const inRequest = new Map<string, number>();
  const picked: StaleDenial[] = [];
  let unaffordable = false;
  for (const denial of denials) {
    const { syncId } = denial.ref;
    let cost = 0;
    if (denial.listed) cost = 0;
    else if (denial.policy === "owner") cost = 1;
    else if (denial.policy === undefined) cost = (inRequest.get(syncId) ?? 0) % CHECKS_PER_CALL === 0 ? 1 : 0;
    if (cost > left) {
      unaffordable = true;
      continue;
    }
    left -= cost;
    if (denial.policy === undefined) inRequest.set(syncId, (inRequest.get(syncId) ?? 0) + 1);
    picked.push(denial);
  }
  return { picked, unaffordable };
}
