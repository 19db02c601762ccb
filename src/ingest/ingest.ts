import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import pLimit from "p-limit";
import { OwnerDirectory } from "../records/index.js";
import { EmbeddingMeter } from "./embedding-meter.js";
import { IngestUnknownSyncError } from "./errors.js";
import { emit } from "./events.js";
import { type IngestOptions, type IngestSettings, resolveSettings } from "./options.js";
import type { SyncInfo } from "./record-metadata.js";
import { RelationResolver } from "./record-relations.js";
import { addCounts, emptyCounts, type IngestReport, type IssueKind, MAX_LISTED_ISSUES } from "./report.js";
import type { IngestSource } from "./source.js";
import { noteStoredSyncs, purgeDeletedSyncs } from "./stored-syncs.js";
import { ingestSync, newSyncReport } from "./sync-run.js";

/** The run behind `ingest()` (run.ts), loaded at the first run. */
export async function ingest(options: IngestOptions): Promise<IngestReport> {
  const settings = resolveSettings(options);
  const started = new Date();
  const report: IngestReport = {
    tenant: settings.tenant,
    mode: settings.mode,
    ok: false,
    startedAt: started.toISOString(),
    finishedAt: started.toISOString(),
    durationMs: 0,
    counts: emptyCounts(),
    syncs: [],
    failures: [],
    unindexable: [],
    skips: [],
    contentUnread: [],
    removedSyncs: [],
  };
  const { signal, onProgress } = options;
  const context = {
    source: options.client,
    store: options.store,
    meter: new EmbeddingMeter(options.embeddings),
    tenant: settings.tenant,
    settings,
    holder: options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    limit: pLimit(settings.concurrency),
    ...(onProgress ? { onProgress } : {}),
    ...(signal ? { signal } : {}),
    onIssue: (issue: IngestReport["failures"][number], outcome: IssueKind) => {
      const list = {
        failed: report.failures,
        unindexable: report.unindexable,
        skipped: report.skips,
        "content-unread": report.contentUnread,
      }[outcome];
      if (list.length < MAX_LISTED_ISSUES) list.push(issue);
    },
  };
  try {
    const { all, syncs } = await resolveSyncs(options.client, settings, signal);
    const owners =
      options.owners instanceof OwnerDirectory ? options.owners : new OwnerDirectory(options.owners);
    const relations = new RelationResolver({
      source: options.client,
      tenant: settings.tenant,
      ...(options.companyNames ? { companyNames: options.companyNames } : {}),
      syncs: all,
      owners,
      pageSize: settings.pageSize,
      ...(signal ? { signal } : {}),
    });
    // Noted before any write, so a sync deleted later is found; only a run over every sync purges.
    const stored = await noteStoredSyncs(options.store, settings.tenant, syncs);
    if (!settings.syncs) {
      const listed = new Set(all.map((s) => s.id));
      report.removedSyncs = await purgeDeletedSyncs(
        { ...context, leaseTtlMs: settings.leaseTtlMs },
        stored,
        listed,
      );
    }
    emit(onProgress, {
      type: "run-started",
      tenant: settings.tenant,
      mode: settings.mode,
      syncIds: syncs.map((s) => s.id),
    });
    for (const sync of syncs) {
      signal?.throwIfAborted();
      const syncReport = newSyncReport(sync);
      report.syncs.push(syncReport);
      try {
        await ingestSync(sync, { ...context, relations }, syncReport);
      } catch (error) {
        syncReport.status = "aborted";
        syncReport.error = describe(error);
        throw error;
      }
    }
  } catch (error) {
    report.error = describe(error);
  }
  for (const sync of report.syncs) addCounts(report.counts, sync.counts);
  const { chunksWritten, deleted, metadataOnly } = report.counts;
  if (options.optimize !== false && chunksWritten + deleted + metadataOnly > 0) {
    try {
      // Each page is its own small write; compacting once per run keeps reads fast as runs add up.
      await options.store.optimize();
    } catch (error) {
      report.error ??= describe(error);
    }
  }
  const finished = new Date();
  report.finishedAt = finished.toISOString();
  report.durationMs = finished.getTime() - started.getTime();
  report.ok =
    !report.error && report.counts.failed === 0 && report.syncs.every((s) => s.status !== "aborted");
  emit(onProgress, { type: "run-done", report });
  return report;
}

async function resolveSyncs(
  source: IngestSource,
  settings: IngestSettings,
  signal: AbortSignal | undefined,
): Promise<{ all: SyncInfo[]; syncs: SyncInfo[] }> {
  const listed = await source.syncs.list(signal ? { signal } : {});
  const all = listed.map((s) => ({ id: s.id, integration: s.integration, pipeline: s.pipeline }));
  if (!settings.syncs) return { all, syncs: all };
  const syncs = settings.syncs.map((id) => {
    const sync = all.find((s) => s.id === id);
    if (!sync)
      throw new IngestUnknownSyncError(
        id,
        all.map((s) => s.id),
      );
    return sync;
  });
  return { all, syncs };
}

function describe(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    code:
      typeof code === "string"
        ? code
        : error instanceof Error && error.name === "AbortError"
          ? "ABORTED"
          : "INTERNAL",
    message,
  };
}
