import type { ChangeEvent } from "../state/index.js";

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
  recordIdsBelow(syncId: string, nodeId: string): string[];
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
      return state.recordIdsBelow(event.syncId, event.recordId).map((recordId) => ({
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
