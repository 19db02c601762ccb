import type { ChunkMetadata, RecordVersion } from "../store/index.js";
import { unindexable } from "./failures.js";
import type { IngestSettings } from "./options.js";
import type { RecordPlan } from "./plan.js";
import type { NotRead, Prepared, PreparedContent } from "./prepare.js";
import type { SyncInfo } from "./record-metadata.js";
import { isBeingRewritten } from "./version-marks.js";

// What a page writes for each record, decided from its plan or from reading it (page.ts writes it).

/** What deciding needs from the page. */
export interface DecideContext {
  tenant: string;
  sync: SyncInfo;
  settings: IngestSettings;
}

/** A record patched in place: chunks keep their text and vector, the payload takes the new metadata. */
export interface Patch {
  recordId: string;
  metadata: Omit<ChunkMetadata, "page">;
  version: RecordVersion;
}

/** A record that ends this page without chunks, and what happens to what was stored for it. */
export interface NotIndexed {
  kind: "not-indexed";
  recordId: string;
  name?: string;
  outcome: "skipped" | "unindexable" | "failed";
  code: string;
  reason: string;
  /** Remove the record's chunks (and, without a verdict, its version). */
  drop: boolean;
  /** The version to store instead: this version of the record cannot be indexed, and why. */
  verdict?: RecordVersion;
  /** For a failure that becomes lasting once it repeats, the way it failed (the retry list counts it). */
  repeat?: string;
}

export type Decided =
  | { kind: "unchanged"; recordId: string }
  | { kind: "delete"; recordId: string }
  | NotIndexed
  | { kind: "patch"; patch: Patch }
  | PreparedContent;

/** Turns a plan or a read record into what the page will write for it. */
export function decide(item: RecordPlan | Prepared, context: DecideContext): Decided {
  if ("kind" in item) {
    if (item.kind === "not-read") return notIndexed(item, context);
    if (item.chunks.length === 0) {
      const reason = "no text to index";
      return notIndexed(
        {
          kind: "not-read",
          recordId: item.recordId,
          name: item.metadata.name,
          outcome: "unindexable",
          code: "EMPTY",
          reason,
          version: item.version,
          verdict: unindexable("EMPTY", reason, context.settings, context.sync.pipeline),
        },
        context,
      );
    }
    // Same text as stored: a metadata-only change, whatever the source's own version says. Not
    // when a rewrite of the record stopped part-way: its stale-chunk delete may have taken that
    // text's chunks (an edit written, then undone in the source), so the text is written again.
    if (item.stored?.contentHash === item.contentHash && !isBeingRewritten(item.stored)) {
      return { kind: "patch", patch: toPatch(item, item.stored) };
    }
    return item;
  }
  switch (item.action) {
    case "unchanged":
    case "delete":
      return { kind: item.action, recordId: item.recordId };
    case "skip":
      return { kind: "not-indexed", outcome: "skipped", ...item };
    case "unindexable":
      return { kind: "not-indexed", outcome: "unindexable", ...item };
    case "patch":
      return { kind: "patch", patch: toPatch(item, item.stored) };
    default:
      throw new Error(`unreachable: ${item.action} reached decide() unread (${context.sync.id})`);
  }
}

/**
 * A record that was read but gave no chunks. Whatever it had goes (chunks of an earlier version,
 * or of a run that crashed before writing its version); a lasting verdict is stored in its place.
 */
function notIndexed(item: NotRead, context: DecideContext): NotIndexed {
  const { recordId, name, outcome, code, reason } = item;
  const verdict: RecordVersion | undefined = item.verdict && {
    tenant: context.tenant,
    syncId: context.sync.id,
    recordId,
    contentHash: UNINDEXED_HASH,
    sourceVersion: item.version.value,
    chunkCount: 0,
    name,
    updatedAt: now(),
    unindexable: item.verdict,
  };
  return {
    kind: "not-indexed",
    recordId,
    name,
    outcome,
    code,
    reason,
    drop: true,
    ...(verdict ? { verdict } : {}),
    ...(item.repeat ? { repeat: item.repeat } : {}),
  };
}

// The content hash of a version without chunks; no real hash (base64url of a digest) looks like it.
const UNINDEXED_HASH = "(unindexed)";

/** The patch of a record whose text is unchanged: its new metadata, and its stored version brought up to date. */
function toPatch(
  item: { recordId: string; metadata: Patch["metadata"]; version: { value: string } },
  stored: RecordVersion,
): Patch {
  return {
    recordId: item.recordId,
    metadata: item.metadata,
    version: {
      ...stored,
      sourceVersion: item.version.value,
      name: item.metadata.name,
      updatedAt: now(),
    },
  };
}

export function now(): string {
  return new Date().toISOString();
}
