import type { AccessContext, AllowSet } from "../access/index.js";
import type { QueryRun } from "./context.js";
import { newTally } from "./report.js";

/** The subject's allow lists for every sync in scope, and whether they can serve as a filter. */
export interface AllowLists {
  sets: AllowSet[];
  complete: boolean;
  records: number;
  /** Some list is a stranger's probe, cut at the endpoint's cap (`AllowSet.partial`). */
  partial: boolean;
}

/**
 * Fetches (or reuses) the subject's allow list in every sync of the tenant, in parallel; complete
 * ones join `run.lists` and their sizes what is known about the subject. A cached list the
 * permission-changes follower could vouch for, were it newer, is fetched again instead of
 * confirming each of its results. `signal` cancels the fetch (default: the query's). `stranger`:
 * nothing is known about the subject's lists (the first query's race): one capped request per
 * sync, a list past the cap comes back `partial`. `atLeast`: syncs whose list is known to hold more
 * than this many records (a partial probe), fetched whole at once. `renew`: syncs whose list is
 * re-verified: one cached, or in flight, since before the query is not used but fetched again.
 */
export async function loadAllowLists(
  run: QueryRun,
  signal = run.signal,
  options: {
    stranger?: boolean;
    streamUpTo?: number;
    atLeast?: ReadonlyMap<string, number>;
    renew?: ReadonlySet<string>;
  } = {},
): Promise<AllowLists> {
  const { ctx, subject, tally } = run;
  const relation = ctx.settings.relation;
  const syncIds = ctx.syncIds ? await ctx.syncIds(signal) : [];
  // How large each list was last time picks the endpoint; a stranger's first query asks the capped one.
  const lastSizes = ctx.knowledge.peek(subject, relation)?.listSizes;
  const hint = (syncId: string): AccessContext | undefined => {
    const known = lastSizes?.[syncId] ?? options.atLeast?.get(syncId);
    if (known !== undefined) return { expectedRecords: known };
    if (!options.stranger) return undefined;
    return options.streamUpTo === undefined
      ? { unknownSize: true }
      : { unknownSize: true, streamUpTo: options.streamUpTo };
  };
  const results = await Promise.all(
    syncIds.map((syncId) => {
      const cached = ctx.allowSets.peek(subject, relation, syncId);
      const trust = run.trust.get(syncId);
      if (cached && trust?.through !== undefined && cached.requestedAt < trust.since) {
        ctx.allowSets.delete(subject, relation, syncId);
      }
      const context = hint(syncId);
      return ctx.allowSets.get(
        subject,
        relation,
        syncId,
        () => ctx.access.listObjects(subject, relation, syncId, signal, context),
        {
          partialOk: context?.unknownSize === true,
          ...(options.renew?.has(syncId) ? { requestedSince: run.startedAt } : {}),
        },
      );
    }),
  );
  const sizes: Record<string, number> = {};
  for (const result of results) {
    if (result.fetched) {
      tally.permissionCalls += result.calls;
      ctx.listCosts.observed(result.set.syncId, result.calls);
    } else tally.cacheHits += 1;
    if (!result.set.complete) continue;
    run.lists.set(result.set.syncId, result.set);
    if (result.fetched && !result.set.everything) sizes[result.set.syncId] = result.set.recordIds.size;
  }
  ctx.knowledge.recordLists(subject, relation, sizes);
  const sets = results.map((result) => result.set);
  return {
    sets,
    complete: sets.every((set) => set.complete),
    records: sets.reduce((sum, set) => sum + set.recordIds.size, 0),
    partial: sets.some((set) => set.partial === true),
  };
}

/**
 * Starts fetching the subject's allow lists in the background when the permission-changes follower
 * vouches for every sync in scope (`trustedSince` already weighed them): the next queries then
 * decide by the lists with no permission call, where a person who sees much would otherwise be
 * post-filtered with a batch-check per query. Never awaited, so this query does not wait for a
 * large list; a concurrent query joins the same fetch; a failure only leaves the next query to
 * plan without the lists. True when a fetch was started.
 */
export function prefetchAllowLists(run: QueryRun, syncIds: readonly string[]): boolean {
  const { ctx } = run;
  if (!(ctx.settings.freshnessMs > 0 && ctx.changes) || syncIds.length === 0) return false;
  if (!syncIds.every((syncId) => run.trust.get(syncId)?.through !== undefined)) return false;
  // Its own tally and lists: this query's report is final before the fetch ends.
  const background: QueryRun = { ...run, signal: undefined, tally: newTally(), lists: new Map() };
  loadAllowLists(background).catch(() => undefined);
  return true;
}
