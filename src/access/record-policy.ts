import pLimit from "p-limit";
import { isEmail, OwnerDirectory, type OwnersInput } from "../records/index.js";
import { isMember, type MembershipRule } from "./membership.js";
import { decideOwner, listOwnedRecords, type RecordReader } from "./owner-policy.js";
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
    return listOwnedRecords(
      subject,
      syncId,
      sync,
      ownerField,
      records,
      this.#owners,
      this.#options.maxListSize ?? 100_000,
      signal,
    );
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
        limit(() => decideOwner(subject, sync, ownerField, records, this.#owners, object.recordId, signal)),
      ),
    );
    return { decisions, calls: objects.length };
  }
}
