import type { SyncTree } from "./sync-tree.js";
import type { Grant, SyncStatus } from "./types.js";

/** One sync of one Connected User; `tree` is the synced copy of the source's files. */
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
