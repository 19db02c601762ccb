import { z } from "zod";
import { ManagedSyncArgumentError } from "./errors.js";
import { validateValue } from "./validate.js";

// Every schema is loose: fields Paragon adds later (or per-integration extras such as SharePoint's
// customFields.fullPath) are kept, not dropped. Only `id` is required, because tombstones and
// partially-synced records may carry little else; fields that are present must have the right type.
const text = z.string().nullish();
const date = z.string().nullish();
const customFields = z.record(z.string(), z.unknown()).nullish();

/** Fields every synced record may have; `deleted: true` marks a tombstone. */
export const SyncedRecordSchema = z.looseObject({
  id: z.string().min(1),
  externalId: text,
  createdAt: date,
  updatedAt: date,
  deleted: z.boolean().nullish(),
});
/** A record as pulled from any pipeline. */
export type SyncedRecord = z.infer<typeof SyncedRecordSchema>;

/** A file or a folder (pipeline `files`); tell them apart with `isFolder`. */
export const FileRecordSchema = SyncedRecordSchema.extend({
  name: text,
  mimeType: text,
  size: z.number().nonnegative().nullish(),
  url: text,
  thumbnailUrl: text,
  hash: z.unknown().optional(),
  parentFolderId: text,
  customFields,
});
export type FileRecord = z.infer<typeof FileRecordSchema>;

const listOf = z.array(z.unknown()).nullish();

/** A CRM contact (pipeline `contacts`). */
export const ContactRecordSchema = SyncedRecordSchema.extend({
  firstName: text,
  lastName: text,
  fullName: text,
  companyName: text,
  jobTitle: text,
  emails: listOf,
  phoneNumbers: listOf,
  addresses: listOf,
  socialProfiles: listOf,
  type: text,
  status: text,
  ownerId: text,
  lastActivityAt: date,
  lifecycleStage: text,
  leadSource: text,
  tags: listOf,
  notes: text,
  website: text,
  customFields,
});
export type ContactRecord = z.infer<typeof ContactRecordSchema>;

/** A CRM company (pipeline `companies`); Paragon has not published its fields, so only the common ones are typed. */
export const CompanyRecordSchema = SyncedRecordSchema.extend({
  name: text,
  website: text,
  ownerId: text,
  customFields,
});
export type CompanyRecord = z.infer<typeof CompanyRecordSchema>;

/** A CRM deal (pipeline `deals`); fields beyond the common ones are kept untyped. */
export const DealRecordSchema = SyncedRecordSchema.extend({
  name: text,
  amount: z.number().nullish(),
  stage: text,
  status: text,
  ownerId: text,
  customFields,
});
export type DealRecord = z.infer<typeof DealRecordSchema>;

/** A CRM custom object (pipeline `custom_objects`): not mapped, its data is in `customFields`. */
export const CustomObjectRecordSchema = SyncedRecordSchema.extend({
  objectType: text,
  customFields,
});
export type CustomObjectRecord = z.infer<typeof CustomObjectRecordSchema>;

/** A ticket (pipeline `tickets`); fields beyond the common ones are kept untyped. */
export const TicketRecordSchema = SyncedRecordSchema.extend({
  subject: text,
  description: text,
  status: text,
  priority: text,
  assigneeId: text,
  url: text,
  customFields,
});
export type TicketRecord = z.infer<typeof TicketRecordSchema>;

/** Record schema per Managed Sync pipeline name. */
export const RECORD_SCHEMAS = {
  files: FileRecordSchema,
  contacts: ContactRecordSchema,
  companies: CompanyRecordSchema,
  deals: DealRecordSchema,
  custom_objects: CustomObjectRecordSchema,
  tickets: TicketRecordSchema,
} as const;
export type Pipeline = keyof typeof RECORD_SCHEMAS;

/** The record type each pipeline yields. */
export interface PipelineRecord {
  files: FileRecord;
  contacts: ContactRecord;
  companies: CompanyRecord;
  deals: DealRecord;
  custom_objects: CustomObjectRecord;
  tickets: TicketRecord;
}

/**
 * Validates a pulled record against its pipeline's schema (unknown fields kept).
 *
 * @example
 * const file = parseRecord("files", record); // throws ManagedSyncResponseError naming the bad field
 */
export function parseRecord<P extends Pipeline>(pipeline: P, record: unknown): PipelineRecord[P] {
  const schema = RECORD_SCHEMAS[pipeline] as z.ZodType<PipelineRecord[P]> | undefined;
  if (!schema) {
    throw new ManagedSyncArgumentError(
      "INVALID_ARGUMENT",
      `Unknown pipeline "${String(pipeline)}": use one of ${Object.keys(RECORD_SCHEMAS).join(", ")}`,
    );
  }
  const id = (record as { id?: unknown } | null)?.id;
  return validateValue(record, schema, { endpoint: `${String(pipeline)} record ${String(id)}` });
}

// Providers name folders differently; Paragon normalises Drive folders to Google's type. A Drive
// shortcut has no content of its own either, so it is treated as a folder.
const FOLDER_MIME_TYPES: ReadonlySet<string> = new Set([
  "application/vnd.google-apps.folder",
  "application/vnd.google-apps.shortcut",
  "inode/directory",
  "application/x-directory",
  "httpd/unix-directory",
  "text/directory",
  "folder",
  "directory",
]);

/**
 * True when a MIME type marks a folder (or a Drive shortcut), which has no content to read.
 *
 * @example isFolderMimeType("application/vnd.google-apps.folder") // true
 */
export function isFolderMimeType(mimeType: string): boolean {
  const type = (mimeType.split(";")[0] ?? "").trim().toLowerCase();
  return FOLDER_MIME_TYPES.has(type) || type.endsWith(".folder") || type.endsWith("/folder");
}

/** True when a file record is a folder (decided by its `mimeType`, e.g. `application/vnd.google-apps.folder`). */
export function isFolder(record: { mimeType?: string | null | undefined }): boolean {
  return record.mimeType ? isFolderMimeType(record.mimeType) : false;
}

/** True for a tombstone (`deleted: true`): the record was deleted or access to it was lost. */
export function isDeleted(record: { deleted?: boolean | null | undefined }): boolean {
  return record.deleted === true;
}
