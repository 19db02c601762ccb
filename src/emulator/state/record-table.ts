import { EmulatorStateError } from "./errors.js";
import { SeqLog, SyncedItems } from "./seq-log.js";
import type { SyncRecord } from "./types.js";

/**
 * The CRM or ticketing records of one sync, by id and by provider id, in pull order. The
 * counterpart of `SyncTree` for every pipeline but `files`: same `SeqLog`, so cursors, paging and
 * totals behave alike.
 */
export class RecordTable extends SyncedItems<SyncRecord> {
  private readonly byId = new Map<string, SyncRecord>();
  private readonly byExternalId = new Map<string, SyncRecord>();

  constructor(nextSeq = 1) {
    super(nextSeq);
  }

  /** Rebuilds a table exactly as persisted (seqs kept). */
  static restore(records: readonly SyncRecord[], nextSeq: number, deletedCount: number): RecordTable {
    const table = new RecordTable(nextSeq);
    for (const record of records) table.index(record);
    table.log = SeqLog.restore(records, nextSeq, deletedCount);
    return table;
  }

  get(id: string): SyncRecord | undefined {
    return this.byId.get(id);
  }

  getByExternalId(externalId: string): SyncRecord | undefined {
    return this.byExternalId.get(externalId);
  }

  /** Every active record, in pull order. */
  all(): SyncRecord[] {
    return this.log.pageAfter(0, this.log.size).records;
  }

  /** Adds a new record with the next seq. */
  insert(record: SyncRecord): SyncRecord {
    if (this.byExternalId.has(record.externalId)) {
      throw new EmulatorStateError(
        "RECORD_EXISTS",
        `a record with externalId "${record.externalId}" already exists: update it instead`,
      );
    }
    this.index(record);
    this.log.stamp(record);
    return record;
  }

  /** Deletes a record: it leaves pulls and GET, and counts in `totalRecords` only. */
  remove(record: SyncRecord): void {
    this.log.remove(record);
    this.byId.delete(record.id);
    this.byExternalId.delete(record.externalId);
  }

  private index(record: SyncRecord): void {
    this.byId.set(record.id, record);
    this.byExternalId.set(record.externalId, record);
  }
}
