import { z } from "zod";

/** The Managed Sync webhook events Clearance acts on or records. */
export const WEBHOOK_EVENTS = [
  "webhook_verification",
  "sync_complete",
  "sync_errored",
  "record_created",
  "record_updated",
  "record_deleted",
  "record_errored",
] as const;

export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** A record event as the queue keeps it: what to re-fetch, never the record itself (payloads carry none). */
export type WorkItem =
  | {
      kind: "record";
      event: "record_created" | "record_updated" | "record_deleted";
      tenant: string;
      syncId: string;
      recordId: string;
      integration?: string;
      model?: string;
    }
  | {
      kind: "sync";
      event: "sync_complete";
      tenant: string;
      syncId: string;
      integration?: string;
      model?: string;
    };

const storedId = z.string().min(1);

/** A work item as the spool reads it back: checked, since a file in the spool may not be ours. */
export const workItemSchema: z.ZodType<WorkItem> = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("record"),
    event: z.enum(["record_created", "record_updated", "record_deleted"]),
    tenant: storedId,
    syncId: storedId,
    recordId: storedId,
    integration: z.string().optional(),
    model: z.string().optional(),
  }),
  z.object({
    kind: z.literal("sync"),
    event: z.literal("sync_complete"),
    tenant: storedId,
    syncId: storedId,
    integration: z.string().optional(),
    model: z.string().optional(),
  }),
]);

/** What a parsed delivery asks of the receiver. */
export type ParsedDelivery =
  | { type: "probe" }
  | { type: "work"; item: WorkItem }
  /** Known but nothing to do (errored syncs and records): counted and logged. */
  | { type: "notice"; event: "sync_errored" | "record_errored"; syncId?: string; message?: string }
  | { type: "unknown"; event: string }
  | { type: "invalid"; reason: string };

const id = z.string().trim().min(1);

// Documented camelCase first; the older snake_case variant is folded into it before validation.
const payloadSchema = z.looseObject({
  event: id,
  sync: z.string().optional(),
  syncInstanceId: id.optional(),
  user: z.looseObject({ id: id.optional() }).optional(),
  credentialId: z.string().nullish(),
  data: z
    .looseObject({
      recordId: id.optional(),
      model: z.string().optional(),
      syncedAt: z.string().optional(),
      numRecords: z.number().optional(),
    })
    .nullish(),
  error: z
    .looseObject({
      message: z.string().optional(),
      recordId: z.string().optional(),
      model: z.string().optional(),
    })
    .nullish(),
});

/** Validates a delivery body (camelCase or snake_case) and says what it asks for. */
export function parseDelivery(body: unknown): ParsedDelivery {
  const parsed = payloadSchema.safeParse(camelize(body, 2));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    return { type: "invalid", reason: problems.join("; ") };
  }
  const p = parsed.data;
  const event = p.event;
  if (event === "webhook_verification") return { type: "probe" };
  if (event === "sync_errored" || event === "record_errored") {
    return {
      type: "notice",
      event,
      ...(p.syncInstanceId ? { syncId: p.syncInstanceId } : {}),
      ...(p.error?.message ? { message: p.error.message } : {}),
    };
  }
  if (!(WEBHOOK_EVENTS as readonly string[]).includes(event)) return { type: "unknown", event };

  const tenant = p.user?.id;
  const syncId = p.syncInstanceId;
  if (!tenant)
    return { type: "invalid", reason: `user.id is missing: a ${event} must name its Connected User` };
  if (!syncId) return { type: "invalid", reason: `syncInstanceId is missing: a ${event} must name its sync` };
  const context = {
    tenant,
    syncId,
    ...(p.sync ? { integration: p.sync } : {}),
    ...(p.data?.model ? { model: p.data.model } : {}),
  };
  if (event === "sync_complete") return { type: "work", item: { kind: "sync", event, ...context } };
  const recordId = p.data?.recordId;
  if (!recordId)
    return { type: "invalid", reason: `data.recordId is missing: a ${event} must name its record` };
  return {
    type: "work",
    item: { kind: "record", event: event as "record_created", ...context, recordId },
  };
}

/**
 * The dedupe key of a work item: the same sync, record and event are one piece of work while
 * pending. JSON-quoted, so no character inside an id can make two events one.
 */
export function workKey(item: WorkItem): string {
  return JSON.stringify([item.tenant, item.syncId, item.kind === "record" ? item.recordId : "", item.event]);
}

// `sync_instance_id` → `syncInstanceId`, down to `depth` levels of nesting.
function camelize(value: unknown, depth: number): unknown {
  if (depth < 0 || value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    // The documented spelling wins when a body carries both.
    if (camel !== key && camel in value) continue;
    out[camel] = camelize(v, depth - 1);
  }
  return out;
}
