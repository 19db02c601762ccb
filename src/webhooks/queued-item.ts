import { z } from "zod";
import { type WorkItem, workItemSchema } from "./payload.js";

/** One accepted event as the spool keeps it. */
export interface QueuedItem {
  /** The file stem: a digest of the dedupe key (tenant, sync, record, event). */
  id: string;
  item: WorkItem;
  /** Epoch ms at which the receiver accepted it (the first copy, for a duplicate). */
  acceptedAt: number;
  /** Failed attempts so far; survives restarts. */
  attempts: number;
  lastError?: string;
}

// A file read back from the spool is checked: one put there by hand or by another tool must not
// reach the worker without a tenant or a sync.
const queuedItemSchema: z.ZodType<QueuedItem> = z.object({
  id: z.string().min(1),
  item: workItemSchema,
  acceptedAt: z.number(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().optional(),
});

/** A spool file's event; throws when the text is not one (the queue keeps such a file for a human). */
export function parseQueuedItem(text: string): QueuedItem {
  return queuedItemSchema.parse(JSON.parse(text));
}

/** The error an attempt ended with, as a queued item keeps it (`lastError`): bounded, so a dead letter stays small. */
export function describeFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (typeof code === "string" ? `${code}: ${message}` : message).slice(0, 2_000);
}
