import { linkAbort, ManagedSyncHttpError } from "../managed-sync/index.js";
import { toPermissionsError } from "./errors.js";
import type { PermissionsClient } from "./permissions-client.js";
import { normalizeObjectId, normalizeSubject } from "./subject.js";
import type {
  AccessContext,
  AccessControl,
  AllowList,
  BatchCheckResult,
  Decision,
  ObjectRef,
  Relation,
  Subject,
} from "./types.js";

/** Whether a sync has a Permissions API: only File Storage syncs do. */
export type SyncKind = "files" | "records";

export interface ManagedSyncAccessControlOptions {
  /** The Managed Sync client's `permissions` namespace. */
  permissions: PermissionsClient;
  /**
   * Checks per batch-check request (default 200). Paragon documents no maximum. A stranger's first
   * query checks the rest of its first page (120 candidates for k = 10) when the best fall short:
   * split at 100, that was two requests, which one server answers one after the other, each with
   * its own overhead (bench/retrieval.ts, cold 10 % reader: 4 permission calls instead of 3).
   */
  batchSize?: number;
  /** Batch-check requests in flight per sync (default 4). */
  concurrency?: number;
  /**
   * Tells File Storage syncs (checked through the Permissions API) from record syncs (CRM,
   * ticketing), which have no Permissions API: their records are errors (denied) here. Wrap this in
   * `RecordPolicyAccess` to decide them by policy. Default: every sync is a file sync and asked.
   */
  syncKind?: (syncId: string, signal?: AbortSignal) => SyncKind | Promise<SyncKind>;
  /**
   * Asked when the Permissions API answers 404 for a sync: true when the sync is confirmed gone
   * (`SyncCatalog.confirmGone`), so its objects are denied and its list is empty instead of the
   * whole query failing. Without it a 404 is an error like any other.
   */
  syncGone?: (syncId: string, signal?: AbortSignal) => Promise<boolean>;
  /** Past this many ids a list is cut and reported incomplete, to bound memory (default 500,000). */
  maxListSize?: number;
  /** Where the plain list-objects endpoint stops (Paragon documents 1,000). */
  plainListCap?: number;
}

/**
 * `AccessControl` over Paragon's Permissions API: one batch-check per sync (syncs in parallel),
 * list-objects first and the streamed endpoint when the plain one hits its cap.
 *
 * @example
 * const access = new ManagedSyncAccessControl({ permissions: client.permissions });
 * await access.batchCheck("ana@northwind.test", [{ syncId, recordId }], "can_read");
 */
export class ManagedSyncAccessControl implements AccessControl {
  readonly #permissions: PermissionsClient;
  readonly #batchSize: number;
  readonly #concurrency: number;
  readonly #syncKind: (syncId: string, signal?: AbortSignal) => SyncKind | Promise<SyncKind>;
  readonly #maxListSize: number;
  readonly #plainListCap: number;
  readonly #syncGone: ((syncId: string, signal?: AbortSignal) => Promise<boolean>) | undefined;

  constructor(options: ManagedSyncAccessControlOptions) {
    rejectTenantWideSyncs(options);
    this.#permissions = options.permissions;
    this.#batchSize = options.batchSize ?? 200;
    this.#concurrency = options.concurrency ?? 4;
    this.#syncKind = options.syncKind ?? (() => "files");
    this.#maxListSize = options.maxListSize ?? 500_000;
    this.#plainListCap = options.plainListCap ?? 1_000;
    this.#syncGone = options.syncGone;
  }

  async batchCheck(
    rawSubject: Subject,
    objects: readonly ObjectRef[],
    relation: Relation,
    signal?: AbortSignal,
  ): Promise<BatchCheckResult> {
    const subject = normalizeSubject(rawSubject);
    const decisions: Decision[] = new Array(objects.length);
    const bySync = new Map<string, Map<string, number[]>>();
    objects.forEach((object, index) => {
      let records = bySync.get(object.syncId);
      if (!records) {
        records = new Map();
        bySync.set(object.syncId, records);
      }
      const slots = records.get(object.recordId);
      if (slots) slots.push(index);
      else records.set(object.recordId, [index]);
    });

    // One failing sync cancels its siblings: the whole answer is void anyway. Linked by hand, not
    // with AbortSignal.any, which leaks on Node 20 when the caller's signal is long-lived.
    const siblings = new AbortController();
    const combined = siblings.signal;
    const unlink = linkAbort(signal, siblings);
    let calls = 0;
    const decideSync = async (syncId: string, records: Map<string, number[]>): Promise<void> => {
      const fill = (recordId: string, decision: Decision) => {
        for (const index of records.get(recordId) ?? []) decisions[index] = decision;
      };
      if ((await this.#syncKind(syncId, combined)) !== "files") {
        const reason = `sync ${syncId} has no Permissions API (not a file sync): give it a record policy (RecordPolicyAccess, config records.policies)`;
        for (const recordId of records.keys()) fill(recordId, { kind: "error", reason });
        return;
      }
      const checks = [...records.keys()].map((object) => ({ object, user: subject, role: relation }));
      calls += Math.ceil(checks.length / this.#batchSize);
      let results: Awaited<ReturnType<PermissionsClient["batchCheck"]>>;
      try {
        results = await this.#permissions.batchCheck(syncId, checks, {
          batchSize: this.#batchSize,
          concurrency: this.#concurrency,
          signal: combined,
        });
      } catch (error) {
        if (!(await this.#isGone(error, syncId, combined))) {
          throw toPermissionsError(error, `batch-check on sync ${syncId}`);
        }
        // The sync was deleted: nobody may read what it held any more.
        for (const recordId of records.keys()) fill(recordId, { kind: "deny" });
        return;
      }
      const answered = new Map<string, Decision>();
      for (const result of results) {
        const decision: Decision = result.error
          ? { kind: "error", reason: result.error }
          : result.allowed === true
            ? { kind: "allow" }
            : { kind: "deny" };
        answered.set(normalizeObjectId(result.object), decision);
      }
      for (const recordId of records.keys()) {
        fill(
          recordId,
          answered.get(recordId) ?? { kind: "error", reason: "the Permissions API gave no answer for it" },
        );
      }
    };

    try {
      await Promise.all([...bySync].map(([syncId, records]) => decideSync(syncId, records)));
    } catch (error) {
      siblings.abort(error);
      throw toPermissionsError(error, "batch-check");
    } finally {
      unlink();
    }
    return { decisions, calls };
  }

  /**
   * The plain endpoint first and the streamed one when the plain one hits its cap, or by the
   * caller's hint (`AccessContext`): the streamed one alone for a list known to be past the cap,
   * the plain one alone for a stranger (past its cap, a `partial` list). A stranger's streamed list
   * used to be asked for alongside the plain one: the server computing tens of thousands of ids
   * delayed the batch-check of the same query behind it (bench/retrieval.ts, 100k chunks: a
   * check of 30 took 10–230 ms instead of 2), for a list that a person who sees much never needed.
   */
  async listObjects(
    rawSubject: Subject,
    relation: Relation,
    syncId: string,
    signal?: AbortSignal,
    context?: AccessContext,
  ): Promise<AllowList> {
    const subject = normalizeSubject(rawSubject);
    const query = { user: subject, role: relation, objectType: "file" as const };
    try {
      if ((await this.#syncKind(syncId, signal)) !== "files")
        return { recordIds: [], complete: true, calls: 0 };
      if ((context?.expectedRecords ?? 0) > this.#plainListCap) {
        return { ...(await this.#collectStream(syncId, query, signal)), calls: 1 };
      }
      if (context?.unknownSize && context.streamUpTo !== undefined) {
        const streamed = await this.#collectStream(syncId, query, signal, context.streamUpTo);
        // Cut at maxListSize itself, the whole list would be cut there too: incomplete, not partial.
        const partial = !streamed.complete && context.streamUpTo < this.#maxListSize;
        return partial ? { ...streamed, partial: true, calls: 1 } : { ...streamed, calls: 1 };
      }
      const first = await this.#permissions.listObjects(syncId, query, signal ? { signal } : {});
      // The client already returns bare record ids (no `file:` prefix) from both list endpoints.
      if (!first.truncated) return { recordIds: [...new Set(first.objects)], complete: true, calls: 1 };
      // A stranger's probe: the streamed rest is fetched only if the caller needs it.
      if (context?.unknownSize)
        return { recordIds: [...new Set(first.objects)], complete: false, partial: true, calls: 1 };
      // The plain endpoint stops at its cap (1000); the streamed one has none.
      return { ...(await this.#collectStream(syncId, query, signal)), calls: 2 };
    } catch (error) {
      if (await this.#isGone(error, syncId, signal)) {
        return { recordIds: [], complete: true, calls: 1 };
      }
      throw toPermissionsError(error, `list-objects on sync ${syncId}`);
    }
  }

  /** Every id of the streamed endpoint, cut (and incomplete) past `maxListSize` or `upTo`. */
  async #collectStream(
    syncId: string,
    query: { user: string; role: Relation; objectType: "file" },
    signal: AbortSignal | undefined,
    upTo = this.#maxListSize,
  ): Promise<{ recordIds: string[]; complete: boolean }> {
    const most = Math.min(upTo, this.#maxListSize);
    const ids = new Set<string>();
    for await (const batch of this.#streamListObjects(syncId, query, signal)) {
      for (const object of batch) {
        if (ids.size >= most) return { recordIds: [...ids], complete: false };
        ids.add(object);
      }
    }
    return { recordIds: [...ids], complete: true };
  }

  /** The streamed list in batches: per network chunk when the client can, else one id per batch. */
  async *#streamListObjects(
    syncId: string,
    query: { user: string; role: Relation; objectType: "file" },
    signal: AbortSignal | undefined,
  ): AsyncGenerator<readonly string[]> {
    const options = signal ? { signal } : {};
    const permissions = this.#permissions;
    if (permissions.streamListObjectBatches) {
      yield* permissions.streamListObjectBatches(syncId, query, options);
      return;
    }
    for await (const object of permissions.streamListObjects(syncId, query, options)) yield [object];
  }

  /** A 404 for a sync the catalog confirms was deleted (never for any other failure). */
  async #isGone(error: unknown, syncId: string, signal?: AbortSignal): Promise<boolean> {
    if (!this.#syncGone || !(error instanceof ManagedSyncHttpError) || error.status !== 404) return false;
    return this.#syncGone(syncId, signal);
  }
}

/**
 * `tenantWideSyncs` allowed a sync's records to ANY subject, another company's people and `*`
 * included. It is gone; a program still passing it fails loudly instead of silently denying.
 */
export function rejectTenantWideSyncs(options: object): void {
  if (
    "tenantWideSyncs" in options &&
    (options as { tenantWideSyncs?: unknown }).tenantWideSyncs !== undefined
  ) {
    throw new TypeError(
      "tenantWideSyncs was removed (it let any subject read those syncs): give each CRM/ticketing sync a record " +
        'policy instead, e.g. policies: [{ syncId, policy: "tenant" }] with members: { domains: ["your.domain"] } ' +
        "(or forUser(email, { member: true }) from a verified identity); see docs/records.md",
    );
  }
}
