import { ManagedSyncHttpError } from "../managed-sync/index.js";
import type { OwnerDirectory } from "../records/index.js";
import { toPermissionsError } from "./errors.js";
import { ownersOf, type RecordOwners } from "./record-owners.js";
import type { SyncDescription } from "./sync-catalog.js";
import type { AllowList, Decision, Subject } from "./types.js";

// The `owner` record policy: a record is for the person its owner field names, mapped to an email.
// `RecordPolicyAccess` routes a sync here once its rule says `owner`, the subject is an email and
// records can be read; these decide one record (check) and list a sync's records (allow list).

/** What the owner policy reads: the Managed Sync client's `records` (GET one record, pull pages). */
export interface RecordReader {
  get(
    syncId: string,
    recordId: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ id: string; deleted?: boolean | null }>;
  pages(
    syncId: string,
    options?: { pageSize?: number; signal?: AbortSignal },
  ): AsyncIterable<{
    records: readonly { id: string; deleted?: boolean | null }[];
    /** Records of the page the API returned malformed (`RecordPage.invalid`): their owners are unknown. */
    invalid?: readonly unknown[];
  }>;
}

/**
 * The records of sync `syncId` that `subject` owns, read page by page: the owner policy's allow
 * list. Past `max` ids (listed or undecided) the list is cut and reported incomplete.
 */
export async function listOwnedRecords(
  subject: Subject,
  syncId: string,
  sync: SyncDescription,
  ownerField: string,
  records: RecordReader,
  directory: OwnerDirectory,
  max: number,
  signal: AbortSignal | undefined,
): Promise<AllowList> {
  const ids: string[] = [];
  const undecided: string[] = [];
  let calls = 0;
  let complete = true;
  try {
    for await (const page of records.pages(syncId, { pageSize: 1000, ...(signal ? { signal } : {}) })) {
      calls++;
      // A malformed record may be this subject's: the list cannot say it is whole (its records are
      // then checked one by one, and the malformed one is reported, not silently left out).
      if ((page.invalid?.length ?? 0) > 0) complete = false;
      for (const record of page.records) {
        if (record.deleted === true) continue;
        const owners = await recordOwners(record, ownerField, sync, directory).catch(() => undefined);
        // An owner that cannot be resolved now, or that maps to no email, may be this subject: the
        // record is undecided, checked (and reported) when a search finds it. Not an incomplete
        // list: one deal of a departed owner would send every query of the sync to post-filtering.
        const mine = owners?.emails.has(subject) === true;
        if (!mine && owners && owners.unresolved === 0) continue;
        // The undecided are held with the list (cached, searched as a filter): both count.
        if (ids.length + undecided.length >= max) return { recordIds: ids, complete: false, calls };
        (mine ? ids : undecided).push(record.id);
      }
    }
  } catch (error) {
    // The port's contract: a transport failure is a permissions outage (typed, onPermissionError).
    throw toPermissionsError(error, `reading sync ${syncId}'s records for the owner policy`);
  }
  return { recordIds: ids, complete, calls, ...(undecided.length > 0 ? { undecided } : {}) };
}

/**
 * Whether `subject` owns record `recordId`: the record is read now (GET record), so a reassigned
 * deal follows its new owner at once.
 */
export async function decideOwner(
  subject: Subject,
  sync: SyncDescription,
  field: string,
  records: RecordReader,
  directory: OwnerDirectory,
  recordId: string,
  signal: AbortSignal | undefined,
): Promise<Decision> {
  let record: { id: string; deleted?: boolean | null };
  try {
    record = await records.get(sync.id, recordId, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw error;
    // Gone from the source: nothing to allow.
    if (error instanceof ManagedSyncHttpError && error.status === 404) return { kind: "deny" };
    return {
      kind: "error",
      reason: `reading record ${recordId} for its owner failed: ${(error as Error).message}`,
    };
  }
  // A tombstone may still name its owner, but the record is gone (the list path skips it too).
  if (record.deleted === true) return { kind: "deny" };
  let owners: RecordOwners;
  try {
    owners = await recordOwners(record, field, sync, directory);
  } catch (error) {
    return {
      kind: "error",
      reason: `resolving record ${recordId}'s owner failed: ${(error as Error).message}`,
    };
  }
  if (owners.emails.has(subject)) return { kind: "allow" };
  // An owner that maps to no email may be this subject, even beside owners that do (a ticket's
  // other assignee): undecided, and said, rather than a silent deny.
  if (owners.unresolved > 0) {
    return {
      kind: "error",
      reason: `record ${recordId}'s owner (${field}) maps to no email: add it to records.owners`,
    };
  }
  if (owners.emails.size === 0) {
    return { kind: "error", reason: `record ${recordId} names no owner in ${field}` };
  }
  return { kind: "deny" };
}

/** The emails a record's owner field names; throws when the owner directory does. */
function recordOwners(
  record: { id: string },
  field: string,
  sync: SyncDescription,
  directory: OwnerDirectory,
): Promise<RecordOwners> {
  return ownersOf(record as Record<string, unknown>, field, sync.integration ?? "", directory);
}
