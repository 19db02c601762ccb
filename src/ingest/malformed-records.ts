import { type InvalidRecord, type ManagedSyncResponseError, malformedDetail } from "../managed-sync/index.js";
import { isStorableId } from "../store/index.js";
import type { RecordIssue } from "./report.js";

// A record of a pulled page that breaks the record schema. It used to void its whole page, which
// stopped the sync at the same cursor on every run; now it fails alone and the page goes on.

/**
 * A record the Sync API returned malformed (it failed `SyncedRecordSchema`) but with an id: it
 * fails this run (retried next run) and loses whatever was stored for it, since nothing the
 * source now says backs its old chunks.
 */
export interface MalformedRecord {
  recordId: string;
  code: string;
  reason: string;
}

/** Why a malformed record that has an id failed, and what happens to it and what to do. */
export function malformedWithId(recordId: string, error: ManagedSyncResponseError): MalformedRecord {
  return {
    recordId,
    code: error.code,
    reason: `the Sync API returned this record malformed (${malformedDetail(error)}): it is not indexed and its earlier chunks were removed; it is fetched again every run until it reads correctly. If it stays malformed, report it to Paragon with the sync and record ids, or check the integration's field mapping`,
  };
}

/**
 * Splits a page's malformed records: one with a usable id fails like an unreadable record (retried,
 * its chunks dropped); one without cannot be retried or dropped by id, so it is only reported,
 * with where it was, for the operator to take to Paragon.
 */
export function sortInvalid(
  invalid: readonly InvalidRecord[],
  syncId: string,
  pageAfter: string | undefined,
): { malformed: MalformedRecord[]; unnamed: RecordIssue[] } {
  const malformed: MalformedRecord[] = [];
  const unnamed: RecordIssue[] = [];
  for (const { recordId, index, error } of invalid) {
    if (recordId !== undefined && isStorableId(recordId)) {
      malformed.push(malformedWithId(recordId, error));
      continue;
    }
    const where = pageAfter === undefined ? "the first page" : `the page after cursor ${pageAfter}`;
    unnamed.push({
      syncId,
      recordId: "",
      name: `record ${index + 1} of ${where}`,
      code: error.code,
      reason: `the Sync API returned a record without a usable id (${malformedDetail(error)}): it cannot be indexed, retried or removed by id, and the cursor has moved past it. Report it to Paragon with the sync id (${syncId}) and where it was (${where}); a full run reads it again`,
    });
  }
  return { malformed, unnamed };
}
