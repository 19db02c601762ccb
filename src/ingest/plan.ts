import {
  type FileRecord,
  isDeleted,
  isFolder,
  parseRecord,
  type SyncedRecord,
} from "../managed-sync/index.js";
import { type ChunkMetadata, isStorableId, type RecordVersion } from "../store/index.js";
import { verdictOutcome } from "./failures.js";
import { MAX_RECORD_DEPTH, nestedDeeperThan } from "./record-depth.js";
import { fileMetadata, recordMetadata, type SyncInfo } from "./record-metadata.js";
import {
  contentUnreadVersion,
  fileSourceVersion,
  recordSourceVersion,
  type SourceVersion,
  sameContent,
} from "./source-version.js";
import { detectFormat, type RecordRelations } from "./text/index.js";

type Metadata = Omit<ChunkMetadata, "page">;

/** What to do with one pulled record, decided from its metadata and stored version alone (no I/O). */
export type RecordPlan =
  /** A tombstone: remove the record's chunks and version. */
  | { action: "delete"; recordId: string; name?: string }
  /** Nothing to read; `drop` when chunks of an earlier readable version must go. */
  | { action: "skip"; recordId: string; name?: string; code: string; reason: string; drop: boolean }
  /**
   * Cannot be indexed and not worth a download: a version already judged unindexable under the
   * same limits, or a record that is itself unusable (`drop`: its earlier chunks and version go).
   */
  | { action: "unindexable"; recordId: string; name?: string; code: string; reason: string; drop: boolean }
  | { action: "unchanged"; recordId: string }
  /** Same bytes (the source's own hash says so), new metadata: patch payloads, embed nothing. */
  | { action: "patch"; recordId: string; metadata: Metadata; version: SourceVersion; stored: RecordVersion }
  /** Download the file, extract, and compare the text's hash with the stored one. */
  | {
      action: "download";
      record: FileRecord;
      metadata: Metadata;
      version: SourceVersion;
      stored?: RecordVersion;
    }
  /** Render a CRM/ticket record (with what it refers to) as text, and compare its hash with the stored one. */
  | {
      action: "render";
      record: SyncedRecord;
      relations?: RecordRelations;
      metadata: Metadata;
      version: SourceVersion;
      stored?: RecordVersion;
    };

/**
 * Decides what a record needs, comparing its source version with the stored one. `limits` are
 * the limits in force ({@link limitsOf}): a version judged unindexable under other limits is read
 * again. A CRM record's resolved `relations` (its company's name, its owner) are part of its
 * version, so a renamed company or a newly mapped owner re-renders it.
 */
export function planRecord(
  record: SyncedRecord,
  sync: SyncInfo,
  stored: RecordVersion | undefined,
  limits: string,
  relations?: RecordRelations,
): RecordPlan {
  if (!isStorableId(record.id)) {
    // Nothing with this id can have been stored, and it cannot be fetched by id (no URL form).
    return {
      action: "unindexable",
      drop: false,
      recordId: record.id,
      code: "INVALID_RECORD_ID",
      reason: `the record id ${JSON.stringify(record.id)} is not valid Unicode (a lone surrogate): it cannot be fetched, stored or checked; report it to the source`,
    };
  }
  if (isDeleted(record)) return { action: "delete", recordId: record.id };
  if (nestedDeeperThan(record, MAX_RECORD_DEPTH)) {
    // Rendering and digesting it would overflow the stack; its earlier chunks no longer stand.
    return {
      action: "unindexable",
      recordId: record.id,
      code: "MALFORMED",
      reason: `the record nests its fields more than ${MAX_RECORD_DEPTH} levels deep: it cannot be read as text; report it to the source`,
      drop: stored !== undefined,
    };
  }
  if (sync.pipeline !== "files") {
    const version = recordSourceVersion(relations ? { record, relations } : record);
    const known = knownVerdict(record.id, stored, version.value, limits);
    if (known) return known;
    // Indexed from its fields alone (its content could not be read) under these same limits.
    if (stored?.sourceVersion === contentUnreadVersion(version.value, limits))
      return { action: "unchanged", recordId: record.id };
    return {
      action: "render",
      record,
      ...(relations ? { relations } : {}),
      metadata: recordMetadata(record, sync),
      version,
      stored,
    };
  }
  let file: FileRecord;
  try {
    file = parseRecord("files", record);
  } catch (error) {
    // The record itself is malformed (fields of the wrong type): whatever it held before is void.
    return {
      action: "unindexable",
      recordId: record.id,
      code: codeOf(error),
      reason: (error as Error).message,
      drop: stored !== undefined,
    };
  }
  const name = file.name ?? undefined;
  if (isFolder(file)) {
    // A record once indexed as a file that now reports a folder (or shortcut) type loses its chunks.
    return {
      action: "skip",
      recordId: file.id,
      name,
      code: "FOLDER",
      reason: "a folder",
      drop: stored !== undefined,
    };
  }
  const metadata = fileMetadata(file, sync);
  if (!detectFormat(metadata.mimeType, metadata.name)) {
    return {
      action: "skip",
      recordId: file.id,
      name,
      code: "UNSUPPORTED_TYPE",
      reason: `no text extractor for ${metadata.mimeType}`,
      drop: stored !== undefined,
    };
  }
  const version = fileSourceVersion(file, metadata);
  const known = knownVerdict(file.id, stored, version.value, limits, name);
  if (known) return known;
  // A verdict under other limits is void: read the file again rather than carry it over.
  const judgedUnderOtherLimits = stored?.unindexable !== undefined && stored.unindexable.limits !== limits;
  if (
    stored &&
    !judgedUnderOtherLimits &&
    version.trustedContent &&
    sameContent(stored.sourceVersion, version.value)
  ) {
    return { action: "patch", recordId: file.id, metadata, version, stored };
  }
  return { action: "download", record: file, metadata, version, stored };
}

/**
 * `unchanged` when the stored version is this one; the stored verdict when this version was
 * judged unindexable under the same limits; undefined when the record must be read.
 */
function knownVerdict(
  recordId: string,
  stored: RecordVersion | undefined,
  version: string,
  limits: string,
  name?: string,
): RecordPlan | undefined {
  if (stored?.sourceVersion !== version) return undefined;
  const verdict = stored.unindexable;
  if (!verdict) return { action: "unchanged", recordId };
  if (verdict.limits !== limits) return undefined;
  const { code, reason } = verdict;
  const action = verdictOutcome(code) === "skipped" ? "skip" : "unindexable";
  return { action, recordId, ...(name ? { name } : {}), code, reason, drop: false };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : "INVALID_RECORD";
}
