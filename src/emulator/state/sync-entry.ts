import type { RecordTable } from "./record-table.js";
import type { SyncTree } from "./sync-tree.js";
import type { Grant, SyncStatus } from "./types.js";

/**
 * One sync of one Connected User. A `files` sync serves `tree` (the synced copy of the source's
 * files); every other pipeline (contacts, companies, deals, tickets…) serves `table`. The other
 * one stays empty.
 */
export interface SyncEntry {
  readonly id: string;
  readonly tenant: string;
  readonly integration: string;
  readonly pipeline: string;
  readonly configurationName: string;
  configuration: Record<string, unknown>;
  credentialId: string | null;
  status: SyncStatus;
  /** Deleted syncs keep their source files so re-enabling brings them back under the same ids. */
  deleted: boolean;
  dateCreated: string;
  dateUpdated: string;
  lastSyncedAt: string | null;
  /** Owner of files created without one. */
  defaultOwner: string;
  readonly tree: SyncTree;
  readonly table: RecordTable;
}

/** True for a File Storage sync (pipeline `files`), whose records are files and folders. */
export function isFileSync(sync: { pipeline: string }): boolean {
  return sync.pipeline === "files";
}

/** What a sync serves in pull order: its files and folders, or its CRM/ticket records. */
export function syncedItems(sync: SyncEntry): SyncTree | RecordTable {
  return isFileSync(sync) ? sync.tree : sync.table;
}

export interface SyncDefinition {
  tenant: string;
  integration: string;
  pipeline: string;
  configurationName: string;
  configuration?: Record<string, unknown>;
  credentialId?: string | null;
  owner: string;
}

/** Optional fields a new file or folder can be created with (the corpus pins these). */
export interface NodeOptions {
  externalId?: string;
  url?: string;
  createdAt?: string;
  updatedAt?: string;
  mimeType?: string;
  owner?: string;
  grants?: Grant[];
}
