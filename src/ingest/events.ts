import type { IngestMode, IngestReport, RecordOutcome, SyncReport } from "./report.js";

/**
 * Progress of a run, in order: `run-started`, then per sync `sync-started` (or `sync-locked`),
 * `record-done` for each record, `page-done` once a page's writes are durable,
 * `reconciled` in full mode, `sync-done`; finally `run-done`.
 */
export type IngestEvent =
  | { type: "run-started"; tenant: string; mode: IngestMode; syncIds: string[] }
  | { type: "sync-started"; syncId: string; integration?: string; mode: IngestMode; resumed: boolean }
  | { type: "sync-locked"; syncId: string }
  | {
      type: "record-done";
      syncId: string;
      /** `""` for a record served without a usable id (its failure's `name` says where it was). */
      recordId: string;
      outcome: RecordOutcome;
      /** Records finished so far in this sync. */
      done: number;
      /** Best estimate of the records this sync will process, when the Sync API says. */
      total?: number;
    }
  | {
      type: "page-done";
      syncId: string;
      /** 1-based page number within this run. */
      page: number;
      records: number;
      cursor?: string;
      remainingRecords?: number;
    }
  | { type: "reconciled"; syncId: string; deleted: number }
  /** A sync Managed Sync confirmed deleted was purged from the store, `chunks` with it. */
  | { type: "sync-removed"; syncId: string; chunks: number }
  | { type: "sync-done"; report: SyncReport }
  | { type: "run-done"; report: IngestReport };

/** Receives progress events; it must not throw (an exception is logged nowhere and ignored). */
export type IngestProgressListener = (event: IngestEvent) => void;

/** Calls the listener, never letting a faulty progress bar break an ingest run. */
export function emit(listener: IngestProgressListener | undefined, event: IngestEvent): void {
  if (!listener) return;
  try {
    listener(event);
  } catch {
    // A progress callback is decoration: the run's correctness must not depend on it.
  }
}
