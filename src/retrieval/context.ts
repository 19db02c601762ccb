import type {
  AccessControl,
  AllowSet,
  AllowSetCache,
  ChangeCoverage,
  DecisionCache,
  ObjectRef,
  Subject,
  SubjectKnowledge,
} from "../access/index.js";
import type { Deadline } from "../managed-sync/index.js";
import type { HeldRecords, SiftedSource } from "./candidates.js";
import type { ListCosts } from "./list-costs.js";
import type { RetrievalSettings } from "./options.js";
import type { Tally, UnnamedSync } from "./report.js";
import type { RoundTrips } from "./round-trips.js";
import type { SyncTrust } from "./trust.js";

/** What every query of one retriever shares: the tenant, the access port and the bounded caches. */
export interface EnforcementContext {
  tenant: string;
  access: AccessControl;
  settings: RetrievalSettings;
  decisions: DecisionCache;
  allowSets: AllowSetCache;
  /** What is known about each subject (allow rate, list sizes), persisted when a store state is given. */
  knowledge: SubjectKnowledge;
  /** The tenant's syncs a pre-filter lists objects in; undefined means pre-filtering is unavailable. */
  syncIds: ((signal?: AbortSignal) => Promise<readonly string[]>) | undefined;
  /** The permission-changes follower's proof for this tenant's caches, when one runs. */
  changes: ChangeCoverage | undefined;
  /** Told of each sync a report names in `unnamedSyncs` (`PermissionAwareRetrieverFields.onUnnamedSync`). */
  onUnnamedSync: ((sync: UnnamedSync) => void) | undefined;
  /** How long checks and a stranger's larger page take here (the first query's order). */
  roundTrips: RoundTrips;
  /** What each sync's last allow list cost in requests (an `owner` sync's is the sync's size). */
  listCosts: ListCosts;
}

/** One query in flight: who asks, how many results, and its running tally. */
export interface QueryRun {
  ctx: EnforcementContext;
  subject: Subject;
  k: number;
  /** The caller's signal linked with the time budget: every permission call and search carries it. */
  signal: AbortSignal | undefined;
  /** The time budget behind `signal` (`timeBudget`); `outOfTime` asks whether it ran out. */
  deadline?: Deadline | undefined;
  startedAt: number;
  /** How far this query trusts each sync's cached evidence (see `trustedSince`), worked out once per sync. */
  trust: Map<string, SyncTrust>;
  tally: Tally;
  /** Decisions made or looked up during this query, by `refKey`. */
  decided: Map<string, boolean>;
  /**
   * When the evidence behind each denial in `decided` was requested (epoch ms), by `refKey`: a
   * list newer than a denial admits the record, an older one does not. An error decision (denied
   * for want of an answer) has no entry: it is no evidence against a list.
   */
  deniedAt: Map<string, number>;
  /**
   * Complete allow lists at hand in this query, by sync: a list that is trusted for its sync
   * (`trustedSince`) decides candidates of that sync without asking the Permissions API.
   */
  lists: Map<string, AllowSet>;
  /** The query's candidates as refs, when its source has them (dense search): for sifted pages. */
  sifted?: SiftedSource | undefined;
  /** What the store holds in memory of the tenant's records, when it can (pre-filter lists). */
  held?: HeldRecords | undefined;
  /**
   * Chunk ids this query already fed to what is known about the subject (see `firstSight`): the
   * first query's page is checked by its round and then sifted by the lists or searched again from
   * the top by a pre- or post-filter, and a post-filter's candidates again by its pre-filter
   * fallback. Counted each time, they weighed double (or triple) in the learnt allow rate.
   */
  learnt: Set<string>;
  /** Background work to start once the query has its answer (so it never competes with it). */
  afterward: (() => void)[];
}

/** Whether the candidate is news to what is known about the subject in this query; noted as seen if so. */
export function firstSight(run: QueryRun, chunkId: string): boolean {
  if (run.learnt.has(chunkId)) return false;
  run.learnt.add(chunkId);
  return true;
}

export function refKey(syncId: string, recordId: string): string {
  return `${syncId}\u0000${recordId}`;
}

/** The sync and record a {@link refKey} names (a sync id never holds the separator). */
export function refOf(key: string): ObjectRef {
  const at = key.indexOf("\u0000");
  return { syncId: key.slice(0, at), recordId: key.slice(at + 1) };
}
