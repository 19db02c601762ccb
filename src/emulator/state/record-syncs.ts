import { randomUUID } from "node:crypto";
import { EmulatorStateError } from "./errors.js";
import { crmUserIdFor, deriveRecordExternalId, recordIdFor } from "./ids.js";
import { parseRecordFields, type RecordInput, recordInputSchema } from "./record-fields.js";
import { isFileSync, type SyncEntry } from "./sync-entry.js";
import { SyncRegistry } from "./sync-registry.js";
import type { SyncRecord, TicketAttachment, TicketComment } from "./types.js";

/** Options a record can be created with (the corpus loader pins these). */
export interface RecordOptions {
  /** The time stamps of a record without its own createdAt/updatedAt (default now). */
  at?: string;
  /** Derives the externalId when the input has none (default: random, so every create is new). */
  seed?: string;
}

/** A CRM user of one integration, as `ownerId` names them, and the person behind them. */
export interface CrmUser {
  integration: string;
  id: string;
  email: string;
  name?: string;
}

// Pipelines whose `ownerId` names a CRM user: an email given there becomes that person's user id.
const OWNED = new Set(["contacts", "companies", "deals"]);

/**
 * CRM and ticketing records (every pipeline but `files`): create, update, delete, each announced
 * as the `record_*` change Paragon's webhooks report. `EmulatorState` adds files on top.
 */
export class RecordSyncs extends SyncRegistry {
  /** Creates a record from its normalized fields (checked against the pipeline's schema). */
  createRecord(syncId: string, input: RecordInput, options: RecordOptions = {}): SyncRecord {
    const sync = this.requireRecordSync(syncId);
    const { externalId, createdAt, updatedAt, comments, attachments, fields } = this.split(input);
    const now = options.at ?? new Date().toISOString();
    const id =
      externalId ?? deriveRecordExternalId(sync.integration, sync.pipeline, options.seed ?? randomUUID());
    const record: SyncRecord = {
      id: recordIdFor(sync.integration, id),
      externalId: id,
      seq: 0,
      createdAt: createdAt ?? updatedAt ?? now,
      updatedAt: updatedAt ?? now,
      fields: this.checkFields(sync, fields),
      ...(comments ? { comments } : {}),
      ...(attachments ? { attachments } : {}),
    };
    sync.table.insert(record);
    this.changed(sync, record, "record_created");
    return record;
  }

  /**
   * Changes some fields of a record (`null` removes one); `comments` and `attachments`, when given,
   * replace the ticket's. The record gets a new seq and `updatedAt`.
   */
  updateRecord(syncId: string, recordId: string, patch: RecordInput): SyncRecord {
    const sync = this.requireRecordSync(syncId);
    const record = this.requireRecord(sync, recordId);
    const { externalId, createdAt, updatedAt, comments, attachments, fields } = this.split(patch);
    if (externalId !== undefined && externalId !== record.externalId) {
      throw new EmulatorStateError("RECORD_INVALID", "externalId cannot change: delete and create instead");
    }
    const merged: Record<string, unknown> = { ...record.fields };
    for (const [key, value] of Object.entries(fields)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    record.fields = this.checkFields(sync, merged);
    if (comments) record.comments = comments;
    if (attachments) record.attachments = attachments;
    if (createdAt) record.createdAt = createdAt;
    record.updatedAt = updatedAt ?? new Date().toISOString();
    sync.table.stamp(record);
    this.changed(sync, record, "record_updated");
    return record;
  }

  /** Deletes a record: it drops out of pulls (no tombstone) and `record_deleted` is announced. */
  deleteRecord(syncId: string, recordId: string): void {
    const sync = this.requireRecordSync(syncId);
    const record = this.requireRecord(sync, recordId);
    sync.table.remove(record);
    this.changed(sync, record, "record_deleted");
  }

  /**
   * Every person's CRM user id in each CRM integration with a sync: the ids `ownerId` holds, and
   * the mapping a deployment configures to turn owners into emails.
   */
  crmUsers(): CrmUser[] {
    const integrations = new Set(
      this.allSyncs()
        .filter((s) => OWNED.has(s.pipeline))
        .map((s) => s.integration),
    );
    return [...integrations].flatMap((integration) =>
      this.directory.people.map((p) => ({
        integration,
        id: crmUserIdFor(integration, p.email),
        email: p.email,
        ...(p.name ? { name: p.name } : {}),
      })),
    );
  }

  /** A live CRM or ticketing sync (admin use); a files sync is refused with what to do instead. */
  requireRecordSync(syncId: string): SyncEntry {
    const sync = this.requireSync(syncId);
    if (isFileSync(sync)) {
      throw new EmulatorStateError(
        "NOT_A_RECORD_SYNC",
        `sync ${syncId} is a files sync: change its files with /files, records belong to CRM and ticketing syncs`,
      );
    }
    return sync;
  }

  private requireRecord(sync: SyncEntry, recordId: string): SyncRecord {
    const record = sync.table.get(recordId);
    if (record) return record;
    throw new EmulatorStateError("RECORD_NOT_FOUND", `no record "${recordId}" in sync ${sync.id}`);
  }

  private split(input: RecordInput): {
    externalId?: string;
    createdAt?: string;
    updatedAt?: string;
    comments?: TicketComment[];
    attachments?: TicketAttachment[];
    fields: Record<string, unknown>;
  } {
    const parsed = recordInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      throw new EmulatorStateError("RECORD_INVALID", `${field}${issue?.message ?? "invalid record"}`);
    }
    const { externalId, createdAt, updatedAt, comments, attachments, ...fields } = parsed.data;
    return {
      ...(externalId ? { externalId } : {}),
      ...(createdAt ? { createdAt } : {}),
      ...(updatedAt ? { updatedAt } : {}),
      ...(comments ? { comments: comments as TicketComment[] } : {}),
      ...(attachments ? { attachments: attachments as TicketAttachment[] } : {}),
      fields,
    };
  }

  private checkFields(sync: SyncEntry, fields: Record<string, unknown>) {
    // An email as owner is shorthand (corpus data, tests) for that person's CRM user id.
    const owner = fields.ownerId;
    const given =
      OWNED.has(sync.pipeline) && typeof owner === "string" && owner.includes("@")
        ? { ...fields, ownerId: crmUserIdFor(sync.integration, owner) }
        : fields;
    return parseRecordFields(sync.pipeline, given);
  }

  private changed(
    sync: SyncEntry,
    record: SyncRecord,
    type: "record_created" | "record_updated" | "record_deleted",
  ): void {
    sync.lastSyncedAt = new Date().toISOString();
    this.emit({
      type,
      tenant: sync.tenant,
      syncId: sync.id,
      integration: sync.integration,
      recordId: record.id,
      model: sync.pipeline,
    });
  }
}
