import { deriveExternalId, recordIdFor } from "./ids.js";
import { FOLDER_MIME_TYPE, mimeTypeFor } from "./mime.js";
import { baseName } from "./paths.js";
import type { NodeOptions, SyncEntry } from "./sync-entry.js";
import type { NodeType, SyncNode } from "./types.js";
import { providerUrl } from "./urls.js";

/** The root folder of a new sync: holds sharing, is not a record (seq 0). */
export function rootNode(syncId: string, integration: string, owner: string, now: string): SyncNode {
  const externalId = deriveExternalId(syncId, "");
  return {
    id: recordIdFor(integration, externalId),
    externalId,
    type: "folder",
    name: "",
    path: "",
    parentId: null,
    mimeType: FOLDER_MIME_TYPE,
    size: 0,
    hash: null,
    url: providerUrl(integration, "folder", externalId),
    createdAt: now,
    updatedAt: now,
    seq: 0,
    owner,
    grants: [],
  };
}

/** A new file or folder at `path` under `parent`, with ids derived unless the options pin them. */
export function newNode(
  sync: SyncEntry,
  parent: SyncNode,
  path: string,
  type: NodeType,
  options: NodeOptions,
): SyncNode {
  const externalId = options.externalId ?? freeExternalId(sync, path);
  const owner = options.owner ?? sync.defaultOwner;
  const updatedAt = options.updatedAt ?? new Date().toISOString();
  return {
    id: recordIdFor(sync.integration, externalId),
    externalId,
    type,
    name: baseName(path),
    path,
    parentId: parent.id,
    mimeType: type === "folder" ? FOLDER_MIME_TYPE : (options.mimeType ?? mimeTypeFor(path)),
    size: 0,
    hash: null,
    url: options.url ?? providerUrl(sync.integration, type, externalId),
    createdAt: options.createdAt ?? updatedAt,
    updatedAt,
    seq: 0,
    owner,
    grants: structuredClone(options.grants ?? []),
  };
}

/**
 * The external id derived from the path a node is first seen at, unless a live node already has it
 * (one that was moved away from this path): then the next free derivation, so two live nodes never
 * share a record id (a shared id would merge their places in the tree).
 */
function freeExternalId(sync: SyncEntry, path: string): string {
  let externalId = deriveExternalId(sync.id, path);
  for (let n = 1; sync.tree.get(recordIdFor(sync.integration, externalId)); n++) {
    externalId = deriveExternalId(sync.id, `${path}#${n}`);
  }
  return externalId;
}
