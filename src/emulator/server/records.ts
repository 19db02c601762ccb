import { ClearanceError } from "../../errors.js";
import {
  type EmulatorState,
  isFileSync,
  type SyncEntry,
  type SyncNode,
  type SyncRecord,
} from "../state/index.js";

/** A file or folder record as Pull Synced Records and Get Synced Record show it (File schema). */
export interface FileRecord {
  id: string;
  externalId: string;
  name: string;
  mimeType: string;
  size: number;
  url: string;
  createdAt: string;
  updatedAt: string;
  hash: { md5: string; sha256: string } | null;
  /** The parent folder's provider id (externalId), as the provider reports it. */
  parentFolderId: string | null;
  customFields: { fullPath: string };
}

/** A CRM or ticketing record as the Sync API shows it: ids, the pipeline's normalized fields, dates. */
export type FieldsRecord = { id: string; externalId: string; createdAt: string; updatedAt: string } & Record<
  string,
  unknown
>;

/** What a sync serves: files and folders, or CRM/ticket records. */
export type SyncItem = SyncNode | SyncRecord;

/** Serialises a node as its record JSON. */
export function toRecord(sync: SyncEntry, node: SyncNode): FileRecord {
  const parent = node.parentId === null ? undefined : sync.tree.get(node.parentId);
  return {
    id: node.id,
    externalId: node.externalId,
    name: node.name,
    mimeType: node.mimeType,
    size: node.size,
    url: node.url,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    hash: node.hash ? { ...node.hash } : null,
    parentFolderId: parent?.externalId ?? null,
    customFields: { fullPath: `/${node.path}` },
  };
}

/** Serialises a CRM or ticketing record (ticket comments stay out: they are the ticket's content). */
export function toFieldsRecord(sync: SyncEntry, record: SyncRecord): FieldsRecord {
  const fields = structuredClone(record.fields);
  if (sync.pipeline === "tickets" && fields.originalRecord === undefined) {
    // Paragon keeps the provider's raw ticket here; the emulator's stand-in echoes the normalized fields.
    fields.originalRecord = { id: record.externalId, ...structuredClone(record.fields) };
  }
  return {
    id: record.id,
    externalId: record.externalId,
    ...fields,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** Serialises whatever a sync serves as its record JSON. */
export function toRecordJson(sync: SyncEntry, item: SyncItem): FileRecord | FieldsRecord {
  return isFileSync(sync) ? toRecord(sync, item as SyncNode) : toFieldsRecord(sync, item as SyncRecord);
}

/** The sync's record `recordId`, or the API's 404 `RECORD_NOT_FOUND` when the sync has none. */
export function recordOf(state: EmulatorState, sync: SyncEntry, recordId: string): SyncItem {
  const item = state.itemOf(sync, recordId);
  if (!item) {
    throw new ClearanceError(
      "RECORD_NOT_FOUND",
      `Record not found: ${recordId} is not a record of this sync`,
    );
  }
  return item;
}
