/** What happened to one record in a run. */
export type RecordOutcome =
  | "new"
  | "changed"
  | "metadata-only"
  | "unchanged"
  | "deleted"
  | "skipped"
  | "unindexable"
  | "failed";

/**
 * How a record's issue is listed: skipped, unindexable, failed, or `content-unread` (indexed
 * from its fields without its content, which could not be read: a ticket's Download Content).
 */
export type IssueKind = "skipped" | "unindexable" | "failed" | "content-unread";

/** A record that was skipped, unindexable or failed, with a stable code and a reason a person can act on. */
export interface RecordIssue {
  syncId: string;
  recordId: string;
  name?: string;
  code: string;
  reason: string;
}

/** Record and chunk counts; the same shape per sync and for the whole run. */
export interface IngestCounts {
  /** Records returned by the Sync API this run (retries of earlier failures included). */
  seen: number;
  new: number;
  /** Content changed: re-chunked and re-embedded. */
  changed: number;
  /** Only metadata (name, url, updatedAt…) changed: chunk payloads patched, nothing embedded. */
  metadataOnly: number;
  unchanged: number;
  /** Tombstones, records gone from the sync (full mode), and files that became unreadable types. */
  deleted: number;
  /** Folders and files of types Clearance does not read (images, videos…). */
  skipped: number;
  /**
   * Records this version of which can never be indexed as it is (encrypted, no text, over a limit,
   * malformed): recorded with the reason, not read again until their version or the limits
   * change, and not a failure of the run. A full run counts every one it sees again.
   */
  unindexable: number;
  /**
   * Records indexed without their content, which cannot be read for a lasting reason (a ticket
   * whose Download Content is corrupt, a zip bomb, over a limit): indexed from their fields, and
   * also counted as new or changed. Counted by the run that indexed them.
   */
  contentUnread: number;
  /**
   * Records that could not be read this time (network, service, timeouts) or that the Sync API
   * returned malformed (`INVALID_RESPONSE`): retried next run; the run fails. A malformed record
   * without an id counts here too, though it cannot be retried by id (its issue says so).
   */
  failed: number;
  chunksWritten: number;
  /** Texts sent to the embedder, and the embedder calls that carried them. */
  embeddedTexts: number;
  embeddingCalls: number;
}

/**
 * How a sync's run ended: `completed` (every page pulled), `locked` (another run holds its lease;
 * nothing was done), `aborted` (stopped at `error`; the cursor stays at the last durable page).
 */
export type SyncRunStatus = "completed" | "locked" | "aborted";

/** The outcome of one sync. */
export interface SyncReport {
  syncId: string;
  integration?: string;
  pipeline?: string;
  status: SyncRunStatus;
  pages: number;
  /** The cursor saved at the end (undefined when the sync returned no page with a cursor). */
  cursor?: string;
  counts: IngestCounts;
  error?: { code: string; message: string };
}

/**
 * What one `ingest()` call did. `ok` is false when any record failed (transiently: it is retried
 * next run) or any sync or the run aborted; unindexable and skipped records leave it true.
 */
export interface IngestReport {
  tenant: string;
  mode: IngestMode;
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  counts: IngestCounts;
  syncs: SyncReport[];
  /** Failed records (first {@link MAX_LISTED_ISSUES}; `counts.failed` is exact). */
  failures: RecordIssue[];
  /** Unindexable records, with why (first {@link MAX_LISTED_ISSUES}; `counts.unindexable` is exact). */
  unindexable: RecordIssue[];
  /** Skipped records (first {@link MAX_LISTED_ISSUES}; `counts.skipped` is exact). */
  skips: RecordIssue[];
  /**
   * Records indexed from their fields because their content could not be read, with why (first
   * {@link MAX_LISTED_ISSUES}; `counts.contentUnread` is exact).
   */
  contentUnread: RecordIssue[];
  /**
   * Syncs Managed Sync confirmed deleted, purged from the store by this run with their chunks
   * (only a run over all of the tenant's syncs looks for them).
   */
  removedSyncs: RemovedSync[];
  /** Set when the whole run stopped early (store down, credentials rejected, embedder down, aborted). */
  error?: { code: string; message: string };
}

/** A sync purged because Managed Sync no longer has it, and how many chunks went with it. */
export interface RemovedSync {
  syncId: string;
  chunks: number;
}

/**
 * `incremental` resumes each sync from its saved cursor; `full` pulls every record again and then
 * deletes what the store holds but the sync no longer returned.
 */
export type IngestMode = "incremental" | "full";

/** Issue lists are capped so a drive full of broken files cannot grow the report without bound. */
export const MAX_LISTED_ISSUES = 1000;

/** Zeroed counts. */
export function emptyCounts(): IngestCounts {
  return {
    seen: 0,
    new: 0,
    changed: 0,
    metadataOnly: 0,
    unchanged: 0,
    deleted: 0,
    skipped: 0,
    unindexable: 0,
    contentUnread: 0,
    failed: 0,
    chunksWritten: 0,
    embeddedTexts: 0,
    embeddingCalls: 0,
  };
}

/** Adds `from` into `into`, field by field. */
export function addCounts(into: IngestCounts, from: IngestCounts): void {
  for (const key of Object.keys(into) as (keyof IngestCounts)[]) into[key] += from[key];
}

/** The counter a record outcome increments. */
export function countOutcome(counts: IngestCounts, outcome: RecordOutcome): void {
  switch (outcome) {
    case "new":
      counts.new++;
      break;
    case "changed":
      counts.changed++;
      break;
    case "metadata-only":
      counts.metadataOnly++;
      break;
    case "unchanged":
      counts.unchanged++;
      break;
    case "deleted":
      counts.deleted++;
      break;
    case "skipped":
      counts.skipped++;
      break;
    case "unindexable":
      counts.unindexable++;
      break;
    case "failed":
      counts.failed++;
      break;
  }
}
