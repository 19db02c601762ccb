import type { LimitFunction } from "p-limit";
import type { SyncedRecord } from "../managed-sync/index.js";
import type { ChunkStore, CurrentContent, RecordVersion } from "../store/index.js";
import { embeddedSlices } from "./embedded-slices.js";
import type { EmbeddingMeter } from "./embedding-meter.js";
import { limitsOf } from "./failures.js";
import type { MalformedRecord } from "./malformed-records.js";
import { planRecord, type RecordPlan } from "./plan.js";
import { type PrepareContext, type Prepared, type PreparedContent, prepareRecord } from "./prepare.js";
import { decide, now, type Patch } from "./record-decision.js";
import type { SyncInfo } from "./record-metadata.js";
import type { RelationResolver } from "./record-relations.js";
import type { IssueKind, RecordIssue, RecordOutcome } from "./report.js";
import { isPlaceholder, WRITING } from "./version-marks.js";

/** Everything processing a batch of records needs. */
export interface PageContext extends PrepareContext {
  tenant: string;
  sync: SyncInfo;
  store: ChunkStore;
  meter: EmbeddingMeter;
  /** Bounds downloads and extractions in flight. */
  limit: LimitFunction;
  /** Told as soon as a record's outcome is known (before the page's writes). */
  onRecord: (recordId: string, outcome: RecordOutcome) => void;
  /** Names what CRM records refer to by id (company, owner); without it they keep raw ids. */
  relations?: RelationResolver;
  /**
   * Called before the page's first write and between its slices of chunks (the sync lease's
   * check): a run that lost its lease while reading must not write what it read over a newer run's work.
   */
  beforeWrite?: () => Promise<void>;
}

/** What a batch of records came to once its writes are durable. */
export interface PageResult {
  outcomes: Map<string, RecordOutcome>;
  issues: (RecordIssue & { outcome: IssueKind })[];
  chunksWritten: number;
  /** Records that failed before anything of them was read (served malformed), of `outcomes`. */
  unread: Set<string>;
  /** Failed records whose failure becomes lasting once it repeats, and the way they failed. */
  repeats: Map<string, string>;
  /** Whether the page changed the store at all; a page of unchanged records writes nothing. */
  wrote: boolean;
}

/**
 * Processes one page: plans every record from its stored version, reads the ones that changed
 * (bounded by `limit`), embeds the new text `chunksPerWrite` chunks at a time, then writes in an order that keeps the store
 * readable at every step: new chunks, then stale chunks removed, then patches and deletes, then
 * record versions last, so a crash anywhere leaves work that the next run simply redoes. A record
 * whose new version cannot be read loses the chunks of its old one: the source no longer says that.
 * So does a `malformed` one (it fails, to be fetched again next run), and the rest of the page goes on.
 */
export async function processPage(
  pageRecords: readonly SyncedRecord[],
  context: PageContext,
  malformed: readonly MalformedRecord[] = [],
): Promise<PageResult> {
  const { tenant, store, sync } = context;
  // A record the page holds both well-formed and malformed counts as malformed: which copy is the
  // newer cannot be told, and the retry next run fetches the record as it is then.
  const malformedById = new Map(malformed.map((m) => [m.recordId, m]));
  const records = pageRecords.filter((r) => !malformedById.has(r.id));
  const stored = await store.getRecordVersions(tenant, sync.id, [
    ...records.map((r) => r.id),
    ...malformedById.keys(),
  ]);
  const result: PageResult = {
    outcomes: new Map(),
    issues: [],
    chunksWritten: 0,
    unread: new Set(malformedById.keys()),
    repeats: new Map(),
    wrote: false,
  };
  const settle = (recordId: string, outcome: RecordOutcome, issue?: Omit<RecordIssue, "syncId">) => {
    result.outcomes.set(recordId, outcome);
    if (issue && (outcome === "skipped" || outcome === "unindexable" || outcome === "failed")) {
      const { name, code, reason } = issue;
      result.issues.push({ syncId: sync.id, recordId, ...(name ? { name } : {}), code, reason, outcome });
    }
    context.onRecord(recordId, outcome);
  };

  const drops: string[] = [];
  const droppedVersions: string[] = [];
  const verdicts: RecordVersion[] = [];
  const patches: Patch[] = [];
  const contents: PreparedContent[] = [];
  // A full run is the safety net for content as it is for deletions: it removes the chunks of any
  // other content hash of the unchanged records too (a run that lost its lease can have written an
  // older version's chunks after the newer run's cleanup), at one read per page.
  const sweep = context.settings.mode === "full";
  const unchanged: CurrentContent[] = [];
  const limits = limitsOf(context.settings, sync.pipeline);
  const relations =
    sync.pipeline === "files" ? undefined : await context.relations?.forRecords(sync, records);
  const plans = dedupe(records).map((record) =>
    planRecord(record, sync, stored.get(record.id), limits, relations?.get(record.id)),
  );
  await Promise.all(
    plans.map(async (plan) => {
      const prepared = await readIfNeeded(plan, context);
      const decided = decide(prepared, context);
      switch (decided.kind) {
        case "unchanged": {
          const version = stored.get(decided.recordId);
          if (sweep && version)
            unchanged.push({ recordId: decided.recordId, contentHash: version.contentHash });
          return settle(decided.recordId, "unchanged");
        }
        case "delete":
          drops.push(decided.recordId);
          droppedVersions.push(decided.recordId);
          return settle(decided.recordId, "deleted");
        case "not-indexed":
          if (decided.drop) drops.push(decided.recordId);
          if (decided.verdict) verdicts.push(decided.verdict);
          else if (decided.drop) droppedVersions.push(decided.recordId);
          if (decided.repeat) result.repeats.set(decided.recordId, decided.repeat);
          return settle(decided.recordId, decided.outcome, decided);
        case "patch":
          patches.push(decided.patch);
          return settle(decided.patch.recordId, "metadata-only");
        case "content":
          contents.push(decided);
          if (decided.contentUnread) {
            const { code, reason } = decided.contentUnread;
            const name = decided.metadata.name;
            result.issues.push({
              syncId: sync.id,
              recordId: decided.recordId,
              name,
              code,
              reason,
              outcome: "content-unread",
            });
          }
          return settle(decided.recordId, isIndexed(decided.stored) ? "changed" : "new");
      }
    }),
  );

  for (const { recordId, code, reason } of malformedById.values()) {
    if (stored.has(recordId)) {
      drops.push(recordId);
      droppedVersions.push(recordId);
    }
    settle(recordId, "failed", { recordId, code, reason });
  }

  const slices = embeddedSlices(contents, context, context.settings.chunksPerWrite);
  // The first slice (a whole page, as a rule) is embedded before anything is written: an embedder
  // that fails then fails the page with nothing of it written.
  let slice = await slices.next();
  // Every dropped version's record is in `drops` too, so these four say whether the page writes.
  result.wrote = contents.length + patches.length + drops.length + verdicts.length > 0;
  if (result.wrote) await context.beforeWrite?.();
  // A record without a stored version gets a placeholder before its chunks: a run that dies after
  // the upsert then leaves chunks the store can find by their version (the full run's reconcile,
  // a webhook's 404), not chunks nothing points to, which outlived the record's deletion. A stored
  // one is marked as being rewritten: a run that stops after some of the new chunks must not leave
  // a version the source can serve again (an edit undone, the modification time kept), which the
  // next run would take as unchanged, keeping the undone edit's chunks for good.
  const placeholders = contents.map((c) => (c.stored ? rewritingOf(c.stored) : placeholderOf(c, context)));
  if (placeholders.length > 0 && !slice.done) await store.putRecordVersions(placeholders);
  while (!slice.done) {
    await store.upsert(slice.value);
    result.chunksWritten += slice.value.length;
    slice = await slices.next();
    // A page of many slices takes a while: one whose lease was lost meanwhile writes no more.
    if (!slice.done) await context.beforeWrite?.();
  }
  // Every content record, new ones too: a run that crashed before its version was written may
  // have left chunks of a content hash that no longer exists. Patched records too: an edit written
  // in part (its chunks upserted, then a crash, a failed embedding, a lost lease) and then undone
  // in the source comes back as the stored text, a patch, and its chunks held the undone text.
  const current = [
    ...contents.map((c) => ({ recordId: c.recordId, contentHash: c.contentHash })),
    ...patches.map((p) => ({ recordId: p.recordId, contentHash: p.version.contentHash })),
    ...unchanged,
  ];
  if (current.length > 0) {
    // Checked right before, whatever the page wrote: the lease may have gone during the upsert of
    // its last slice. A run that lost it takes the newer run's chunks of a record it read as
    // unchanged for "another content hash" (its stored versions are the page's start's), and
    // that record's version, the newer run's, says it is indexed: no later run writes it again.
    await context.beforeWrite?.();
    await store.deleteStaleChunks(tenant, sync.id, current);
  }
  for (const patch of patches) {
    // `url: undefined` first: metadata leaves out a url the source no longer has, and the stores
    // only clear fields whose key is present, so without it chunks would keep the old link.
    await store.updateRecordMetadata(tenant, sync.id, patch.recordId, { url: undefined, ...patch.metadata });
  }
  if (drops.length > 0) await store.deleteByRecord(tenant, sync.id, drops);
  const versions = [
    ...contents.map((c) => versionOf(c, context)),
    ...patches.map((p) => p.version),
    ...verdicts,
  ];
  if (versions.length > 0) await store.putRecordVersions(versions);
  if (droppedVersions.length > 0) await store.deleteRecordVersions(tenant, sync.id, droppedVersions);
  return result;
}

async function readIfNeeded(plan: RecordPlan, context: PageContext): Promise<RecordPlan | Prepared> {
  if (plan.action !== "download" && plan.action !== "render") return plan;
  return context.limit(() => prepareRecord(plan, context));
}

/** Stands for a record whose first chunks are being written, until its real version replaces it. */
function placeholderOf(content: PreparedContent, context: PageContext): RecordVersion {
  return {
    ...versionOf(content, context),
    contentHash: WRITING,
    sourceVersion: WRITING,
    chunkCount: 0,
  };
}

/**
 * A stored version whose record is being rewritten: its chunks and content hash stand until the
 * new version replaces it, but no source version matches it, so the record is read again.
 */
function rewritingOf(stored: RecordVersion): RecordVersion {
  return { ...stored, sourceVersion: WRITING };
}

/** Whether a stored version stands for indexed chunks of the record (not a placeholder). */
function isIndexed(stored: RecordVersion | undefined): boolean {
  return stored !== undefined && !isPlaceholder(stored);
}

function versionOf(content: PreparedContent, context: PageContext): RecordVersion {
  return {
    tenant: context.tenant,
    syncId: context.sync.id,
    recordId: content.recordId,
    contentHash: content.contentHash,
    sourceVersion: content.version.value,
    chunkCount: content.chunks.length,
    name: content.metadata.name,
    updatedAt: now(),
  };
}

// A page may repeat a record (it changed while we paged): the last copy is the newest.
function dedupe(records: readonly SyncedRecord[]): SyncedRecord[] {
  return [...new Map(records.map((r) => [r.id, r])).values()];
}
