import type { SyncDescription } from "./sync-catalog.js";

/** The person a question is asked for: an email, as the Permissions API knows them. */
export type Subject = string;

/** A permission relation of Paragon's file model (`can_read` ⊂ `can_write` ⊂ `is_owner`). */
export type Relation = "can_read" | "can_write" | "is_owner";

/** One record a decision is about. Record ids are only unique within the sync that produced them. */
export interface ObjectRef {
  syncId: string;
  recordId: string;
}

/**
 * The answer for one object. `error` is kept apart from `deny` so callers can report it, but both
 * mean the object is not returned.
 */
export type Decision = { kind: "allow" } | { kind: "deny" } | { kind: "error"; reason: string };

/** Decisions aligned with the objects asked about, and how many HTTP calls they cost. */
export interface BatchCheckResult {
  decisions: Decision[];
  /** Permissions API requests sent (one per batch per sync). */
  calls: number;
}

/** The records a subject may reach in one sync. `complete: false` means a cap was hit: never use it as a filter. */
export interface AllowList {
  recordIds: string[];
  complete: boolean;
  /** Permissions API requests sent to build it. */
  calls: number;
  /** Every record of the sync is allowed (a tenant-wide sync): search it without a record filter. */
  everything?: boolean;
  /**
   * Records the list could neither include nor rule out (an owner that maps to no email, or whose
   * lookup failed): never allowed by the list, even if `recordIds` also names them or `everything`
   * is set. A record whose id is unknown (served malformed) cannot be named here: the list is then
   * incomplete. The list is whole without them; a search filtered by it searches them too and
   * decides each that ranks as a check would (denied and reported), within the query's budget, so
   * one such record neither hides itself nor sends every query of the sync to post-filtering.
   */
  undecided?: string[];
  /**
   * Only the first capped answer was asked for (the caller's `unknownSize` hint): the list goes on
   * past it (`complete` is false). Never cached; ask again without the hint for the whole list.
   */
  partial?: boolean;
}

/**
 * What the caller vouches for about the subject, beyond their email. `member`: the identity path
 * verified the subject as a member of this retriever's tenant (a signed token naming the tenant),
 * which is what the `tenant` record policy allows on. Never set it from anything a user can claim.
 */
export interface AccessContext {
  member?: boolean;
  /**
   * A list fetch hint, not a claim: how many records the subject's list held when last fetched, so
   * an implementation can pick its endpoint (past Paragon's plain cap, the streamed one at once).
   */
  expectedRecords?: number;
  /**
   * A list fetch hint: nothing is known about the subject (a stranger's first query) and the caller
   * only wants a list that one cheap request can give: an implementation may answer from its capped
   * endpoint alone and, past the cap, return what it got with `partial: true` (and `complete:
   * false`) instead of fetching the rest. The caller fetches the whole list when it needs it.
   */
  unknownSize?: boolean;
  /**
   * With `unknownSize`: the probe may stream the list and stop past this many ids (`partial` then),
   * where a round trip costs more than reading a few thousand ids (a distant Permissions API): a
   * person who sees a few thousand records then gets their whole list in the probe's one round trip.
   */
  streamUpTo?: number;
}

/** How records of a sync without a Permissions API (CRM, ticketing) are allowed; see `RecordPolicyAccess`. */
export type RecordPolicyName = "deny" | "tenant" | "owner";

/**
 * The port every permission decision goes through. Implementations fail closed: a transport failure
 * throws (`PermissionsUnavailableError` / `PermissionsTimeoutError`), a per-item failure is an `error`
 * decision, and truncation is reported through `complete`, never hidden.
 */
export interface AccessControl {
  /** Decides every object for `subject`; one batch-check per sync, the syncs in parallel. */
  batchCheck(
    subject: Subject,
    objects: readonly ObjectRef[],
    relation: Relation,
    signal?: AbortSignal,
    context?: AccessContext,
  ): Promise<BatchCheckResult>;
  /** Every record of `syncId` that `subject` holds `relation` on, with whether the list is complete. */
  listObjects(
    subject: Subject,
    relation: Relation,
    syncId: string,
    signal?: AbortSignal,
    context?: AccessContext,
  ): Promise<AllowList>;
  /**
   * The record policy that decides `syncId`'s records, for a sync without a Permissions API;
   * undefined for a file sync (the Permissions API decides). Reports say which policy allowed what.
   */
  policyOf?(syncId: string, signal?: AbortSignal): Promise<RecordPolicyName | undefined>;
  /**
   * The sync `syncId` is when it is a record sync no record policy rule names (its records are
   * denied by default); undefined otherwise. Reports name such a sync where its records ranked, so
   * a misspelt rule is not mistaken for "this person may read nothing". Must not send requests.
   */
  unnamedSync?(syncId: string, signal?: AbortSignal): Promise<SyncDescription | undefined>;
}
