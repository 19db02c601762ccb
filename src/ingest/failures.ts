import { BodyIncompleteError, ContentTooLargeError, ManagedSyncTimeoutError } from "../managed-sync/index.js";
import type { Unindexable } from "../store/index.js";
import type { IngestSettings } from "./options.js";
import { ExtractError } from "./text/index.js";

/**
 * What reading a record's content did not come to. `permanent`: this version of the record will
 * never be indexed as it is (encrypted, no text, over a limit, a format it claims but is not):
 * recorded as unindexable, not read again until the record's version or the limits change, and
 * the run stays green. `transient`: the network, the service or the machine failed this time: the
 * record is retried next run and the run reports failure.
 */
export type FailureKind = "permanent" | "transient";

/**
 * A failure that may be the moment or may be the file: an extraction that missed its deadline or
 * whose worker died (a busy machine or a hostile file), a download that timed out or was cut off
 * mid-body (a slow network or a file the service cannot serve). Transient until the record has
 * failed the same way ({@link repeatKey}) this many runs in a row, then permanent: the reason says
 * so, and raising `extractTimeoutMs` / `downloadTimeoutMs` (or any limit) reads it again.
 */
export const TIMEOUT_RUNS_BEFORE_PERMANENT = 3;

/**
 * The way a record failed, when that way becomes lasting once it repeats ({@link
 * TIMEOUT_RUNS_BEFORE_PERMANENT}); undefined for the rest. A service failing for everyone (5xx,
 * rate limits, credentials, the network unreachable) stays transient however often it repeats:
 * it says nothing about the file.
 */
export function repeatKey(error: unknown): string | undefined {
  if (error instanceof ExtractError) return error.permanent ? undefined : `extract:${error.code}`;
  if (error instanceof ManagedSyncTimeoutError) return "download:TIMEOUT";
  if (error instanceof BodyIncompleteError) return "download:BODY_INCOMPLETE";
  return undefined;
}

/**
 * Classifies why a record's content could not be read. `failedRunsBefore` counts the runs in a
 * row that already failed on this record the same way (from the retry list). The extractor says
 * which of its failures are about the file (`ExtractError.permanent`); the network and the
 * service are transient, but for a timeout or a cut-off body repeating on the same file.
 */
export function failureKind(error: unknown, failedRunsBefore: number): FailureKind {
  if (error instanceof ContentTooLargeError) return "permanent";
  if (error instanceof ExtractError && error.permanent) return "permanent";
  if (repeatKey(error) === undefined) return "transient";
  return failedRunsBefore + 1 >= TIMEOUT_RUNS_BEFORE_PERMANENT ? "permanent" : "transient";
}

// The settings a permanent verdict may depend on; changing one makes unindexable records worth a retry.
const LIMIT_SETTINGS = [
  "maxFileBytes",
  "maxChars",
  "maxUncompressedBytes",
  "extractTimeoutMs",
] as const satisfies readonly (keyof IngestSettings)[];

// Tickets were judged when their content was read as a Markdown file, not as the ZIP archive
// Paragon serves: every ticket with content became unindexable. Marking the limits of a tickets
// sync voids those verdicts, so each such ticket is read once more, as an archive.
const TICKET_CONTENT_READER = "ticketContent=zip";

/**
 * The limits in force, as stored beside an unindexable verdict (`Unindexable.limits`) and a ticket
 * indexed without its content; a tickets sync's carry how its content is read.
 */
export function limitsOf(settings: IngestSettings, pipeline?: string): string {
  let limits = LIMIT_SETTINGS.map((name) => `${name}=${settings[name]}`).join(";");
  // Only when set: verdicts stored before the setting existed keep standing.
  if (settings.downloadTimeoutMs !== undefined) limits += `;downloadTimeoutMs=${settings.downloadTimeoutMs}`;
  if (settings.extractMemoryMb !== undefined) limits += `;extractMemoryMb=${settings.extractMemoryMb}`;
  return pipeline === "tickets" ? `${limits};${TICKET_CONTENT_READER}` : limits;
}

/** The verdict stored for a record version of `pipeline` that cannot be indexed. */
export function unindexable(
  code: string,
  reason: string,
  settings: IngestSettings,
  pipeline?: string,
): Unindexable {
  return { code, reason, limits: limitsOf(settings, pipeline) };
}

/** How a record with a stored verdict counts: a type Clearance does not read is a skip, the rest unindexable. */
export function verdictOutcome(code: string): "skipped" | "unindexable" {
  return code === "UNSUPPORTED_TYPE" ? "skipped" : "unindexable";
}
