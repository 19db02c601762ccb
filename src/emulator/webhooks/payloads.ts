import type { ChangeEvent, SharingGraph } from "../state/index.js";

/** A Managed Sync webhook body, as Paragon documents it. */
export type WebhookPayload =
  | { event: "webhook_verification" }
  | {
      event: "record_created" | "record_updated" | "record_deleted";
      sync: string;
      syncInstanceId: string;
      user: { id: string };
      data: { recordId: string; model: string };
    }
  | {
      event: "sync_complete";
      sync: string;
      syncInstanceId: string;
      user: { id: string };
      data: { model: string; syncedAt: string; numRecords: number };
    };

/** What the sender needs from the emulator state to expand a sharing change to the records it reaches. */
export interface SharingSource {
  sharingGraph(): SharingGraph;
  syncsOf(tenant: string): { id: string; integration: string; pipeline: string }[];
}

/**
 * The webhooks a state change produces. Record changes map one to one. Paragon documents no event
 * for a sharing change, so the emulator announces one as `record_updated` for every record below
 * the node (sharing is inherited): a receiver re-fetches, finds the content unchanged and only
 * drops its cached permission decisions. Group membership and sync lifecycle changes send nothing,
 * as in Paragon.
 */
export function payloadsFor(event: ChangeEvent, state: SharingSource): WebhookPayload[] {
  switch (event.type) {
    case "record_created":
    case "record_updated":
    case "record_deleted":
      return [
        {
          event: event.type,
          sync: event.integration,
          syncInstanceId: event.syncId,
          user: { id: event.tenant },
          data: { recordId: event.recordId, model: event.model },
        },
      ];
    case "sync_complete":
      return [
        {
          event: "sync_complete",
          sync: event.integration,
          syncInstanceId: event.syncId,
          user: { id: event.tenant },
          data: { model: event.model, syncedAt: event.syncedAt, numRecords: event.numRecords },
        },
      ];
    case "sharing_changed": {
      const sync = state.syncsOf(event.tenant).find((s) => s.id === event.syncId);
      if (!sync) return [];
      return recordsBelow(state.sharingGraph(), event.syncId, event.recordId).map((recordId) => ({
        event: "record_updated",
        sync: sync.integration,
        syncInstanceId: event.syncId,
        user: { id: event.tenant },
        data: { recordId, model: sync.pipeline },
      }));
    }
    default:
      return [];
  }
}

/** The record ids of a node and everything below it (the sync root itself is not a record). */
function recordsBelow(graph: SharingGraph, syncId: string, nodeId: string): string[] {
  const nodes = graph.nodes.filter((n) => n.syncId === syncId);
  const children = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.parentId === null) continue;
    const list = children.get(node.parentId) ?? [];
    list.push(node.id);
    children.set(node.parentId, list);
  }
  const isRecord = new Map(nodes.map((n) => [n.id, n.record]));
  const out: string[] = [];
  const stack = [nodeId];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (isRecord.get(id)) out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}
