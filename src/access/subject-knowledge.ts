import { LRUCache } from "lru-cache";
import { type KnowledgeEntry, KnowledgePersistence, type KnowledgeState } from "./knowledge-persistence.js";
import { normalizeSubject } from "./subject.js";
import type { Relation, Subject } from "./types.js";

/** What is known about how much one subject may read: it sizes over-fetch and picks the strategy. */
export interface Knowledge {
  /** Candidates post-filtering scanned for the subject, and how many of those were allowed. */
  scanned: number;
  allowed: number;
  /** Records in the subject's complete allow list, per sync, when one was fetched. */
  listSizes?: Record<string, number>;
}

export interface SubjectKnowledgeOptions {
  /** The tenant whose people these are (the state scope is `allow-rate:<tenant>`). */
  tenant: string;
  /**
   * What member-verified views learn (`forUser(email, { member: true })`): kept under a scope of its
   * own, `member-allow-rate:<tenant>`. A verified member may read records (a `tenant` record
   * policy) that the same email asked for unverified may not, so one view's rate misplans the
   * other's queries (test/retrieval/enforcement.test.ts: an unverified person who sees 9 chunks of
   * 1,200, planned from their member view's rate of 1, was post-filtered with 330 checks in 9
   * requests). The unverified scope keeps its old name, so what earlier versions wrote is still read.
   */
  member?: boolean;
  /** Persist here so a person is a stranger once, not once per process. Optional. */
  state?: KnowledgeState | undefined;
  /** Subjects kept in memory (default 10,000). */
  maxSubjects?: number;
  /** How long knowledge is kept in memory without use (default 30 min); the state keeps it longer. */
  ttlMs?: number;
  /** A subject's knowledge is written at most this often (default 5 min), and only when it changed. */
  writeEveryMs?: number;
  /**
   * How long a write waits, in the background, gathering what else is learnt meanwhile (default
   * 1 s). Written at once, a stranger's first write (a store commit, about 10 ms of CPU at 100k
   * chunks) ran during their own first query or the next one.
   */
  writeDelayMs?: number;
  /**
   * With a state that lists a scope, the tenant's whole scope is read at once and re-read in the
   * background this often (default 60 s): what another replica learnt shows within it.
   */
  refreshMs?: number;
}

/** Below this many scanned candidates a subject's rate is not trusted yet. */
const MIN_SAMPLES = 10;
/** Tallies are halved past this, so the rate follows a subject whose access changes. */
const DECAY_AT = 20_000;

/**
 * The share of candidates each subject was allowed (from post-filtering) and the sizes of their
 * allow lists (from list-objects), per relation: what the auto strategy knows about a person. Kept
 * in a bounded memory and, when given the store's state, persisted (scope `allow-rate:<tenant>`, or
 * `member-allow-rate:<tenant>` for member-verified views,
 * written at most every few minutes per person and only when it changed), so a restarted process or
 * another replica knows the person too. Lost or unreadable state only makes a person a stranger again.
 */
export class SubjectKnowledge {
  readonly #memory: LRUCache<string, KnowledgeEntry>;
  /** The store's state, when given: where knowledge is read back from and written to. */
  readonly #persisted: KnowledgePersistence | undefined;

  constructor(options: SubjectKnowledgeOptions) {
    this.#memory = new LRUCache<string, KnowledgeEntry>({
      maxSize: options.maxSubjects ?? 10_000,
      sizeCalculation: () => 1,
      ttl: options.ttlMs ?? 30 * 60_000,
    });
    this.#persisted = options.state ? new KnowledgePersistence(options.state, options) : undefined;
  }

  /** What is known about the subject now, from memory only. */
  peek(subject: Subject, relation: Relation): Knowledge | undefined {
    return this.#memory.get(keyOf(subject, relation))?.knowledge;
  }

  /**
   * What is known about the subject, from memory or else the state: the tenant's scope read whole
   * when the state can list it (strangers then cost no read), else one read per stranger.
   */
  async recall(subject: Subject, relation: Relation): Promise<Knowledge | undefined> {
    const key = keyOf(subject, relation);
    const held = this.#memory.get(key);
    if (held) return held.knowledge;
    const read = await this.#persisted?.read(key);
    if (!read) return undefined;
    // Another query may have learnt something meanwhile: that is newer than the state.
    const now = this.#memory.get(key);
    if (now) return now.knowledge;
    this.#memory.set(key, { knowledge: read.knowledge, writtenAt: Date.now(), written: read.raw });
    return read.knowledge;
  }

  /** The observed allow rate in [0, 1], or undefined while there is too little evidence. */
  rate(subject: Subject, relation: Relation): number | undefined {
    return rateOf(this.peek(subject, relation));
  }

  /** Adds what one post-filter pass saw. */
  recordScan(subject: Subject, relation: Relation, scanned: number, allowed: number): void {
    if (scanned <= 0) return;
    this.#update(subject, relation, (k) => {
      k.scanned += scanned;
      k.allowed += allowed;
      if (k.scanned > DECAY_AT) {
        k.scanned /= 2;
        k.allowed /= 2;
      }
    });
  }

  /** Notes the sizes of complete allow lists just fetched. */
  recordLists(subject: Subject, relation: Relation, sizes: Record<string, number>): void {
    if (Object.keys(sizes).length === 0) return;
    this.#update(subject, relation, (k) => {
      k.listSizes = { ...k.listSizes, ...sizes };
    });
  }

  /** Writes what waits to be written now (tests, shutdown); resolves once every write settled. */
  flush(): Promise<void> {
    return this.#persisted?.flush() ?? Promise.resolve();
  }

  clear(): void {
    this.#memory.clear();
    this.#persisted?.clear();
  }

  #update(subject: Subject, relation: Relation, change: (knowledge: Knowledge) => void): void {
    const key = keyOf(subject, relation);
    const entry = this.#memory.get(key) ?? {
      knowledge: { scanned: 0, allowed: 0 },
      writtenAt: 0,
      written: undefined,
    };
    change(entry.knowledge);
    this.#memory.set(key, entry);
    this.#persisted?.changed(key, entry);
  }
}

/** The allow rate a knowledge record implies, once it rests on enough candidates. */
export function rateOf(knowledge: Knowledge | undefined): number | undefined {
  if (!knowledge || knowledge.scanned < MIN_SAMPLES) return undefined;
  return knowledge.allowed / knowledge.scanned;
}

function keyOf(subject: Subject, relation: Relation): string {
  return `${relation}:${normalizeSubject(subject)}`;
}
