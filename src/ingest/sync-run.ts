import type { LimitFunction } from "p-limit";
import { isMalformedRecordError, ManagedSyncHttpError, type SyncedRecord } from "../managed-sync/index.js";
import type { ChunkStore } from "../store/index.js";
import type { EmbeddingMeter } from "./embedding-meter.js";
import { IngestLeaseLostError, IngestLockedError } from "./errors.js";
import { emit, type IngestProgressListener } from "./events.js";
import { SyncLease } from "./lease.js";
import { type MalformedRecord, malformedWithId, sortInvalid } from "./malformed-records.js";
import type { IngestSettings } from "./options.js";
import { type PageResult, processPage } from "./page.js";
import { isRunFatal } from "./prepare.js";
import { reconcile } from "./reconcile.js";
import type { SyncInfo } from "./record-metadata.js";
import type { RelationResolver } from "./record-relations.js";
import {
  countOutcome,
  emptyCounts,
  type IssueKind,
  type RecordIssue,
  type RecordOutcome,
  type SyncReport,
} from "./report.js";
import { RetryList } from "./retry-list.js";
import type { IngestSource } from "./source.js";

// Pages that wrote nothing whose cursor may wait for a later page (see the page loop).
const MAX_QUIET_PAGES = 10;

/** What one sync's run shares with the whole ingest run. */
export interface SyncRunContext {
  source: IngestSource;
  store: ChunkStore;
  meter: EmbeddingMeter;
  tenant: string;
  settings: IngestSettings;
  holder: string;
  limit: LimitFunction;
  onProgress?: IngestProgressListener;
  /** Names what CRM records refer to by id (company, owner). */
  relations?: RelationResolver;
  /** Receives each skipped, unindexable or failed record (the run keeps the first few for its report). */
  onIssue: (issue: RecordIssue, outcome: IssueKind) => void;
  signal?: AbortSignal;
}

/**
 * Ingests one sync under its lease: retries earlier failures, pulls pages from the saved cursor
 * (from the start in full mode), saves the cursor after each page is durable, and in full mode
 * finally deletes what the sync no longer has. Pull failures abort this sync only; store, embedder
 * and credential failures propagate and abort the run. Counts accumulate in `report` as the run
 * goes, so they survive an abort.
 */
export async function ingestSync(sync: SyncInfo, context: SyncRunContext, report: SyncReport): Promise<void> {
  const { store, tenant, settings } = context;
  let lease: SyncLease;
  try {
    lease = await SyncLease.acquire(store, {
      tenant,
      syncId: sync.id,
      holder: context.holder,
      ttlMs: settings.leaseTtlMs,
    });
  } catch (error) {
    if (!(error instanceof IngestLockedError)) throw error;
    emit(context.onProgress, { type: "sync-locked", syncId: sync.id });
    report.status = "locked";
    report.error = { code: error.code, message: error.message };
    return;
  }
  const embedStart = context.meter.totals();
  try {
    await run(sync, context, lease, report);
  } catch (error) {
    // Another run owns this sync now; it carries on from the last durable page, the others go on here.
    if (!(error instanceof IngestLeaseLostError)) throw error;
    report.status = "aborted";
    report.error = { code: error.code, message: error.message };
  } finally {
    const embedEnd = context.meter.totals();
    report.counts.embeddingCalls = embedEnd.calls - embedStart.calls;
    report.counts.embeddedTexts = embedEnd.texts - embedStart.texts;
    await lease.release().catch(() => undefined);
  }
  emit(context.onProgress, { type: "sync-done", report });
}

/** A sync's report before its run: completed with nothing done, until the run says otherwise. */
export function newSyncReport(sync: SyncInfo): SyncReport {
  return {
    syncId: sync.id,
    integration: sync.integration,
    pipeline: sync.pipeline,
    status: "completed",
    pages: 0,
    counts: emptyCounts(),
  };
}

async function run(
  sync: SyncInfo,
  context: SyncRunContext,
  lease: SyncLease,
  report: SyncReport,
): Promise<void> {
  const { store, tenant, settings, source, signal } = context;
  const full = settings.mode === "full";
  const saved = await store.getSyncState(tenant, sync.id);
  const retry = await RetryList.load(store, tenant, sync.id);
  const seen = full ? new Set<string>() : undefined;
  let done = 0;
  let total: number | undefined;
  if (saved?.cursor && !full) report.cursor = saved.cursor;
  emit(context.onProgress, {
    type: "sync-started",
    syncId: sync.id,
    integration: sync.integration,
    mode: settings.mode,
    resumed: Boolean(report.cursor),
  });

  const pageContext = {
    ...context,
    syncId: sync.id,
    pipeline: sync.pipeline,
    sync,
    failedRuns: (recordId: string, repeat?: string) => retry.failedRuns(recordId, repeat),
    beforeWrite: () => lease.check(),
    onRecord: (recordId: string, outcome: RecordOutcome) => {
      done++;
      emit(context.onProgress, {
        type: "record-done",
        syncId: sync.id,
        recordId,
        outcome,
        done,
        ...(total === undefined ? {} : { total: Math.max(total, done) }),
      });
    },
  };
  const absorb = (result: PageResult) => {
    for (const [recordId, outcome] of result.outcomes) {
      countOutcome(report.counts, outcome);
      retry.note(recordId, outcome === "failed", !result.unread.has(recordId), result.repeats.get(recordId));
      seen?.add(recordId);
    }
    for (const { outcome, ...issue } of result.issues) {
      // The record's outcome (new, changed) is counted above; its missing content is counted here.
      if (outcome === "content-unread") report.counts.contentUnread++;
      context.onIssue(issue, outcome);
    }
    report.counts.chunksWritten += result.chunksWritten;
  };

  if (!full && retry.size > 0) {
    const pending = retry.pending;
    total = pending.length;
    for (let start = 0; start < pending.length; start += settings.pageSize) {
      const ids = pending.slice(start, start + settings.pageSize);
      report.counts.seen += ids.length;
      const { records, malformed, failures } = await refetch(ids, sync, context);
      for (const failure of failures) {
        report.counts.failed++;
        retry.note(failure.recordId, true);
        context.onIssue(failure, "failed");
        pageContext.onRecord(failure.recordId, "failed");
      }
      absorb(await processPage(records, pageContext, malformed));
      await lease.check();
      await retry.save();
    }
  }

  // The cursor the current page was requested after, to name where an unnamed bad record was.
  let pageAfter = report.cursor;
  let pendingCursor: string | undefined;
  let quietPages = 0;
  const saveCursor = async () => {
    if (pendingCursor === undefined) return;
    await store.putSyncState(tenant, sync.id, { cursor: pendingCursor, updatedAt: new Date().toISOString() });
    report.cursor = pendingCursor;
    pendingCursor = undefined;
    quietPages = 0;
  };

  const pages = source.records
    .pages(sync.id, {
      pageSize: settings.pageSize,
      ...(report.cursor ? { cursor: report.cursor } : {}),
      ...(signal ? { signal } : {}),
    })
    [Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Awaited<ReturnType<typeof pages.next>>["value"]>;
    try {
      next = await pages.next();
    } catch (error) {
      if (isRunFatal(error, signal)) throw error;
      // The Sync API failed past the client's retries: this sync stops at its last durable page.
      report.status = "aborted";
      report.error = { code: codeOf(error), message: (error as Error).message };
      await retry.save();
      await saveCursor();
      return;
    }
    if (next.done) {
      await saveCursor();
      break;
    }
    const page = next.value;
    // A custom source written before `invalid` existed yields pages without it.
    const invalid = page.invalid ?? [];
    // Malformed records are records of the page too: seen, counted toward the total, reported.
    const served = page.records.length + invalid.length;
    if (page.remainingRecords !== undefined) total = done + served + page.remainingRecords;
    report.counts.seen += served;
    const { malformed, unnamed } = sortInvalid(invalid, sync.id, pageAfter);
    for (const issue of unnamed) {
      report.counts.failed++;
      context.onIssue(issue, "failed");
      // Finished too: the total counts it, so without this a progress bar stops short of it.
      pageContext.onRecord(issue.recordId, "failed");
    }
    const result = await processPage(page.records, pageContext, malformed);
    absorb(result);
    await lease.check();
    // The retry list first: a crash between the two writes only repeats work, never loses a failure.
    await retry.save();
    if (page.cursor) {
      pendingCursor = page.cursor;
      // A page that wrote nothing need not move the cursor at once: a crash only re-reads a few
      // unchanged pages, and a run over an unchanged sync saves one write per page.
      if (result.wrote || ++quietPages >= MAX_QUIET_PAGES) await saveCursor();
    }
    pageAfter = page.cursor ?? pageAfter;
    report.pages++;
    emit(context.onProgress, {
      type: "page-done",
      syncId: sync.id,
      page: report.pages,
      records: served,
      ...(page.cursor ? { cursor: page.cursor } : {}),
      ...(page.remainingRecords === undefined ? {} : { remainingRecords: page.remainingRecords }),
    });
  }

  if (seen) {
    // A run that lost its lease must not delete what a newer run added after this pull passed it.
    const deleted = await reconcile(store, tenant, sync.id, seen, () => lease.check());
    report.counts.deleted += deleted;
    retry.retain((id) => seen.has(id));
    await retry.save();
    emit(context.onProgress, { type: "reconciled", syncId: sync.id, deleted });
  }
}

/**
 * Fetches records to retry one by one. A record the API no longer has comes back as a tombstone;
 * one that comes back malformed fails again and loses its chunks; one that cannot be fetched now
 * stays on the retry list as a failure of this run.
 */
async function refetch(
  ids: readonly string[],
  sync: SyncInfo,
  context: SyncRunContext,
): Promise<{ records: SyncedRecord[]; malformed: MalformedRecord[]; failures: RecordIssue[] }> {
  const { source, signal } = context;
  const records: SyncedRecord[] = [];
  const malformed: MalformedRecord[] = [];
  const failures: RecordIssue[] = [];
  await Promise.all(
    ids.map((id) =>
      context.limit(async () => {
        try {
          records.push(await source.records.get(sync.id, id, signal ? { signal } : {}));
        } catch (error) {
          if (isRunFatal(error, signal)) throw error;
          if (error instanceof ManagedSyncHttpError && error.status === 404)
            records.push({ id, deleted: true });
          else if (isMalformedRecordError(error)) malformed.push(malformedWithId(id, error));
          else
            failures.push({
              syncId: sync.id,
              recordId: id,
              code: codeOf(error),
              reason: (error as Error).message,
            });
        }
      }),
    ),
  );
  return { records, malformed, failures };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "INTERNAL";
}
