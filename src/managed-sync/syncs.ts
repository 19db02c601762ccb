import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { type CallOptions, pathId } from "./call-options.js";
import { ManagedSyncArgumentError, SyncStateError } from "./errors.js";
import type { HttpCore } from "./http.js";
import { aborted } from "./http-errors.js";
import {
  type Sync,
  type SyncListItem,
  SyncListSchema,
  SyncSchema,
  type SyncStatus,
  SyncStatusSchema,
  type SyncStatusValue,
  type UpdateCredentialResult,
  UpdateCredentialSchema,
} from "./sync-schemas.js";

/** Body of `POST /api/syncs`. */
export interface EnableSyncInput {
  /** Lowercase integration id, e.g. `googledrive`, `sharepoint`, `salesforce`. */
  integration: string;
  /** `files`, `contacts`, `companies`, `deals`, `custom_objects`, `tickets`… */
  pipeline: string;
  configuration?: Record<string, unknown>;
  /** Needed when one user has several syncs of the same integration and pipeline. */
  configurationName?: string;
  /** Which connected account to use; the oldest active one when omitted. */
  credentialId?: string;
}

const EnableSyncInputSchema = z.object({
  integration: z.string().min(1),
  pipeline: z.string().min(1),
  configuration: z.record(z.string(), z.unknown()).optional(),
  configurationName: z.string().min(1).optional(),
  credentialId: z.guid().optional(),
});

/** Options of `waitFor`. */
export interface WaitForSyncOptions {
  /** Statuses that end the wait (default `["IDLE"]`: the initial sync finished). */
  until?: SyncStatusValue[];
  /** Pause between polls (default 2000 ms); a `RATE_LIMITED` status's `rateLimitBackoffMs` lengthens it. */
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

/** The Sync API's management calls: enable, list, status, disable, re-enable, re-bind credential, delete. */
export class SyncsApi {
  constructor(private readonly http: HttpCore) {}

  /** Starts a sync for the token's Connected User (`POST /api/syncs`); never retried unless surely unprocessed. */
  async enable(input: EnableSyncInput, options: CallOptions = {}): Promise<Sync> {
    const parsed = EnableSyncInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ManagedSyncArgumentError(
        "INVALID_ARGUMENT",
        `enable sync: ${issue?.path.join(".") || "input"}: ${issue?.message ?? "invalid"} (integration and pipeline are required; credentialId must be a UUID)`,
      );
    }
    return this.http.json(
      {
        method: "POST",
        path: "/api/syncs",
        endpoint: "POST /api/syncs",
        retry: "unprocessed",
        body: parsed.data,
        ...options,
      },
      SyncSchema,
    );
  }

  /** All syncs of the token's Connected User (`GET /api/syncs`). */
  async list(options: CallOptions = {}): Promise<SyncListItem[]> {
    const body = await this.http.json(
      { method: "GET", path: "/api/syncs", endpoint: "GET /api/syncs", retry: "safe", ...options },
      SyncListSchema,
    );
    return body.data;
  }

  /** Status (upper-cased) and summary of one sync (`GET /api/syncs/{syncId}`). */
  async get(syncId: string, options: CallOptions = {}): Promise<SyncStatus> {
    return this.http.json(
      {
        method: "GET",
        path: `/api/syncs/${pathId("syncId", syncId)}`,
        endpoint: "GET /api/syncs/{syncId}",
        retry: "safe",
        ...options,
      },
      SyncStatusSchema,
    );
  }

  /** Stops the sync from running (`POST /api/syncs/{syncId}/disable`). */
  async disable(syncId: string, options: CallOptions = {}): Promise<void> {
    return this.action("disable", syncId, options);
  }

  /** Resumes a disabled or errored sync where it left off (`POST /api/syncs/{syncId}/reenable`). */
  async reenable(syncId: string, options: CallOptions = {}): Promise<void> {
    return this.action("reenable", syncId, options);
  }

  /** Re-binds the sync to another connected account, then Paragon runs a full sync (`PATCH /api/syncs/{syncId}`). */
  async updateCredential(
    syncId: string,
    credentialId: string,
    options: CallOptions = {},
  ): Promise<UpdateCredentialResult> {
    if (!z.guid().safeParse(credentialId).success) {
      throw new ManagedSyncArgumentError(
        "INVALID_ARGUMENT",
        `credentialId must be a UUID (from allCredentials in /sdk/me), got ${JSON.stringify(credentialId)}`,
      );
    }
    return this.http.json(
      {
        method: "PATCH",
        path: `/api/syncs/${pathId("syncId", syncId)}`,
        endpoint: "PATCH /api/syncs/{syncId}",
        retry: "unprocessed",
        body: { credentialId },
        ...options,
      },
      UpdateCredentialSchema,
    );
  }

  /** Permanently deletes the sync and all its synced records (`DELETE /api/syncs/{syncId}`). */
  async delete(syncId: string, options: CallOptions = {}): Promise<void> {
    return this.http.discard({
      method: "DELETE",
      path: `/api/syncs/${pathId("syncId", syncId)}`,
      endpoint: "DELETE /api/syncs/{syncId}",
      retry: "unprocessed",
      ...options,
    });
  }

  /**
   * Polls the status until it is one of `until` (default `IDLE`). Waits at least `rateLimitBackoffMs`
   * while the sync is `RATE_LIMITED`; throws `SyncStateError` on `ERRORED`, or on `DISABLED` unless awaited.
   *
   * @example
   * await client.syncs.waitFor(sync.id, { signal: AbortSignal.timeout(600_000) });
   */
  async waitFor(syncId: string, options: WaitForSyncOptions = {}): Promise<SyncStatus> {
    const until = options.until ?? ["IDLE"];
    const pollIntervalMs = options.pollIntervalMs ?? 2000;
    for (;;) {
      const current = await this.get(syncId, options.signal ? { signal: options.signal } : {});
      if (until.includes(current.status)) return current;
      if (current.status === "ERRORED" || current.status === "DISABLED") {
        throw new SyncStateError(
          current.status === "ERRORED"
            ? `Sync ${syncId} is ERRORED: the user must reconnect the account, then re-enable the sync (see the sync_errored webhook for the cause)`
            : `Sync ${syncId} is DISABLED: re-enable it before waiting for it`,
          { endpoint: "GET /api/syncs/{syncId}", syncId, syncStatus: current.status },
        );
      }
      const delayMs =
        current.status === "RATE_LIMITED"
          ? Math.max(pollIntervalMs, current.rateLimitBackoffMs ?? 0)
          : pollIntervalMs;
      try {
        await sleep(delayMs, undefined, { signal: options.signal });
      } catch (cause) {
        throw aborted({ endpoint: "GET /api/syncs/{syncId}" }, options.signal?.reason ?? cause);
      }
    }
  }

  private async action(name: "disable" | "reenable", syncId: string, options: CallOptions): Promise<void> {
    return this.http.discard({
      method: "POST",
      path: `/api/syncs/${pathId("syncId", syncId)}/${name}`,
      endpoint: `POST /api/syncs/{syncId}/${name}`,
      retry: "unprocessed",
      ...options,
    });
  }
}
