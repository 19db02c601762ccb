import { ContentTooLargeError, ManagedSyncError, ManagedSyncHttpError } from "../managed-sync/index.js";
import type { ChunkMetadata, RecordVersion, Unindexable } from "../store/index.js";
import { failureKind, limitsOf, repeatKey, unindexable, verdictOutcome } from "./failures.js";
import type { IngestSettings } from "./options.js";
import type { RecordPlan } from "./plan.js";
import type { IngestSource } from "./source.js";
import { contentUnreadVersion, type SourceVersion } from "./source-version.js";
import {
  chunkText,
  contentHash,
  ExtractError,
  type ExtractedText,
  type ExtractLimits,
  extractText,
  extractTicketContent,
  renderRecord,
  sharedExtractPool,
  type TextChunk,
  wellFormed,
} from "./text/index.js";

/** A record whose text is in hand: chunked, hashed, ready to compare and embed. */
export interface PreparedContent {
  kind: "content";
  recordId: string;
  metadata: Omit<ChunkMetadata, "page">;
  version: SourceVersion;
  stored?: RecordVersion;
  contentHash: string;
  chunks: TextChunk[];
  /**
   * Set when the record is indexed without part of its content: a ticket whose Download Content
   * could not be read for a lasting reason is indexed from its fields, and this says why.
   */
  contentUnread?: { code: string; reason: string };
}

/**
 * A record whose content could not be read into text. `verdict` is set when this version never
 * will be (stored so it is not read again); `outcome` is how the run counts it.
 */
export interface NotRead {
  kind: "not-read";
  recordId: string;
  name: string;
  outcome: "skipped" | "unindexable" | "failed";
  code: string;
  reason: string;
  version: SourceVersion;
  verdict?: Unindexable;
  /** A failure that becomes lasting once it repeats: the way it failed ({@link repeatKey}), for the retry list to count. */
  repeat?: string;
}

/** The outcome of reading one record's text. */
export type Prepared = PreparedContent | NotRead;

/** What reading a record needs from the run. */
export interface PrepareContext {
  source: IngestSource;
  syncId: string;
  pipeline: string;
  settings: IngestSettings;
  /** Runs in a row that already failed on this record the way `repeat` names (its retry-list entry), 0 when none. */
  failedRuns: (recordId: string, repeat?: string) => number;
  signal?: AbortSignal;
}

/**
 * Downloads and extracts a file (or renders a CRM/ticket record), then chunks and hashes its text.
 * Anything wrong with this one record becomes `not-read`, classified permanent or transient
 * ({@link failureKind}); errors that doom every record (credentials rejected, the run aborted) are thrown.
 */
export async function prepareRecord(
  plan: Extract<RecordPlan, { action: "download" | "render" }>,
  context: PrepareContext,
): Promise<Prepared> {
  const { metadata } = plan;
  const recordId = plan.record.id;
  try {
    const { extracted, contentUnread } =
      plan.action === "download" ? { extracted: await download(plan, context) } : await render(plan, context);
    const { chunkSize, chunkOverlap } = context.settings;
    const chunks = await chunkText(extracted, { chunkSize, chunkOverlap });
    return {
      kind: "content",
      recordId,
      metadata,
      // A version indexed without its content is stored with the limits it failed under, so
      // raising them reads it again (see contentUnreadVersion).
      version: contentUnread
        ? {
            ...plan.version,
            value: contentUnreadVersion(plan.version.value, limitsOf(context.settings, context.pipeline)),
          }
        : plan.version,
      ...(plan.stored ? { stored: plan.stored } : {}),
      // Chunking settings are part of the hash: new settings make new chunks, so they must re-embed.
      contentHash: contentHash(`${chunkSize}/${chunkOverlap}\u0000${extracted.text}`),
      chunks,
      ...(contentUnread ? { contentUnread } : {}),
    };
  } catch (error) {
    if (isRunFatal(error, context.signal)) throw error;
    return notRead(plan, error, context);
  }
}

function notRead(
  plan: Extract<RecordPlan, { action: "download" | "render" }>,
  error: unknown,
  context: PrepareContext,
): NotRead {
  const recordId = plan.record.id;
  const code = codeOf(error);
  let reason = reasonOf(error);
  const base = {
    kind: "not-read" as const,
    recordId,
    name: plan.metadata.name,
    code,
    version: plan.version,
  };
  if (error instanceof ExtractError && error.code === "FOLDER")
    return { ...base, outcome: "skipped", reason };
  const repeat = repeatKey(error);
  const failedRuns = context.failedRuns(recordId, repeat);
  if (failureKind(error, failedRuns) === "transient")
    return { ...base, outcome: "failed", reason, ...(repeat ? { repeat } : {}) };
  if (repeat) {
    const raise = repeat.startsWith("download:") ? "ingest.downloadTimeoutMs" : "ingest.extractTimeoutMs";
    reason = `${reason} (the same on ${failedRuns + 1} runs in a row: judged unindexable until the file changes or ${raise} is raised)`;
  }
  return {
    ...base,
    outcome: verdictOutcome(code),
    reason,
    verdict: unindexable(code, reason, context.settings, context.pipeline),
  };
}

async function download(
  plan: Extract<RecordPlan, { action: "download" }>,
  { source, syncId, settings, signal }: PrepareContext,
): Promise<ExtractedText> {
  const { record, metadata } = plan;
  const maxBytes = settings.maxFileBytes;
  if (typeof record.size === "number" && record.size > maxBytes) {
    // The record says it is too big: do not spend a download finding out.
    throw new ExtractError(
      "TOO_LARGE",
      `${metadata.name} is ${record.size} bytes, over the ${maxBytes}-byte limit (raise ingest.maxFileBytes to index it)`,
    );
  }
  const content = await source.records.contentBytes(syncId, record.id, {
    maxBytes,
    ...downloadTimeout(settings),
    ...(signal ? { signal } : {}),
  });
  const genericType = metadata.mimeType === "application/octet-stream";
  return extractText(
    {
      bytes: content.bytes,
      mimeType: genericType ? content.mimeType : metadata.mimeType,
      name: metadata.name,
    },
    extractLimits(settings, signal),
    sharedExtractPool(settings.extractMemoryMb),
  );
}

/** The download timeout the run sets, if any (else the client's own `timeoutMs`). */
function downloadTimeout(settings: IngestSettings): { timeoutMs?: number } {
  return settings.downloadTimeoutMs === undefined ? {} : { timeoutMs: settings.downloadTimeoutMs };
}

/** The run's extraction limits, the same for a file and a ticket's content. */
function extractLimits(settings: IngestSettings, signal: AbortSignal | undefined): ExtractLimits {
  return {
    maxBytes: settings.maxFileBytes,
    maxChars: settings.maxChars,
    maxUncompressedBytes: settings.maxUncompressedBytes,
    timeoutMs: settings.extractTimeoutMs,
    ...(signal ? { signal } : {}),
  };
}

/**
 * A CRM or ticket record as text with its relations; a ticket adds its content (Paragon serves a
 * ticket's comments and attachments through Download Content), which a ticket without content
 * (400/404) simply lacks. A ticket whose content cannot be read for a lasting reason is still its
 * fields: it is indexed from them, with `contentUnread` saying why the content is missing.
 */
async function render(
  plan: Extract<RecordPlan, { action: "render" }>,
  context: PrepareContext,
): Promise<{ extracted: ExtractedText; contentUnread?: { code: string; reason: string } }> {
  // A record's fields come as the Sync API's JSON sent them, which may escape half an emoji.
  const fields = wellFormed(
    renderRecord(plan.record as Record<string, unknown>, context.pipeline, plan.relations),
  );
  const { maxChars } = context.settings;
  // The content gets the characters the fields leave: read to the whole limit (the archive packs
  // attachments up to it), fields plus content were over it, and the ticket lost its fields too.
  const content =
    context.pipeline === "tickets"
      ? await ticketContent(plan, context, Math.max(0, maxChars - fields.length - 2))
      : undefined;
  const text = content?.text ? `${fields}\n\n${content.text}` : fields;
  if (text.length > maxChars) {
    // A record is held to the limit a file is: a field holding a whole document is not cheap to embed either.
    throw new ExtractError(
      "TOO_LONG",
      `${plan.metadata.name} has ${text.length} characters of text, over the ${maxChars} limit (raise ingest.maxChars)`,
    );
  }
  return { extracted: { text }, ...(content?.unread ? { contentUnread: content.unread } : {}) };
}

/**
 * A ticket's content as text (its ZIP archive, or a plain Markdown body): `text` when read,
 * nothing when the ticket has none, `unread` when it cannot be read for a lasting reason (corrupt,
 * a zip bomb, over a limit; a timeout only once it has repeated, see {@link failureKind}). A
 * transient failure (the network, the service, a first timeout) is thrown: the ticket is retried.
 * `maxChars` is what the ticket's fields leave of the limit: content longer than that is unread.
 */
async function ticketContent(
  plan: Extract<RecordPlan, { action: "render" }>,
  { source, syncId, settings, signal, failedRuns }: PrepareContext,
  maxChars: number,
): Promise<{ text?: string; unread?: { code: string; reason: string } }> {
  try {
    const content = await source.records.contentBytes(syncId, plan.record.id, {
      maxBytes: settings.maxFileBytes,
      ...downloadTimeout(settings),
      ...(signal ? { signal } : {}),
    });
    const extracted = await extractTicketContent(
      { bytes: content.bytes, mimeType: content.mimeType, name: plan.metadata.name },
      { ...extractLimits(settings, signal), maxChars },
      sharedExtractPool(settings.extractMemoryMb),
    );
    return { text: extracted.text };
  } catch (error) {
    if (error instanceof ManagedSyncHttpError && (error.status === 400 || error.status === 404)) return {};
    // No description and no comments: the ticket is still its fields, not an unreadable record.
    if (error instanceof ExtractError && error.code === "EMPTY") return {};
    const runs = failedRuns(plan.record.id, repeatKey(error));
    if (isRunFatal(error, signal) || failureKind(error, runs) === "transient") throw error;
    return {
      unread: {
        code: codeOf(error),
        reason: `the ticket's content could not be read, so it is indexed from its fields alone: ${reasonOf(error)}`,
      },
    };
  }
}

const RUN_FATAL_CODES = new Set(["UNAUTHORIZED", "FORBIDDEN", "TOKEN_EXPIRED", "TOKEN_INVALID", "ABORTED"]);

/** Errors that no other record would escape either: rejected credentials, a cancelled run. */
export function isRunFatal(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return error instanceof ManagedSyncError && RUN_FATAL_CODES.has(error.code);
}

function codeOf(error: unknown): string {
  if (error instanceof ContentTooLargeError) return "TOO_LARGE";
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "INTERNAL";
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
