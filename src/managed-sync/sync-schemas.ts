import { z } from "zod";
import { SyncedRecordSchema } from "./record-schemas.js";

/** Sync statuses, upper-cased. `PAUSED` comes from older docs; `RATE_LIMITED` is a temporary backoff. */
export const SYNC_STATUSES = [
  "INITIALIZING",
  "ACTIVE",
  "IDLE",
  "DISABLED",
  "ERRORED",
  "RATE_LIMITED",
  "PAUSED",
] as const;
export type SyncStatusValue = (typeof SYNC_STATUSES)[number];

// Older docs return lower-case statuses; normalise so callers compare against one spelling.
const status = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .pipe(z.enum(SYNC_STATUSES));
const count = z.number().int().nonnegative();
const cursor = z.union([z.string(), z.number().transform(String)]).nullish();

/** A sync as returned by enable (`POST /api/syncs`). */
export const SyncSchema = z.looseObject({
  id: z.string().min(1),
  userId: z.string().optional(),
  integration: z.string(),
  pipeline: z.string(),
  projectId: z.string().optional(),
  status,
});
export type Sync = z.infer<typeof SyncSchema>;

/** One entry of `GET /api/syncs`. */
export const SyncListItemSchema = z.looseObject({
  id: z.string().min(1),
  integration: z.string(),
  pipeline: z.string(),
  status,
  configurationName: z.string().nullish(),
  dateCreated: z.string().nullish(),
  dateUpdated: z.string().nullish(),
});
export type SyncListItem = z.infer<typeof SyncListItemSchema>;

/** `GET /api/syncs`: `{ data: [...] }`. */
export const SyncListSchema = z.looseObject({ data: z.array(SyncListItemSchema) });

const summarySchema = z
  .looseObject({
    totalRecords: count.nullish(),
    total_records: count.nullish(),
    syncedRecordsCount: count.nullish(),
    synced_records_count: count.nullish(),
    lastSyncedAt: z.string().nullish(),
    last_synced_at: z.string().nullish(),
    latestCursor: cursor,
    latest_cursor: cursor,
    rateLimitBackoffMs: z.number().nonnegative().nullish(),
  })
  .transform((s) => ({
    totalRecords: s.totalRecords ?? s.total_records ?? undefined,
    syncedRecordsCount: s.syncedRecordsCount ?? s.synced_records_count ?? undefined,
    lastSyncedAt: s.lastSyncedAt ?? s.last_synced_at ?? undefined,
    latestCursor: s.latestCursor ?? s.latest_cursor ?? undefined,
    rateLimitBackoffMs: s.rateLimitBackoffMs ?? undefined,
  }));

/** A sync's progress; every field may be missing while the sync initialises. */
export interface SyncSummary {
  totalRecords: number | undefined;
  syncedRecordsCount: number | undefined;
  /** Set once the initial sync has finished. */
  lastSyncedAt: string | undefined;
  latestCursor: string | undefined;
}

/** `GET /api/syncs/{syncId}` normalised: camelCase summary, upper-case status, `rateLimitBackoffMs` when rate limited. */
export const SyncStatusSchema = z
  .looseObject({
    status,
    summary: summarySchema.optional(),
    rateLimitBackoffMs: z.number().nonnegative().nullish(),
    rate_limit_backoff_ms: z.number().nonnegative().nullish(),
  })
  .transform(({ summary, rateLimitBackoffMs, rate_limit_backoff_ms, ...rest }) => {
    const normalised: SyncSummary = {
      totalRecords: summary?.totalRecords,
      syncedRecordsCount: summary?.syncedRecordsCount,
      lastSyncedAt: summary?.lastSyncedAt,
      latestCursor: summary?.latestCursor,
    };
    return {
      ...rest,
      summary: normalised,
      rateLimitBackoffMs:
        rateLimitBackoffMs ?? rate_limit_backoff_ms ?? summary?.rateLimitBackoffMs ?? undefined,
    };
  });
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

/** `PATCH /api/syncs/{syncId}` answer. */
export const UpdateCredentialSchema = z.looseObject({
  id: z.string().optional(),
  data: z.looseObject({ credentialId: z.string() }).optional(),
  message: z.string().optional(),
});
export type UpdateCredentialResult = z.infer<typeof UpdateCredentialSchema>;

const pagingSchema = z
  .looseObject({
    totalRecords: count.nullish(),
    total_records: count.nullish(),
    totalActiveRecords: count.nullish(),
    total_active_records: count.nullish(),
    remainingRecords: count.nullish(),
    remaining_records: count.nullish(),
    cursor,
    lastSeen: z.union([z.number(), z.string()]).nullish(),
    last_seen: z.union([z.number(), z.string()]).nullish(),
  })
  .transform((p) => ({
    totalRecords: p.totalRecords ?? p.total_records ?? undefined,
    totalActiveRecords: p.totalActiveRecords ?? p.total_active_records ?? undefined,
    remainingRecords: p.remainingRecords ?? p.remaining_records ?? undefined,
    cursor: p.cursor ?? undefined,
    lastSeen: p.lastSeen ?? p.last_seen ?? undefined,
  }));

/**
 * `GET /api/syncs/{syncId}/records`, camelCase or snake_case paging. The envelope is strict; each
 * record is checked on its own (`SyncedRecordSchema`, in `RecordsApi.pages`), so one malformed
 * record does not void the page and stop its sync at the same cursor on every run.
 */
export const RecordPageResponseSchema = z.looseObject({
  data: z.array(z.unknown()),
  paging: pagingSchema,
});

/** `GET /api/syncs/{syncId}/records/{recordId}`: the record is wrapped in `data`. */
export const RecordResponseSchema = z.looseObject({ data: SyncedRecordSchema });
