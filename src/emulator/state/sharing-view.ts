import type { SyncEntry } from "./sync-entry.js";
import type { SharingNode, SyncNode } from "./types.js";

/** A node's sharing in the neutral form the permission engine reads (a copy). */
export function sharingNode(sync: SyncEntry, node: SyncNode): SharingNode {
  return {
    syncId: sync.id,
    tenant: sync.tenant,
    id: node.id,
    type: node.type,
    record: node !== sync.tree.root,
    parentId: node.parentId,
    owner: node.owner,
    grants: structuredClone(node.grants),
  };
}
