import type { SyncDescription } from "../access/index.js";
import { type QueryRun, refOf } from "./context.js";
import type { UnnamedSync } from "./report.js";

/**
 * The syncs among those with a candidate denied in this query (`QueryRun.deniedAt`) that no
 * record policy rule names. One catalog lookup per such sync, after the query has its answer; a
 * lookup that fails leaves its sync out (the note is advice: it never fails a query). Each one found
 * is also told to `onUnnamedSync`, for a server's log.
 */
export async function unnamedSyncs(run: QueryRun): Promise<UnnamedSync[]> {
  const { access } = run.ctx;
  if (!access.unnamedSync || run.deniedAt.size === 0) return [];
  const deniedSyncs = new Set([...run.deniedAt.keys()].map((key) => refOf(key).syncId));
  const found = await Promise.all(
    [...deniedSyncs].map((syncId) => access.unnamedSync?.(syncId, run.signal).catch(() => undefined)),
  );
  const unnamed = found.flatMap((sync) => (sync ? [describeUnnamed(sync)] : []));
  for (const sync of unnamed) {
    try {
      run.ctx.onUnnamedSync?.(sync);
    } catch {
      // A logger's failure is not the query's.
    }
  }
  return unnamed;
}

function describeUnnamed(sync: SyncDescription): UnnamedSync {
  const what = [sync.integration ?? "unknown integration", sync.pipeline].join("/");
  const named = sync.configurationName ? `, configuration "${sync.configurationName}"` : "";
  return {
    syncId: sync.id,
    pipeline: sync.pipeline,
    ...(sync.integration !== undefined ? { integration: sync.integration } : {}),
    ...(sync.configurationName ? { configurationName: sync.configurationName } : {}),
    message: `sync ${sync.id} (${what}${named}): no records.policies rule names this sync, so its records are denied: add one (see docs/records.md)`,
  };
}
