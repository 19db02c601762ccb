import type { Relation } from "./types.js";

/**
 * What the access layer needs from the Managed Sync permissions client (`client.permissions`).
 * Declared here, by the consumer, so the access layer can be tested and reused without the rest of
 * the client.
 */
export interface PermissionsClient {
  batchCheck(
    syncId: string,
    checks: readonly { object: string; user: string; role: Relation }[],
    options?: { batchSize?: number; concurrency?: number; signal?: AbortSignal },
  ): Promise<{ object: string; allowed: boolean; error?: string | undefined }[]>;
  listObjects(
    syncId: string,
    query: { user: string; role: Relation; objectType: "file" | "folder" },
    options?: { signal?: AbortSignal },
  ): Promise<{ objects: string[]; truncated: boolean }>;
  streamListObjects(
    syncId: string,
    query: { user: string; role: Relation; objectType: "file" | "folder" },
    options?: { signal?: AbortSignal },
  ): AsyncIterable<string>;
  /** `streamListObjects` a network chunk at a time (optional; much cheaper for long lists). */
  streamListObjectBatches?(
    syncId: string,
    query: { user: string; role: Relation; objectType: "file" | "folder" },
    options?: { signal?: AbortSignal },
  ): AsyncIterable<string[]>;
}
