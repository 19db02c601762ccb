import type { SyncEntry, SyncNode } from "../state/index.js";

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
