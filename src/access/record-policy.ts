import pLimit from "p-limit";
import { ManagedSyncHttpError } from "../managed-sync/index.js";
import { isEmail, OwnerDirectory, type OwnersInput } from "../records/index.js";
import { toPermissionsError } from "./errors.js";
import { isMember, type MembershipRule } from "./membership.js";
import { ownersOf, type RecordOwners } from "./record-owners.js";
import { checkRules, policyFor, type RecordPolicyRule, ruleFor } from "./record-policy-rules.js";
import { normalizeSubject } from "./subject.js";
import type { SyncDescription } from "./sync-catalog.js";
import type {
  AccessContext,
  AccessControl,
  AllowList,
  BatchCheckResult,
  Decision,
  ObjectRef,
  RecordPolicyName,
  Relation,
  Subject,
} from "./types.js";

/** What the owner policy reads: the Managed Sync client's `records` (GET one record, pull pages). */
export interface RecordReader {
  get(
    syncId: string,
    recordId: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ id: string; deleted?: boolean | null }>;
  pages(
    syncId: string,
    options?: { pageSize?: number; signal?: AbortSignal },
  ): AsyncIterable<{
    records: readonly { id: string; deleted?: boolean | null }[];
    /** Records of the page the API returned malformed (`RecordPage.invalid`): their owners are unknown. */
    invalid?: readonly unknown[];
  }>;
}

export interface RecordPolicyAccessOptions {
  /** Decides the records of file syncs (the Permissions API). */
  files: AccessControl;
  /** What a sync is (`SyncCatalog.describe`); a sync it does not know is denied. */
  describe: (syncId: string, signal?: AbortSignal) => Promise<SyncDescription | undefined>;
  /** Which policy decides which record sync (first match wins); default: every record sync is denied. */
  policies?: readonly RecordPolicyRule[];
  /** Who is a member for `tenant`, besides subjects the caller vouches for (`AccessContext.member`). */
  members?: MembershipRule;
  /** Owner ids → people, for `owner` (owner fields holding emails need none). */
  owners?: OwnerDirectory | OwnersInput;
  /** Reads records for `owner`; without it, owner-policy records cannot be evaluated and are denied. */
  records?: RecordReader;
  /** Records read at once for `owner` (default 8). */
  concurrency?: number;
  /** Past this many ids (listed or undecided) an owner's allow list is cut and reported incomplete (default 100,000). */
  maxListSize?: number;
}

/**
 * `AccessControl` for every sync of a tenant: file syncs go to the Permissions API (`files`), and
 * CRM/ticketing syncs, which have none, are decided by their record policy:
 *
 * - `deny` (the default for a sync no rule names): nobody.
 * - `tenant`: verified members of the tenant — the caller vouches (`{ member: true }`, set by an
 *   identity path that verified the tenant) or the subject passes the membership rule (`members`).
 *   Never "anyone": without either, it denies. Reading only (`can_read`).
 * - `owner`: only the person the record's owner field names, mapped to an email; the record is read
 *   at decision time (GET record), so a reassigned deal follows its new owner at once.
 *
 * A subject that is not an email (`*`) is never a member or an owner. A record whose policy cannot
 * be evaluated (no owner mapping, the record unreadable, a rule that throws) is an `error` decision:
 * denied and reported.
 *
 * @example
 * const access = new RecordPolicyAccess({
 *   files: new ManagedSyncAccessControl({ permissions: client.permissions, syncKind }),
 *   describe: (syncId, signal) => catalog.describe(syncId, signal),
 *   policies: [{ integration: "salesforce", pipeline: "deals", policy: "owner" }],
 *   members: { domains: ["northwind.test"] },
 *   records: client.records,
 * });
 */
export class RecordPolicyAccess implements AccessControl {
  readonly #options: RecordPolicyAccessOptions;
  readonly #owners: OwnerDirectory;
  readonly #rules: readonly RecordPolicyRule[];

  constructor(options: RecordPolicyAccessOptions) {
    const problem = checkRules(options.policies ?? []);
    if (problem) throw new TypeError(`record policies: ${problem}`);
    this.#options = options;
    this.#rules = options.policies ?? [];
    this.#owners =
      options.owners instanceof OwnerDirectory ? options.owners : new OwnerDirectory(options.owners);
  }

  async policyOf(syncId: string, signal?: AbortSignal): Promise<RecordPolicyName | undefined> {
    const sync = await this.#options.describe(syncId, signal);
    if (sync?.pipeline === "files") return undefined;
    return sync ? policyFor(this.#rules, sync).policy : "deny";
  }

  /**
   * The record sync `syncId` is when no rule names it, so its records are denied by default: a
   * report names it where its records ranked, since a misspelt rule (a wrong `pipeline`) otherwise
   * looks exactly like "this person may read nothing". A catalog lookup, no request of its own.
   */
  async unnamedSync(syncId: string, signal?: AbortSignal): Promise<SyncDescription | undefined> {
    const sync = await this.#options.describe(syncId, signal);
    if (!sync || sync.pipeline === "files") return undefined;
    return ruleFor(this.#rules, sync) ? undefined : sync;
  }

  async batchCheck(
    rawSubject: Subject,
    objects: readonly ObjectRef[],
    relation: Relation,
    signal?: AbortSignal,
    context?: AccessContext,
  ): Promise<BatchCheckResult> {
    const subject = normalizeSubject(rawSubject);
    const decisions: Decision[] = new Array(objects.length);
    const bySync = new Map<string, number[]>();
    objects.forEach((object, index) => {
      const slots = bySync.get(object.syncId);
      if (slots) slots.push(index);
      else bySync.set(object.syncId, [index]);
    });
    const fileSlots: number[] = [];
    let calls = 0;
    await Promise.all(
      [...bySync].map(async ([syncId, slots]) => {
        const sync = await this.#options.describe(syncId, signal);
        if (sync?.pipeline === "files") {
          fileSlots.push(...slots);
          return;
        }
        const decided = await this.#decideRecords(
          subject,
          relation,
          sync,
          syncId,
          slots.map((i) => objects[i]!),
          signal,
          context,
        );
        calls += decided.calls;
        slots.forEach((slot, i) => {
          decisions[slot] = decided.decisions[i]!;
        });
      }),
    );
    if (fileSlots.length > 0) {
      const files = await this.#options.files.batchCheck(
        subject,
        fileSlots.map((i) => objects[i]!),
        relation,
        signal,
        context,
      );
      calls += files.calls;
      fileSlots.forEach((slot, i) => {
        decisions[slot] = files.decisions[i] ?? { kind: "error", reason: "no decision returned" };
      });
    }
    return { decisions, calls };
  }

  async listObjects(
    rawSubject: Subject,
    relation: Relation,
    syncId: string,
    signal?: AbortSignal,
    context?: AccessContext,
  ): Promise<AllowList> {
    const subject = normalizeSubject(rawSubject);
    const sync = await this.#options.describe(syncId, signal);
    if (sync?.pipeline === "files")
      return this.#options.files.listObjects(subject, relation, syncId, signal, context);
    const nothing: AllowList = { recordIds: [], complete: true, calls: 0 };
    if (!sync) return nothing;
    const { policy, ownerField } = policyFor(this.#rules, sync);
    if (policy === "tenant") {
      if (relation !== "can_read") return nothing;
      let member: boolean;
      try {
        member = await isMember(subject, context, this.#options.members);
      } catch {
        // Not whole: the query checks these records instead, and the check reports the rule's failure.
        return { ...nothing, complete: false };
      }
      return member ? { ...nothing, everything: true } : nothing;
    }
    if (policy !== "owner" || !isEmail(subject)) return nothing;
    const records = this.#options.records;
    if (!records || !ownerField) return { ...nothing, complete: false };
    const max = this.#options.maxListSize ?? 100_000;
    const ids: string[] = [];
    const undecided: string[] = [];
    let calls = 0;
    let complete = true;
    try {
      for await (const page of records.pages(syncId, { pageSize: 1000, ...(signal ? { signal } : {}) })) {
        calls++;
        // A malformed record may be this subject's: the list cannot say it is whole (its records are
        // then checked one by one, and the malformed one is reported, not silently left out).
        if ((page.invalid?.length ?? 0) > 0) complete = false;
        for (const record of page.records) {
          if (record.deleted === true) continue;
          const owners = await this.#ownersOf(record, ownerField, sync).catch(() => undefined);
          // An owner that cannot be resolved now, or that maps to no email, may be this subject: the
          // record is undecided, checked (and reported) when a search finds it. Not an incomplete
          // list: one deal of a departed owner would send every query of the sync to post-filtering.
          const mine = owners?.emails.has(subject) === true;
          if (!mine && owners && owners.unresolved === 0) continue;
          // The undecided are held with the list (cached, searched as a filter): both count.
          if (ids.length + undecided.length >= max) return { recordIds: ids, complete: false, calls };
          (mine ? ids : undecided).push(record.id);
        }
      }
    } catch (error) {
      // The port's contract: a transport failure is a permissions outage (typed, onPermissionError).
      throw toPermissionsError(error, `reading sync ${syncId}'s records for the owner policy`);
    }
    return { recordIds: ids, complete, calls, ...(undecided.length > 0 ? { undecided } : {}) };
  }

  async #decideRecords(
    subject: Subject,
    relation: Relation,
    sync: SyncDescription | undefined,
    syncId: string,
    objects: readonly ObjectRef[],
    signal: AbortSignal | undefined,
    context: AccessContext | undefined,
  ): Promise<{ decisions: Decision[]; calls: number }> {
    const all = (decision: Decision) => ({ decisions: objects.map(() => decision), calls: 0 });
    if (!sync) return all({ kind: "error", reason: `sync ${syncId} is not one of the tenant's syncs` });
    const { policy, ownerField } = policyFor(this.#rules, sync);
    if (policy === "deny") return all({ kind: "deny" });
    if (policy === "tenant") {
      if (relation !== "can_read") return all({ kind: "deny" });
      try {
        return all(
          (await isMember(subject, context, this.#options.members)) ? { kind: "allow" } : { kind: "deny" },
        );
      } catch (error) {
        return all({ kind: "error", reason: `the membership rule failed: ${(error as Error).message}` });
      }
    }
    if (!isEmail(subject)) return all({ kind: "deny" });
    const records = this.#options.records;
    if (!records || !ownerField) {
      return all({
        kind: "error",
        reason: `the owner policy of sync ${syncId} (${sync.integration}/${sync.pipeline}) cannot read records${ownerField ? "" : " (no owner field: set ownerField)"}`,
      });
    }
    const limit = pLimit(this.#options.concurrency ?? 8);
    const decisions = await Promise.all(
      objects.map((object) =>
        limit(() => this.#decideOwner(subject, sync, ownerField, records, object.recordId, signal)),
      ),
    );
    return { decisions, calls: objects.length };
  }

  async #decideOwner(
    subject: Subject,
    sync: SyncDescription,
    field: string,
    records: RecordReader,
    recordId: string,
    signal: AbortSignal | undefined,
  ): Promise<Decision> {
    let record: { id: string; deleted?: boolean | null };
    try {
      record = await records.get(sync.id, recordId, signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted) throw error;
      // Gone from the source: nothing to allow.
      if (error instanceof ManagedSyncHttpError && error.status === 404) return { kind: "deny" };
      return {
        kind: "error",
        reason: `reading record ${recordId} for its owner failed: ${(error as Error).message}`,
      };
    }
    // A tombstone may still name its owner, but the record is gone (the list path skips it too).
    if (record.deleted === true) return { kind: "deny" };
    let owners: RecordOwners;
    try {
      owners = await this.#ownersOf(record, field, sync);
    } catch (error) {
      return {
        kind: "error",
        reason: `resolving record ${recordId}'s owner failed: ${(error as Error).message}`,
      };
    }
    if (owners.emails.has(subject)) return { kind: "allow" };
    // An owner that maps to no email may be this subject, even beside owners that do (a ticket's
    // other assignee): undecided, and said, rather than a silent deny.
    if (owners.unresolved > 0) {
      return {
        kind: "error",
        reason: `record ${recordId}'s owner (${field}) maps to no email: add it to records.owners`,
      };
    }
    if (owners.emails.size === 0) {
      return { kind: "error", reason: `record ${recordId} names no owner in ${field}` };
    }
    return { kind: "deny" };
  }

  /** The emails a record's owner field names; throws when the owner directory does. */
  #ownersOf(record: { id: string }, field: string, sync: SyncDescription): Promise<RecordOwners> {
    return ownersOf(record as Record<string, unknown>, field, sync.integration ?? "", this.#owners);
  }
}
